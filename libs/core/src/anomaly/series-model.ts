// Streaming anomaly model for one (service, metric) series.
//
// Baseline. A sliding window of the last W samples (default 360), summarised robustly every 24
// samples (every n/4 while the window fills): the median is the level; the medians of the two
// halves give a local trend, used only when it is clear (trendZ standard errors), so noise does
// not tilt the baseline but a morning traffic ramp is followed; the scale σ is the larger of
// 1.4826·MAD and tailScale (0.8) × the 5–95% quantile range / 3.29 of the detrended residuals
// (the latter only wins for shapes far from Gaussian: two-level or very spiky series); for
// counts (every value a non-negative integer) σ is at least √mean, as for Poisson counts, and a
// sample's σ at least the Poisson scale of the rate predicted for it (a cycle's peaks are noisier).
//
// Warm-up. Detection starts after minHistory (20) samples. A baseline of n samples is uncertain
// in level and scale: σ is widened by √(1 + warmUpInflation/n) (×1.41 at 20 samples, ×1.03 at
// 360) and the CUSUM allowance grows by warmUpAllowance (2) standard errors of its level
// (1.25σ/√n, beyond what a full window's level has), so a short baseline reports only what is
// clear against that uncertainty.
//
// Calibration. The CUSUM assumes the model's errors are independent with unit variance in σ
// units. A model that does not capture the series (a cycle not learnt yet, a drift, bursts)
// makes errors that persist, and those add up like a shift: the long-run variance of z is
// tracked (blocks of 8 samples) and σ is widened by its square root beyond `persistence`.
//
// Seasonality. The series' own cycle, of whatever period it has (seasonality.ts): a coarse
// history finds it by autocorrelation, and a profile of the cycle's shape, seeded from that
// history and learnt from normal samples, is subtracted from the samples before the window is
// summarised. The profile is used while it predicts better: both models (with and without it)
// make one-step-ahead predictions all the time (started from their errors over the window when
// a cycle is found), and the profile is used while its running mean absolute error is below the
// other's (3% hysteresis), so a quiet night is compared with previous nights, not the afternoon.
//
// Detection, three ways, all on the robust z = (x − prediction)/σ:
// - Level shifts: two one-sided CUSUMs (allowance k = 1σ, threshold h = 5.5) on z clipped at
//   ±zCap = 3 (a Huber-type clip: a heavy-tailed sample adds at most zCap − k, so a run of
//   shifted samples is needed; lower on a side whose tail is heavier than a Gaussian's, down to
//   2.2 for a t(3)'s, see cusumCap). A 2σ shift crosses in about 7 samples, a 5σ one in 3. At a
//   crossing, the changepoint is the split of the run that makes the rest's mean departure most
//   significant (a run often starts with noise before the change); that is the onset. The
//   shift must measure at least minScore = 1.5σ (the median since the onset against the
//   baseline), and be a step: the jump across the onset must make up half of its departure — a
//   drift (a ramp, a cycle not yet learnt) moves away from a lagging baseline without a jump,
//   and is not a level shift. The baseline is frozen at a suspected onset: while a CUSUM run builds up (its
//   statistic ≥ h/4) the window's summary, the calibration and the cycle's profile wait (for
//   at most freezeFor samples), so the first shifted samples cannot pull the level, tilt the
//   trend or widen the scale before the run is decided. Alarm fatigue: every anomaly of the
//   series that came back (recovered) raises h by `fatigue`, decayed with spikeHalfLife.
// - Gross shifts: two samples in a row beyond spikeZ = 8σ on the same side are reported at the
//   second one (onset: the first), not after a CUSUM run.
// - Spikes: one sample beyond spikeZ followed by an ordinary one is reported once, one sample
//   late, as shape 'spike'. It must also beat spikeMemory × the largest |z| this series produced
//   lately (a decaying maximum, half-life 2000 samples), and be rarer than spikeRate per sample
//   by the series' own tail (its share of samples beyond 3σ, extrapolated as a t(3)'s; every
//   sample not part of a shift counts, those of a CUSUM run once it is decided): a series that
//   spikes all the time, or whose noise is heavy-tailed, does not report its ordinary outliers.
// While an anomaly is open the baseline stays frozen. It ends as 'recovered' when the series is
// back on the baseline's side of the halfway mark (for a spike: within ±recoverZ σ) for
// recoverAfter = 5 samples in a row (its samples stay in the window, widening the scale for a
// while, so repeated similar excursions are learnt instead of flapping), or as 'new-level'
// once the changed level has held for adoptAfter = 30 samples: the window keeps the samples
// since the onset, the scale it knew is kept as a floor until it has refilled (and, when the
// series kept moving since the onset, a trend is fitted at once: a drift is followed rather than
// reported as a staircase of shifts), and a later change (a return included) is a new anomaly.
//
// Memory per series (defaults): window 360 × (4 B float32 value + 4 B time in seconds + 4 B
// sorted copy) = 4.3 KB, period history 512 × 4 B = 2 KB, plus ~400 B of scalars; a series with
// a cycle adds its profile (up to 168 buckets × 8 B) ≈ 1.3 KB. The sorted copy makes a
// refresh's median, MAD and tail quantiles reads instead of selections; the rest of a summary
// uses shared scratch buffers, so the steady state allocates almost nothing.
import { MAD_TO_SIGMA, median, medianInPlace, quantileSelect } from '../stats/descriptive.js';
import { SortedWindow } from '../stats/sorted-window.js';
import { PeriodFinder, SeasonalProfile } from './seasonality.js';

export interface AnomalySettings {
  /** Samples in the sliding baseline window. */
  readonly windowSize: number;
  /** Samples needed before detection starts. */
  readonly minHistory: number;
  /** σ of a baseline of n samples is widened by √(1 + warmUpInflation/n) (its level and scale are estimates). */
  readonly warmUpInflation: number;
  /** The CUSUM allowance grows by this many standard errors of a baseline's level (n samples: 1.25σ/√n) beyond a full window's. */
  readonly warmUpAllowance: number;
  /** Recompute the window summary every this many samples (every n/4 while the window fills). */
  readonly refreshEvery: number;
  /** CUSUM allowance (in σ): drifts smaller than this are ignored. */
  readonly k: number;
  /** CUSUM decision threshold (in σ·samples). */
  readonly h: number;
  /** Clip robust z-scores at ±zCap (zCap − k < h keeps one sample from deciding). */
  readonly zCap: number;
  /** An alarm needs at least this many samples since the onset. */
  readonly minDuration: number;
  /** While a CUSUM run builds up, the baseline's refresh waits for its outcome, at most this many samples. */
  readonly freezeFor: number;
  /**
   * A single sample this many σ (unclipped) from the prediction is reported at once as a spike
   * (0 disables). Far above zCap: an ordinary outlier never qualifies, a 20× latency spike does.
   */
  readonly spikeZ: number;
  /**
   * Spikes must also exceed spikeMemory × the largest |z| this series produced lately (a
   * decaying maximum with a half-life of spikeHalfLife samples): a series that spikes all the
   * time (tweet volumes) stops reporting spikes no bigger than its usual ones.
   */
  readonly spikeMemory: number;
  readonly spikeHalfLife: number;
  /** A spike must also be rarer than this per sample by the series' own tail (see tailThreshold). */
  readonly spikeRate: number;
  /**
   * Alarm-fatigue control for shifts: a new shift must be at least shiftMemory × as large (in σ)
   * as the last reported one, decayed with the same half-life (0 disables).
   */
  readonly shiftMemory: number;
  /**
   * Alarm-fatigue control: each anomaly of this series that came back (recovered, not adopted)
   * raises its CUSUM threshold by this much, decayed with spikeHalfLife: a series that keeps
   * making excursions needs stronger evidence for the next one.
   */
  readonly fatigue: number;
  /**
   * When a cycle is found (or one containing the old), each recent excursion that raised the
   * fatigue is judged again against the cycle's profile: one the cycle explains (at least this
   * share of its departure is made by the profile, on the same side) was the cycle, not the
   * series misbehaving, and its share of the fatigue is withdrawn (0 disables; see forgive).
   */
  readonly forgiveShare: number;
  /**
   * Clip the CUSUM's z-scores on each side by the series' own tail on that side (see cusumCap):
   * lower than zCap for heavy tails.
   */
  readonly tailCap: boolean;
  /**
   * For counts, σ at a sample is at least the Poisson scale of the rate predicted for it (a
   * cycle's peaks are noisier than the window's mean count says); see sigmaAt.
   */
  readonly countRateScale: boolean;
  /**
   * Long-run variance of z (in σ² units; 1: independent errors) tolerated before σ is widened by
   * the square root of the excess (see calibrate).
   */
  readonly persistence: number;
  /** The jump across a shift's onset must make up this share of its departure (a step, not a drift; 0 disables). */
  readonly stepShare: number;
  /** Magnitude gate in σ: |observed − baseline| ≥ minScore·σ, so slow small drifts that the CUSUM accumulates are not reported. */
  readonly minScore: number;
  /** Magnitude gates: |observed − baseline| must reach both (0 disables). */
  readonly minAbsoluteMagnitude: number;
  readonly minRelativeMagnitude: number;
  /** Weight of the 5–95% quantile range in the scale (0: MAD only); see scaleOf. */
  readonly tailScale: number;
  /** σ is at least this share of |level| (flat series would otherwise alarm on rounding). */
  readonly relativeScaleFloor: number;
  readonly absoluteScaleFloor: number;
  /** Use a local trend in the baseline; the slope is multiplied by trendDamping. */
  readonly trend: boolean;
  readonly trendDamping: number;
  /** The trend is used only when the window's halves differ by this many standard errors. */
  readonly trendZ: number;
  /** Find and model the series' cycle (seasonality.ts). */
  readonly seasonality: boolean;
  /** Bins of the coarse history the cycle is found in. */
  readonly seasonHistoryBins: number;
  /** The history merges bins until it spans this long, then slides (the longest findable cycle is 1/2.5 of it). */
  readonly seasonMaxSpanMs: number;
  /** A cycle's autocorrelation must reach this. */
  readonly seasonMinCorrelation: number;
  /** Buckets per cycle in the profile (at most one per sample interval). */
  readonly seasonMaxBuckets: number;
  /** Weight of each new cycle in the profile (1/4: about the last four cycles). */
  readonly seasonRate: number;
  /** Raise h for a series that comes close to it more often than Gaussian noise would (see nearMissMargin). */
  readonly nearMisses: boolean;
  /** Consecutive samples back on the baseline's side that end an anomaly. */
  readonly recoverAfter: number;
  /** A spike is over when the series is within ±recoverZ σ again; a shift's halfway mark is at most this far out. */
  readonly recoverZ: number;
  /** Drop an anomaly's samples from the window when it recovers (keeps the baseline tight, but flaps on series that keep making excursions). */
  readonly forgetExcursions: boolean;
  /** An anomaly that has lasted this many samples without recovering becomes the new normal. */
  readonly adoptAfter: number;
}

export const DEFAULT_ANOMALY_SETTINGS: AnomalySettings = {
  windowSize: 360,
  minHistory: 20,
  warmUpInflation: 20,
  warmUpAllowance: 2,
  refreshEvery: 24,
  k: 1,
  h: 5.5,
  zCap: 3,
  minDuration: 2,
  freezeFor: 48,
  spikeZ: 8,
  spikeMemory: 1.2,
  spikeHalfLife: 2000,
  spikeRate: 2e-5,
  shiftMemory: 0,
  fatigue: 2,
  forgiveShare: 0.5,
  countRateScale: true,
  tailCap: true,
  persistence: 1,
  stepShare: 0.5,
  minScore: 1.5,
  minAbsoluteMagnitude: 0,
  minRelativeMagnitude: 0,
  tailScale: 0.8,
  relativeScaleFloor: 0.005,
  absoluteScaleFloor: 1e-9,
  trend: true,
  trendDamping: 1,
  trendZ: 4,
  seasonality: true,
  seasonHistoryBins: 512,
  seasonMaxSpanMs: 42 * 86_400_000,
  seasonMinCorrelation: 0.3,
  seasonMaxBuckets: 168,
  seasonRate: 0.25,
  nearMisses: true,
  recoverAfter: 5,
  recoverZ: 2,
  forgetExcursions: false,
  adoptAfter: 30,
};

/** What the model reports when an anomaly opens. */
export interface ModelAnomaly {
  readonly onset: number;
  readonly detectedAt: number;
  readonly direction: 'up' | 'down';
  readonly baseline: number;
  readonly observed: number;
  readonly sigma: number;
  readonly seasonal: boolean;
  /** shift: a sustained departure (CUSUM); spike: one extreme sample. */
  readonly shape: 'shift' | 'spike';
}

export interface ModelRecovery {
  readonly at: number;
  /** The first sample back at the old level (recovered), or `at` (new-level). */
  readonly since: number;
  readonly reason: 'recovered' | 'new-level';
}

export type ModelEvent =
  | { readonly type: 'anomaly'; readonly anomaly: ModelAnomaly }
  | { readonly type: 'recovery'; readonly recovery: ModelRecovery };

interface Fit {
  /** Samples summarised. */
  n: number;
  level: number;
  slope: number;
  /** Sample number at which the fit's level applies. */
  centerSeq: number;
  /** The residuals' robust scale. */
  scale: number;
  /** scale widened for the baseline's size (warmUpInflation). */
  sigma: number;
}

export class SeriesModel {
  // Ring buffer of the last W samples: values in float32 (7 significant digits are plenty for
  // detection), times as whole seconds since the first sample (uint32: 136 years).
  private readonly values: Float32Array;
  private readonly times: Uint32Array;
  // The same values in sorted order, kept up to date per sample (one block move), so a refresh
  // reads the window's median, MAD and tail quantiles instead of re-selecting them.
  private readonly sorted: SortedWindow;
  private nonFinite = 0; // float32 overflow (±Infinity) in the window: then refresh selects as before
  private base = NaN;
  private head = 0; // next write position
  private count = 0;
  private seen = 0; // samples ever accepted; a sample's number is `seen` before its arrival
  private lastTs = -Infinity;
  private intervalEw = NaN;
  private sinceRefresh = 0;
  private ready = false;
  // Window summaries: without (raw) and with (seasonal) the cycle's profile removed.
  private raw: Fit | null = null;
  private seas: Fit | null = null;
  private errRaw = NaN;
  private errSeas = NaN;
  private compared = 0;
  private seasonalOn = false;
  // CUSUM state.
  private sUp = 0;
  private sDown = 0;
  private runUpStart = NaN;
  private runDownStart = NaN;
  private runUpLen = 0;
  private runDownLen = 0;
  // Open anomaly.
  private open: ModelAnomaly | null = null;
  private openSamples = 0;
  /** A shift is over once the series is back below this z (in its direction). */
  private openBand = 0;
  private inBand = 0;
  private inBandSince = NaN;
  // Calibration: the long-run variance of z (blocks of BLOCK samples), and the factor it implies.
  private buildingFor = 0; // samples a CUSUM run has been building up (statistic ≥ h/4)
  private blockSum = 0;
  private blockCount = 0;
  private blocks = 0;
  private longRunVariance = 1;
  private calibration = 1;
  // Decaying maximum of |z| (spike memory).
  private zPeak = 0;
  private shiftPeak = 0;
  private alarms = 0; // decayed count of anomalies that recovered, as of sample alarmSeq
  private alarmSeq = 0;
  /** The latest excursions that added to the fatigue, to judge again when a cycle is found. */
  private readonly excursions: Excursion[] = [];
  private shiftPeakSeq = 0;
  private pendingSpike: { ts: number; x: number; pred: number; up: boolean; z: number } | null = null;
  // The series' tail: decayed counts of samples and of |z| beyond TAIL_FROM.
  private tailN = 0;
  private tailCount = 0;
  private tailUp = 0;
  // Near misses (see nearMissMargin): decayed counts of samples and of excursions that peaked high.
  private nearN = 0;
  private nearCount = 0;
  private peakUp = 0;
  private peakDown = 0;
  /** z of the samples of a CUSUM run still being decided (see tallyOrHold). */
  private readonly heldTail: number[] = [];
  private readonly tailDecay: number;
  /** The window's count unit (its smallest positive value) when every value is a count; else 0. */
  private countUnit = 0;
  // The scales of the fits before a level was adopted, floors on σ until the window has refilled.
  private carriedRaw = 0;
  private carriedSeas = 0;
  private carriedUntil = -1;
  /** The adopted level was a drift: the baseline follows a trend until the window has refilled. */
  private drifting = false;
  // The cycle: found in a coarse history, modelled by a profile once found.
  private readonly finder: PeriodFinder | null;
  private profile: SeasonalProfile | null = null;

  /** The spike memory's decay per sample (a power per sample was a noticeable part of detect). */
  private readonly spikeDecay: number;

  constructor(private readonly s: AnomalySettings) {
    this.spikeDecay = Math.pow(0.5, 1 / s.spikeHalfLife);
    this.tailDecay = Math.pow(0.5, 1 / (5 * s.spikeHalfLife));
    this.values = new Float32Array(s.windowSize);
    this.times = new Uint32Array(s.windowSize);
    this.sorted = new SortedWindow(new Float32Array(s.windowSize));
    this.finder = s.seasonality
      ? new PeriodFinder(s.seasonHistoryBins, s.seasonMaxSpanMs, s.seasonMinCorrelation)
      : null;
  }

  get approxBytes(): number {
    const window = this.values.byteLength + this.times.byteLength + this.sorted.byteLength;
    return window + (this.finder?.byteLength ?? 0) + (this.profile?.byteLength ?? 0) + 300;
  }

  get isSeasonal(): boolean {
    return this.seasonalOn;
  }

  /** The cycle found in the series, in ms (0: none). */
  get period(): number {
    return this.profile?.periodMs ?? 0;
  }

  get isOpen(): boolean {
    return this.open !== null;
  }

  get lastTimestamp(): number {
    return this.lastTs;
  }

  /** Feed one sample; timestamps must increase (the caller reorders or drops). */
  update(ts: number, x: number): ModelEvent | null {
    if (!(ts > this.lastTs) || !Number.isFinite(x)) return null;
    if (Number.isFinite(this.lastTs)) {
      const dt = ts - this.lastTs;
      this.intervalEw = Number.isFinite(this.intervalEw) ? 0.9 * this.intervalEw + 0.1 * dt : dt;
    } else {
      this.base = Math.floor(ts / 1000) * 1000;
    }
    this.lastTs = ts;
    const seq = this.seen++;

    let event: ModelEvent | null = null;
    if (this.ready) {
      this.compare(ts, seq, x);
      event = this.open ? this.follow(ts, seq, x) : this.detect(ts, seq, x);
    }
    this.push(ts, x);
    if (this.profile) this.learnCycle(ts, seq, x);
    if (this.finder) this.findCycle(ts, x);
    if (!this.open) {
      this.sinceRefresh++;
      if (!this.ready) {
        if (this.count >= this.s.minHistory) this.refresh();
      } else if (this.refreshDue()) this.refresh();
    }
    return event;
  }

  /**
   * Every refreshEvery samples (n/4 while the window fills), unless a CUSUM run is building up:
   * then the baseline stays frozen at its suspected onset until the run is decided, for at most
   * freezeFor samples.
   */
  private refreshDue(): boolean {
    const s = this.s;
    const every = Math.min(s.refreshEvery, Math.max(1, this.count >> 2));
    if (this.sinceRefresh < every) return false;
    return this.buildingFor === 0 || this.sinceRefresh >= every + s.freezeFor;
  }

  /**
   * σ at a prediction. A count's variance follows its rate: σ from the window is at least √ of
   * the window's mean count, which a cycle's peak exceeds, so there the Poisson scale of the
   * predicted rate (√(rate × the count's unit), widened like the fit's σ) is the floor instead
   * (see countRateScale). Never below the window's σ.
   */
  private sigmaAt(pred: number): number {
    const sigma = this.sigma;
    if (!this.s.countRateScale || this.countUnit <= 0 || !(pred > 0)) return sigma;
    const f = this.fit;
    const widen = f.scale > 0 ? f.sigma / f.scale : 1;
    return Math.max(sigma, Math.sqrt(pred * this.countUnit) * widen * this.calibration);
  }

  private get fit(): Fit {
    return (this.seasonalOn ? this.seas : this.raw)!;
  }

  /** The fit's σ, widened when the model's own recent errors say it fits worse (see calibrate). */
  private get sigma(): number {
    return this.fit.sigma * this.calibration;
  }

  /**
   * The CUSUM's thresholds assume the model's errors are independent with unit variance in σ
   * units. A model that does not capture the series yet (a cycle not learnt, a drift, bursts)
   * makes errors that persist from one sample to the next, and those add up in a CUSUM as a
   * shift would. So the long-run variance of z is tracked — 8 × the variance of the means of
   * blocks of 8 clipped z-scores, ~1 for a model that fits, whatever its noise — and σ is widened
   * by its square root. Blocks are exponentially weighted over ~50 (400 samples).
   */
  private calibrate(rawZ: number): void {
    this.blockSum += clamp(rawZ, -this.s.zCap, this.s.zCap);
    if (++this.blockCount < BLOCK) return;
    const mean = this.blockSum / BLOCK;
    this.blockSum = 0;
    this.blockCount = 0;
    const a = Math.max(1 / 50, 1 / ++this.blocks);
    this.longRunVariance += a * (BLOCK * mean * mean - this.longRunVariance);
    this.calibration = Math.max(1, Math.sqrt(this.longRunVariance / this.s.persistence));
  }

  private seasonAt(ts: number): number {
    return this.profile!.valueAt(ts);
  }

  private predictWith(f: Fit, seasonal: boolean, ts: number, seq: number): number {
    // Trend extrapolation is capped at half a window: a frozen baseline must not run away.
    const dist = Math.min(seq - f.centerSeq, this.s.windowSize / 2);
    return f.level + f.slope * dist + (seasonal ? this.seasonAt(ts) : 0);
  }

  private predict(ts: number, seq: number): number {
    return this.predictWith(this.fit, this.seasonalOn, ts, seq);
  }

  private z(ts: number, seq: number, x: number): number {
    const cap = this.s.zCap;
    return clamp((x - this.predict(ts, seq)) / this.sigma, -cap, cap);
  }

  /** Running one-step-ahead errors of both models decide whether the profile is used. */
  private compare(ts: number, seq: number, x: number): void {
    if (!this.raw || !this.seas) return;
    const eRaw = Math.abs(x - this.predictWith(this.raw, false, ts, seq));
    const eSeas = Math.abs(x - this.predictWith(this.seas, true, ts, seq));
    // Memory of about half a cycle (at least 50 samples).
    const a = Math.max(1 / 5000, Math.min(1 / 50, this.intervalEw / (0.5 * this.profile!.periodMs)));
    if (this.compared === 0) {
      this.errRaw = eRaw;
      this.errSeas = eSeas;
    } else {
      this.errRaw += a * (eRaw - this.errRaw);
      this.errSeas += a * (eSeas - this.errSeas);
    }
    this.compared++;
    if (this.compared < Math.min(1 / a, 200)) return;
    const on = this.seasonalOn ? this.errSeas < 1.03 * this.errRaw : this.errSeas < 0.97 * this.errRaw;
    if (on !== this.seasonalOn) {
      this.seasonalOn = on;
      this.sUp = this.sDown = 0; // residuals change meaning: restart the CUSUMs
      this.recalibrate(seq);
    }
  }

  /** The model in use changed: its long-run variance from its errors over the window. */
  private recalibrate(seq: number): void {
    const n = this.count;
    const first = seq - n;
    let sum = 0;
    let blocks = 0;
    let block = 0;
    for (let j = 0; j < n; j++) {
      const idx = this.ringIndex(j);
      const z = (this.values[idx]! - this.predict(this.timeAt(idx), first + j)) / this.fit.sigma;
      block += clamp(z, -this.s.zCap, this.s.zCap);
      if ((j + 1) % BLOCK === 0) {
        sum += (block * block) / BLOCK;
        block = 0;
        blocks++;
      }
    }
    if (blocks === 0) return;
    this.longRunVariance = sum / blocks;
    this.blocks = blocks;
    this.blockSum = 0;
    this.blockCount = 0;
    this.calibration = Math.max(1, Math.sqrt(this.longRunVariance / this.s.persistence));
  }

  private detect(ts: number, seq: number, x: number): ModelEvent | null {
    const s = this.s;
    const pred = this.predict(ts, seq);
    const rawZ = (x - pred) / this.sigmaAt(pred);
    const peak = this.zPeak;
    const absZ = Math.abs(rawZ);
    this.zPeak = Math.max(absZ, peak * this.spikeDecay);
    const z = clamp(rawZ, -this.cusumCap(false), this.cusumCap(true));
    // The allowance also covers the baseline level's own uncertainty (its standard error is
    // about 1.25σ/√n for the median of n samples): a short baseline's level error would
    // otherwise add up in the CUSUM like a shift.
    const k = s.k + s.warmUpAllowance * 1.25 * (1 / Math.sqrt(this.fit.n) - 1 / Math.sqrt(s.windowSize));
    const up = this.sUp + z - k;
    this.tallyNearMisses(up, this.sDown - z - k);
    if (up > 0) {
      if (this.sUp === 0) {
        this.runUpStart = ts;
        this.runUpLen = 0;
      }
      this.runUpLen++;
      this.sUp = up;
    } else this.sUp = 0;
    const down = this.sDown - z - k;
    if (down > 0) {
      if (this.sDown === 0) {
        this.runDownStart = ts;
        this.runDownLen = 0;
      }
      this.runDownLen++;
      this.sDown = down;
    } else this.sDown = 0;

    // The calibration is part of the baseline: frozen, like the window's summary, while a run
    // builds up (a shift's first samples must not widen σ before it is decided).
    const building = this.sUp >= s.h / 4 || this.sDown >= s.h / 4;
    this.buildingFor = building ? this.buildingFor + 1 : 0;
    if (this.buildingFor === 0 || this.buildingFor > s.freezeFor) this.calibrate((x - pred) / this.fit.sigma);
    let dir: 'up' | 'down' | null = null;
    if (this.sUp >= s.h || this.sDown >= s.h) {
      const h = s.h + s.fatigue * this.alarmLoad(seq) + this.nearMissMargin();
      dir =
        this.sUp >= h && this.runUpLen >= s.minDuration
          ? 'up'
          : this.sDown >= h && this.runDownLen >= s.minDuration
            ? 'down'
            : null;
    }
    if (dir) {
      this.pendingSpike = null;
      const shift = this.shift(dir, ts, seq, x, dir === 'up' ? this.runUpStart : this.runDownStart);
      if (shift) return shift;
    }
    // A spike is one extreme sample followed by an ordinary one: it is reported one sample
    // late, so that the first sample of a large level shift is not mistaken for a spike. Two
    // extreme samples in a row are a gross shift, reported at once (onset: the first of them)
    // rather than after the CUSUM's usual run.
    const extreme =
      s.spikeZ > 0 &&
      absZ >= Math.max(s.spikeZ, s.spikeMemory * peak) &&
      (s.spikeRate <= 0 || absZ >= this.tailThreshold()) &&
      Math.abs(x - pred) >= s.minAbsoluteMagnitude;
    // The tail describes the series' normal life: a sample counts in it once it is known not to
    // be part of a level shift. Samples of a CUSUM run being decided are held until it is (a
    // heavy tail's outliers are what start such runs: dropping them would censor the tail), and
    // an extreme one counts once the next sample has told (a reported spike counts too: a
    // series that keeps making spikes that large has them in its tail).
    if (!extreme) this.tallyOrHold(rawZ);
    const pending = this.pendingSpike;
    this.pendingSpike = extreme ? { ts, x, pred, up: rawZ > 0, z: rawZ } : null;
    const persists = pending !== null && (pending.up ? rawZ : -rawZ) >= s.spikeZ;
    if (persists) {
      this.pendingSpike = null;
      const shift = this.shift(pending.up ? 'up' : 'down', ts, seq, x, pending.ts);
      if (shift) return shift;
      this.tallyTail(pending.z);
    } else if (pending) {
      this.pendingSpike = null;
      this.sUp = this.sDown = 0; // the spike is explained; it must not seed a shift
      return this.openAnomaly({
        onset: pending.ts,
        detectedAt: ts,
        direction: pending.up ? 'up' : 'down',
        baseline: pending.pred,
        observed: pending.x,
        sigma: this.sigma,
        seasonal: this.seasonalOn,
        shape: 'spike',
      });
    }
    return null;
  }

  /**
   * Tally a sample's z in the tail now, or hold it while a CUSUM run is being decided (at most
   * freezeFor samples): the run's samples are tallied when it ends without an alarm, and dropped
   * when it opens a shift (see dropHeldTail).
   */
  private tallyOrHold(z: number): void {
    const held = this.heldTail;
    if (this.buildingFor > 0 && held.length < this.s.freezeFor) {
      held.push(z);
      return;
    }
    for (const h of held) this.tallyTail(h);
    held.length = 0;
    this.tallyTail(z);
  }

  /**
   * The series' near misses: CUSUM excursions (a side's statistic from 0 back to 0) that peaked
   * at NEAR_LEVEL or above without an alarm, counted per sample (decayed like the tail). Called
   * with the statistics' next values before they are stored; an alarm clears the peaks, so the
   * excursion that opened an anomaly is not counted.
   */
  private tallyNearMisses(up: number, down: number): void {
    this.nearN = this.nearN * this.tailDecay + 1;
    this.nearCount *= this.tailDecay;
    if (up > 0) this.peakUp = Math.max(this.peakUp, up);
    else {
      if (this.peakUp >= NEAR_LEVEL) this.nearCount++;
      this.peakUp = 0;
    }
    if (down > 0) this.peakDown = Math.max(this.peakDown, down);
    else {
      if (this.peakDown >= NEAR_LEVEL) this.nearCount++;
      this.peakDown = 0;
    }
  }

  /**
   * False-alarm control by the series' own noise. The threshold h gives a Gaussian series about
   * one false alarm per 10⁵ samples; a series whose errors are heavier-tailed, or persist, or
   * whose model misfits now and then, crosses it more often, and shows it first in near misses,
   * which come by the dozen where alarms come by the one. Their rate is compared with a
   * Gaussian series' (NEAR_RATE; a prior of NEAR_PRIOR samples at that rate), and h is raised
   * by the log of the excess over the rate at which a Gaussian CUSUM's excursions thin out with
   * height (NEAR_DECAY per σ), so that its crossings stay about as rare as a Gaussian series'.
   * Never lowered: a quiet series keeps the default threshold.
   */
  private nearMissMargin(): number {
    if (!this.s.nearMisses) return 0;
    const rate = (this.nearCount + NEAR_PRIOR * NEAR_RATE) / (this.nearN + NEAR_PRIOR);
    return Math.max(0, Math.log(rate / NEAR_RATE) / NEAR_DECAY);
  }

  /**
   * The clip of the CUSUM's z-scores on one side, by the series' own tail on that side. For a
   * shift of 2k in Student t noise the log-likelihood ratio of a sample rises like Gaussian
   * noise's up to the shift and levels off beyond it (a far outlier is about as likely with the
   * shift as without): per unit of the CUSUM it tops out at CAP_BY_TAIL's cap for a t with the
   * series' share of samples beyond 3σ (t(3): 4.2%, cap 2.23; Gaussian: zCap). So an outlier of
   * a heavy tail adds what it tells of a shift, not the most any sample may add, and two of them
   * no longer make a run. Per side: a skewed series (low counts) has its long tail on one.
   */
  private cusumCap(up: boolean): number {
    const zCap = this.s.zCap;
    if (!this.s.tailCap) return zCap;
    const side = up ? this.tailUp : this.tailCount - this.tailUp;
    const share = (2 * side + TAIL_PRIOR * TAIL_CAP_PRIOR_RATE) / (this.tailN + TAIL_PRIOR);
    return Math.min(zCap, capForShare(share));
  }

  /** Decayed count of samples and of those beyond TAIL_FROM σ (the series' tail), and above +TAIL_FROM σ. */
  private tallyTail(z: number): void {
    const d = this.tailDecay;
    this.tailN = this.tailN * d + 1;
    this.tailCount *= d;
    this.tailUp *= d;
    if (Math.abs(z) > TAIL_FROM) this.tailCount += 1;
    if (z > TAIL_FROM) this.tailUp += 1;
  }

  /**
   * The |z| a sample of this series exceeds with probability spikeRate, by its own tail: the
   * share of its samples beyond TAIL_FROM σ, extrapolated from there with a Pareto tail of index
   * 3 (Weissman), as for a Student t(3). Only the share is estimated: the index, from the few
   * samples far out that a series of some thousand samples has, is too uncertain to extrapolate
   * on (one large sample moved a Hill estimate enough to double the threshold), and index 3 is
   * conservative for any lighter tail. A prior of 500 samples at 3% keeps it at ~34σ until the
   * series has shown its tail; once it has, ~15σ for Gaussian noise, ~38σ for a t(3) (4% beyond
   * 3σ): a series whose normal life has heavy tails does not report its ordinary outliers.
   */
  private tailThreshold(): number {
    const count = this.tailCount + TAIL_PRIOR * TAIL_PRIOR_RATE;
    const rate = count / (this.tailN + TAIL_PRIOR);
    return TAIL_FROM * Math.pow(rate / this.s.spikeRate, TAIL_INVERSE_INDEX);
  }

  /** A CUSUM alarm: estimate onset and magnitude, apply the magnitude gates, open the anomaly. */
  private shift(dir: 'up' | 'down', ts: number, seq: number, x: number, runStart: number): ModelEvent | null {
    const s = this.s;
    // The run in time order (this sample last: it is not in the window yet), and the model's
    // prediction for each sample.
    const times: number[] = [];
    const run: number[] = [];
    const preds: number[] = [];
    const firstSeq = seq - this.count;
    const from = this.toSecond(runStart);
    for (let j = 0; j < this.count; j++) {
      const idx = this.ringIndex(j);
      const t = this.timeAt(idx);
      if (t >= from) {
        times.push(t);
        run.push(this.values[idx]!);
        preds.push(this.predict(t, firstSeq + j));
      }
    }
    times.push(ts);
    run.push(x);
    preds.push(this.predict(ts, seq));
    // The changepoint within the run: a CUSUM run often starts with a few samples of noise
    // before the change; the split that makes the rest's mean departure most significant
    // (Σ departures / √count) marks where the change began.
    const sign = dir === 'up' ? 1 : -1;
    let start = 0;
    let best = -Infinity;
    let tail = 0;
    for (let j = run.length - 1; j >= 0; j--) {
      tail += sign * (run[j]! - preds[j]!);
      const score = tail / Math.sqrt(run.length - j);
      if (j <= run.length - 2 && score >= best) {
        best = score;
        start = j;
      }
    }
    const onset = run.length >= 2 ? (start === 0 ? runStart : times[start]!) : runStart;
    run.splice(0, start);
    preds.splice(0, start);
    if (s.stepShare > 0 && !this.jumped(sign, onset, firstSeq, run, preds)) return null;
    const baseline = median(preds);
    const observed = median(run);
    const abs = Math.abs(observed - baseline);
    const sigma = this.sigma;
    if (abs < s.minScore * sigma) return null;
    if (
      abs < s.minAbsoluteMagnitude ||
      (s.minRelativeMagnitude > 0 && abs < s.minRelativeMagnitude * Math.abs(baseline))
    )
      return null;
    const remembered = this.shiftPeak * Math.pow(0.5, (seq - this.shiftPeakSeq) / s.spikeHalfLife);
    if (s.shiftMemory > 0 && abs < s.shiftMemory * remembered * sigma) return null;
    this.shiftPeak = abs / sigma;
    this.shiftPeakSeq = seq;
    return this.openAnomaly({
      onset,
      detectedAt: ts,
      direction: dir,
      baseline,
      observed,
      sigma,
      seasonal: this.seasonalOn,
      shape: 'shift',
    });
  }

  /**
   * A level shift is a step: the series jumps at the onset and stays. A drift (a cycle not yet
   * learnt, a slow ramp, an evening's decline) moves away from a lagging baseline little by
   * little: its CUSUM crosses all the same, but there is no jump at the onset — the samples just
   * before it had already departed about as far. So the jump across the onset (the median
   * departure since it, less that of the 20 samples before it) must make up stepShare of the
   * departure. (run and preds: the samples since the onset, in time order.)
   */
  private jumped(
    sign: number,
    onset: number,
    firstSeq: number,
    run: readonly number[],
    preds: readonly number[],
  ): boolean {
    const before: number[] = [];
    const from = this.toSecond(onset);
    for (let j = this.count - 1; j >= 0 && before.length < 20; j--) {
      const idx = this.ringIndex(j);
      const t = this.timeAt(idx);
      if (t < from) before.push(sign * (this.values[idx]! - this.predict(t, firstSeq + j)));
    }
    if (before.length < 4) return true;
    const after = run.map((v, j) => sign * (v - preds[j]!));
    const departed = median(after);
    return departed - median(before) >= this.s.stepShare * departed;
  }

  /**
   * A cycle was found (or one containing the old): the excursions that raised the fatigue are
   * judged again against it. What the new profile predicts beyond the model the excursion was
   * judged by (the old profile, when that one was in use), over the excursion, less the same over
   * the 20 samples before its onset, is the part of its departure the cycle makes. An excursion
   * at least half made by the cycle, on its side, was the cycle: its decayed share of the fatigue
   * is withdrawn and it is forgotten. The others keep theirs.
   */
  private forgive(seq: number, old: SeasonalProfile | null, profile: SeasonalProfile): void {
    const dt = this.intervalEw;
    if (!(dt > 0) || this.excursions.length === 0) return;
    let load = this.alarmLoad(seq);
    const kept: Excursion[] = [];
    for (const e of this.excursions) {
      const gain = (t: number) => profile.valueAt(t) - (e.seasonal && old ? old.valueAt(t) : 0);
      let before = 0;
      for (let j = 1; j <= 20; j++) before += gain(e.onset - j * dt);
      const steps = Math.max(1, Math.min(20, Math.round((e.end - e.onset) / dt)));
      const step = (e.end - e.onset) / steps;
      let during = 0;
      for (let j = 0; j < steps; j++) during += gain(e.onset + (j + 0.5) * step);
      const made = during / steps - before / 20;
      if (made * e.departure > 0 && Math.abs(made) >= this.s.forgiveShare * Math.abs(e.departure)) {
        load -= Math.pow(0.5, (seq - e.seq) / this.s.spikeHalfLife);
      } else kept.push(e);
    }
    this.excursions.length = 0;
    this.excursions.push(...kept);
    this.alarms = Math.max(0, load);
    this.alarmSeq = seq;
  }

  /** Anomalies that came back lately, each decayed with spikeHalfLife. */
  private alarmLoad(seq: number): number {
    return this.alarms * Math.pow(0.5, (seq - this.alarmSeq) / this.s.spikeHalfLife);
  }

  private openAnomaly(a: ModelAnomaly): ModelEvent {
    this.open = a;
    this.peakUp = this.peakDown = 0;
    if (a.shape === 'shift') this.heldTail.length = 0; // a shift's samples are not the series' tail
    this.openSamples = 0;
    this.inBand = 0;
    // A shift is over back on the baseline's side of its halfway mark (at least 1σ out, at most
    // recoverZ): halfway tells the two levels apart whatever the shift's size.
    this.openBand =
      a.shape === 'shift'
        ? clamp(Math.abs(a.observed - a.baseline) / a.sigma / 2, 1, this.s.recoverZ)
        : this.s.recoverZ;
    return { type: 'anomaly', anomaly: a };
  }

  /** While an anomaly is open: close it on recovery, or adopt its level as the new normal. */
  private follow(ts: number, seq: number, x: number): ModelEvent | null {
    const s = this.s;
    const open = this.open!;
    this.openSamples++;
    const z = this.z(ts, seq, x);
    const back =
      open.shape === 'spike'
        ? Math.abs(z) <= this.openBand
        : (open.direction === 'up' ? z : -z) <= this.openBand;
    if (back) {
      if (this.inBand === 0) this.inBandSince = ts;
      this.inBand++;
    } else this.inBand = 0;
    if (this.inBand >= s.recoverAfter) {
      // Back to normal. The excursion stays in the window: its samples widen the tail-aware
      // scale for a while, so a series that keeps making similar excursions learns that they
      // are normal instead of flapping, and the median ignores them as long as they are short.
      if (s.forgetExcursions) {
        const from = this.toSecond(open.onset);
        const since = this.toSecond(this.inBandSince);
        this.rebuild((t, v) => (t < from || t >= since ? v : null));
      }
      // A departure that came back is the kind a series that keeps making them should be
      // quieter about: it adds to the alarm fatigue (an adopted new level does not).
      this.alarms = this.alarmLoad(seq) + 1;
      this.alarmSeq = seq;
      if (s.forgiveShare > 0) {
        if (this.excursions.length >= MAX_EXCURSIONS) this.excursions.shift();
        this.excursions.push({
          onset: open.onset,
          end: this.inBandSince,
          seq,
          departure: open.observed - open.baseline,
          seasonal: open.seasonal,
        });
      }
      this.close();
      return { type: 'recovery', recovery: { at: ts, since: this.inBandSince, reason: 'recovered' } };
    }
    if (this.openSamples >= s.adoptAfter) {
      // The new level persists and becomes the baseline: the window keeps the samples since the
      // onset, and the scale it knew carries over (a floor on σ until the window has refilled),
      // so a level change does not make the series look quieter than it is.
      const from = this.toSecond(open.onset);
      this.drifting = this.keptMoving(open, from, ts, seq, x);
      this.rebuild((t, v) => (t >= from ? v : null));
      this.carriedRaw = this.raw?.scale ?? 0;
      this.carriedSeas = this.seas?.scale ?? 0;
      this.carriedUntil = this.seen + s.windowSize;
      this.close();
      return { type: 'recovery', recovery: { at: ts, since: ts, reason: 'new-level' } };
    }
    return null;
  }

  /**
   * Whether the series kept moving away since the onset (its departures in the second half of the
   * anomaly exceed those in the first by half or more): a drift (a ramp, a cycle not yet learnt)
   * rather than a step. Then the adopted baseline follows a trend, so a continuing drift does not
   * alarm again and again as a staircase of shifts.
   */
  private keptMoving(open: ModelAnomaly, from: number, ts: number, seq: number, x: number): boolean {
    const sign = open.direction === 'up' ? 1 : -1;
    const d: number[] = [];
    const first = seq - this.count;
    for (let j = 0; j < this.count; j++) {
      const idx = this.ringIndex(j);
      const t = this.timeAt(idx);
      if (t >= from) d.push(sign * (this.values[idx]! - this.predict(t, first + j)));
    }
    d.push(sign * (x - this.predict(ts, seq)));
    const h = d.length >> 1;
    if (h < 4) return false;
    const early = median(d.slice(0, h));
    const late = median(d.slice(d.length - h));
    return late > 0 && early < late / 1.5;
  }

  private close(): void {
    this.open = null;
    this.sUp = this.sDown = 0;
    this.runUpLen = this.runDownLen = 0;
    this.inBand = 0;
    this.ready = false; // refreshed by update() once the window (this sample included) is summarised
    this.sinceRefresh = 0;
  }

  /** Rebuild the window: each sample's new value, or null to drop it (order preserved). */
  private rebuild(map: (t: number, v: number) => number | null): void {
    const vs: number[] = [];
    const ts: number[] = [];
    for (let j = 0; j < this.count; j++) {
      const idx = this.ringIndex(j);
      const t = this.timeAt(idx);
      const v = map(t, this.values[idx]!);
      if (v !== null) {
        vs.push(v);
        ts.push(t);
      }
    }
    this.head = 0;
    this.count = 0;
    this.sorted.clear();
    this.nonFinite = 0;
    for (let j = 0; j < vs.length; j++) this.push(ts[j]!, vs[j]!);
  }

  /** A timestamp rounded as the window stores it. */
  private toSecond(ts: number): number {
    return this.base + Math.max(0, Math.round((ts - this.base) / 1000)) * 1000;
  }

  /** Time of a window sample, to the second. */
  private timeAt(idx: number): number {
    return this.base + this.times[idx]! * 1000;
  }

  private push(ts: number, x: number): void {
    const W = this.s.windowSize;
    const stored = Math.fround(x); // what the Float32Array keeps
    if (this.count === W) {
      const evicted = this.values[this.head]!;
      if (!Number.isFinite(evicted)) this.nonFinite--;
      this.sorted.replace(evicted, stored);
    } else this.sorted.insert(stored);
    if (!Number.isFinite(stored)) this.nonFinite++;
    this.values[this.head] = x;
    this.times[this.head] = Math.max(0, Math.round((ts - this.base) / 1000));
    this.head = (this.head + 1) % W;
    if (this.count < W) this.count++;
  }

  /** Ring position of the j-th oldest sample in the window. */
  private ringIndex(j: number): number {
    const W = this.s.windowSize;
    return (this.head - this.count + j + 2 * W) % W;
  }

  /** The history looks for a cycle now and then; a new one gets a profile seeded from it. */
  private findCycle(ts: number, x: number): void {
    if (!this.finder!.add(ts, x)) return;
    const current = this.profile?.periodMs ?? 0;
    const period = this.finder!.find(this.intervalEw, current);
    if (!(period > 0 && Math.abs(period / (current || 1) - 1) > 0.05)) return;
    const old = this.profile;
    this.profile = new SeasonalProfile(period, this.intervalEw, this.s.seasonMaxBuckets, this.s.seasonRate);
    this.profile.seed(this.finder!, ts);
    if (period >= 1.9 * current) {
      // A cycle found where there was none, or one that contains the old one (a week, days):
      // the near misses were counted against a model without it, and were largely the cycle
      // itself; the new model starts without them. (The alarm fatigue stays: its excursions
      // were reported, and a series that made them may make them again.)
      this.nearCount = 0;
      this.nearN = 0;
      this.forgive(this.seen - 1, old, this.profile);
    }
    this.seas = null;
    // The scale carried over an adopted level was measured against the old profile, whose misfit
    // (a weekend a daily profile does not know) it holds: it is no floor for the new one.
    this.carriedSeas = 0;
    this.compared = 0;
    this.sinceRefresh = this.s.refreshEvery; // summarise again with the new profile
    if (this.seasonalOn) {
      this.seasonalOn = false;
      this.sUp = this.sDown = 0;
    }
  }

  /**
   * The profile learns from samples known to be normal: none of an open anomaly, nor of a
   * CUSUM run being decided (like the window's summary). What it learns is the sample's
   * departure from the level, so a change of level never enters the cycle's shape.
   */
  private learnCycle(ts: number, seq: number, x: number): void {
    if (this.open || this.buildingFor > 0 || !this.raw) return;
    const level = this.seas ? this.predictWith(this.seas, false, ts, seq) : this.raw.level;
    // Errors beyond zCap σ of the model in use are clipped, as in the CUSUM.
    this.profile!.learn(ts, x - level, this.s.zCap * this.fit.sigma);
  }

  private refresh(): void {
    const s = this.s;
    const n = this.count;
    this.sinceRefresh = 0;
    if (n < Math.min(s.minHistory, 8)) {
      this.ready = false;
      return;
    }
    const profile = this.profile;
    const seasonReady = profile !== null && profile.mature();
    const { a, b } = scratch(n);
    const r = this.windowBuffer(n);
    for (let j = 0; j < n; j++) r[j] = this.values[this.ringIndex(j)]!;
    const poisson = this.nonFinite === 0 ? countScale(r, n, this.sorted) : 0;
    if (poisson > 0) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += r[j]!;
      this.countUnit = sum > 0 ? (poisson * poisson * n) / sum : 0;
    } else this.countUnit = 0;
    const carried = this.seen < this.carriedUntil;
    this.raw = this.fitWindow(
      r,
      n,
      0,
      a,
      b,
      this.nonFinite === 0 ? this.sorted : null,
      Math.max(poisson, carried ? this.carriedRaw : 0),
    );
    if (seasonReady) {
      for (let j = 0; j < n; j++)
        r[j] = this.values[this.ringIndex(j)]! - this.seasonAt(this.timeAt(this.ringIndex(j)));
      this.seas = this.fitWindow(r, n, 0, a, b, null, Math.max(poisson, carried ? this.carriedSeas : 0));
      if (this.compared === 0) this.backtest(n);
    } else {
      this.seas = null;
      if (this.seasonalOn) this.seasonalOn = false;
      this.compared = 0;
    }
    this.ready = n >= Math.min(s.minHistory, s.windowSize);
  }

  /**
   * A profile's first summary: both models' mean absolute errors over the window start the
   * running comparison, so a cycle found in the history is used at once when it fits better.
   */
  private backtest(n: number): void {
    let eRaw = 0;
    let eSeas = 0;
    const first = this.seen - n;
    for (let j = 0; j < n; j++) {
      const idx = this.ringIndex(j);
      const t = this.timeAt(idx);
      const x = this.values[idx]!;
      eRaw += Math.abs(x - this.predictWith(this.raw!, false, t, first + j));
      eSeas += Math.abs(x - this.predictWith(this.seas!, true, t, first + j));
    }
    this.errRaw = eRaw / n;
    this.errSeas = eSeas / n;
    this.compared = 200;
  }

  private fitWindow(
    r: Float64Array,
    n: number,
    offset: number,
    a: Float64Array,
    e: Float64Array,
    sorted: SortedWindow | null,
    carried: number,
  ): Fit {
    const s = this.s;
    const trendZ = this.drifting && this.seen < this.carriedUntil ? 0 : s.trendZ;
    const f = summarise(r, n, s.trend && n >= 20, s.trendDamping, s.tailScale, trendZ, a, e, sorted);
    // Window offset j is sample number (seen − n + j): the newest sample is already pushed.
    const scale = Math.max(
      f.sigma,
      carried,
      s.absoluteScaleFloor,
      s.relativeScaleFloor * Math.abs(f.level + offset),
    );
    const widen = Math.sqrt(1 + s.warmUpInflation / n);
    return {
      n,
      level: f.level,
      slope: f.slope,
      centerSeq: this.seen - n + f.center,
      scale,
      sigma: scale * widen,
    };
  }

  /** The window's values, oldest first, in a shared buffer (distinct from the scratch buffers). */
  private windowBuffer(n: number): Float64Array {
    if (windowScratch.length < n) windowScratch = new Float64Array(n * 2);
    return windowScratch;
  }
}

/** Level at the window's end side, damped slope per sample, and robust σ of detrended residuals. */
// Scratch space shared by every model (JavaScript runs one model at a time): summarising a
// window allocates nothing, which keeps the per-point cost flat and the GC quiet.
let windowScratch = new Float64Array(512);
let scratchA = new Float64Array(512);
let scratchB = new Float64Array(512);
function scratch(n: number): { a: Float64Array; b: Float64Array } {
  if (scratchA.length < n) {
    scratchA = new Float64Array(n * 2);
    scratchB = new Float64Array(n * 2);
  }
  return { a: scratchA, b: scratchB };
}

/** Median of r[from, to), via the scratch buffer (r is left untouched). */
function medianRange(r: Float64Array, from: number, to: number, buf: Float64Array): number {
  const n = to - from;
  for (let i = 0; i < n; i++) buf[i] = r[from + i]!;
  return medianInPlace(buf, n);
}

/**
 * Level, (damped) slope per sample and robust σ of the first n values of r (the window, oldest
 * first). Uses scratch buffer a; r must not be buffer a. `sorted`, when given, holds the same n
 * values in order: the level and flat scale are read from it (same results, no selection).
 */
function summarise(
  r: Float64Array,
  n: number,
  trend: boolean,
  damping: number,
  tail: number,
  trendZ: number,
  a: Float64Array,
  e: Float64Array,
  sorted: SortedWindow | null,
): { level: number; slope: number; center: number; sigma: number } {
  const m = sorted ? sorted.median() : medianRange(r, 0, n, a);
  const sigma0 = scaleOf(r, n, m, tail, a, sorted);
  const flat = { level: m, slope: 0, center: 0, sigma: sigma0 };
  if (!trend) return flat;
  const h = n >> 1;
  const m1 = medianRange(r, 0, h, a);
  const m2 = medianRange(r, n - h, n, a);
  // A trend only when the halves' medians differ by trendZ standard errors (sd of a median of
  // h normal values ≈ 1.2533σ/√h; of a difference of two, √2 times that; σ here still contains
  // the trend, which errs towards no trend): noise alone must not tilt the baseline, a steady
  // ramp (traffic in the morning) must.
  const se = (1.7725 * sigma0) / Math.sqrt(h);
  if (!(Math.abs(m2 - m1) > trendZ * se)) return flat;
  const c1 = (h - 1) / 2;
  const c2 = n - h + (h - 1) / 2;
  const slope = ((m2 - m1) / (c2 - c1)) * damping;
  for (let j = 0; j < n; j++) e[j] = r[j]! - (m2 + slope * (j - c2));
  const off = medianRange(e, 0, n, a);
  return { level: m2 + off, slope, center: c2, sigma: scaleOf(e, n, off, tail, a) };
}

/**
 * Robust σ of residuals: the larger of 1.4826·MAD and the 5–95% inter-quantile range / 3.29
 * (both σ for normal noise) times `tail`. The quantile term reflects heavy tails and
 * multi-modal "normal" behaviour (spiky counts, a metric flipping between two levels), which
 * MAD alone ignores, so such series are not flagged for doing what they always do. When more
 * than half the values are equal (MAD = 0) the mean absolute deviation stands in.
 */
function scaleOf(
  r: Float64Array,
  n: number,
  center: number,
  tail: number,
  buf: Float64Array,
  sorted: SortedWindow | null = null,
): number {
  let mad: number;
  if (sorted) mad = sorted.medianDeviation(center);
  else {
    for (let i = 0; i < n; i++) buf[i] = Math.abs(r[i]! - center);
    mad = medianInPlace(buf, n);
  }
  let sigma = MAD_TO_SIGMA * mad;
  if (!(sigma > 0)) {
    // More than half the values are equal (sparse events, a stuck gauge): the departures that
    // do happen are the noise, so their root mean square is the scale.
    let sumSq = 0; // in window order, as always (a float sum depends on its order)
    for (let i = 0; i < n; i++) sumSq += (r[i]! - center) ** 2;
    sigma = Math.sqrt(sumSq / n);
  }
  if (tail <= 0 || n < 20) return sigma;
  let lo: number;
  let hi: number;
  if (sorted) {
    lo = sorted.quantile(0.05);
    hi = sorted.quantile(0.95);
  } else {
    for (let i = 0; i < n; i++) buf[i] = r[i]!;
    lo = quantileSelect(buf, 0.05, n);
    hi = quantileSelect(buf, 0.95, n); // selection works on any order of the same values
  }
  return Math.max(sigma, (tail * (hi - lo)) / 3.29);
}

/** Samples per block of the long-run variance estimate (see calibrate). */
const BLOCK = 8;
/**
 * The CUSUM's clip by the tail (see cusumCap): (share of samples beyond 3σ, largest
 * log-likelihood ratio per unit of the CUSUM, + k) for Student t noise of 15, 10, 7, 5, 4, 3 and 2
 * degrees of freedom, in robust σ, for a shift of 2σ (k = 1); interpolated in log(share). The
 * prior of the share is a Gaussian's (0.27%): a series keeps the usual clip until it has shown a
 * heavier tail.
 */
const TAIL_CAP_PRIOR_RATE = 0.0027;
const CAP_BY_TAIL: readonly (readonly [number, number])[] = [
  [0.0077, 3.09],
  [0.011, 2.77],
  [0.0158, 2.56],
  [0.0231, 2.4],
  [0.0301, 2.31],
  [0.0424, 2.23],
  [0.0681, 2.16],
];
function capForShare(share: number): number {
  const t = CAP_BY_TAIL;
  if (share <= t[0]![0]) return t[0]![1];
  for (let i = 1; i < t.length; i++) {
    const [s1, c1] = t[i]!;
    if (share <= s1) {
      const [s0, c0] = t[i - 1]!;
      return c0 + ((c1 - c0) * Math.log(share / s0)) / Math.log(s1 / s0);
    }
  }
  return t[t.length - 1]![1];
}

/**
 * Counts vary at least as much as Poisson counts do. A window whose values are all non-negative
 * multiples of its smallest positive value q (counts, or counts per unit of time such as
 * errors/s over 10-second scrapes: multiples of 0.1) is taken for counts in units of q, and its
 * scale is at least √(mean · q); 0 for any other window. (r: the window's values, sorted the same.)
 */
function countScale(r: Float64Array, n: number, sorted: SortedWindow): number {
  if (sorted.size !== n || n === 0 || sorted.at(0) < 0) return 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted.at(i);
    if (v > 0) {
      q = v;
      break;
    }
  }
  if (q === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const units = r[i]! / q;
    // float32 storage: a multiple of 0.1 is one to about 7 digits.
    if (Math.abs(units - Math.round(units)) > 1e-4 * Math.max(1, units)) return 0;
    sum += r[i]!;
  }
  return Math.sqrt((sum / n) * q);
}

/** The tail estimate (see tailThreshold): its threshold in σ, its prior (samples, share beyond) and 1/index. */
const TAIL_FROM = 3;
const TAIL_PRIOR = 500;
const TAIL_PRIOR_RATE = 0.03;
const TAIL_INVERSE_INDEX = 1 / 3;

/** An excursion that added to the alarm fatigue (times in ms; departure: observed − baseline). */
interface Excursion {
  readonly onset: number;
  readonly end: number;
  readonly seq: number;
  readonly departure: number;
  /** Judged against the cycle's profile (the one in use then). */
  readonly seasonal: boolean;
}
/** Excursions remembered for forgive (older ones have mostly decayed from the fatigue). */
const MAX_EXCURSIONS = 16;

/**
 * Near misses (see nearMissMargin): excursions of one CUSUM side peaking at NEAR_LEVEL or above
 * happen to a Gaussian series (k = 1, z clipped at ±3) at NEAR_RATE per sample, both sides
 * together, and excursions of either side thin out by e^NEAR_DECAY per σ of height from there
 * to h (simulated: 38.7, 4.3, 0.49 and 0.02 per 10⁴ samples and side at heights 2, 3, 4, 5.5).
 */
const NEAR_LEVEL = 2;
const NEAR_RATE = 0.0077;
const NEAR_DECAY = 2.15;
const NEAR_PRIOR = 500;

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
