// Streaming anomaly model for one (service, metric) series.
//
// Baseline. A sliding window of the last W samples (default 360). Every 24 samples it is
// summarised robustly: the median is the level; the medians of the two halves give a local trend,
// used only when it is clear (trendZ standard errors), so noise does not tilt the baseline but a
// morning traffic ramp is followed; the scale σ is the larger of 1.4826·MAD and the 5–95%
// quantile range / 3.29 of the detrended residuals, so series whose normal life is spiky or
// two-level (tweet counts, autoscaling CPU) get a scale that reflects it.
//
// Seasonality. A daily profile: per time-of-day bucket (96 fifteen-minute buckets, fewer for
// coarse series) the mean of each of the last 3 complete days, and the profile is their median
// (robust to one odd day: an incident yesterday does not become tomorrow's normal). It is used
// once at least two complete days have been seen AND it predicts better: both models (with and
// without the profile) make one-step-ahead predictions all the time, and the profile is used
// while its running mean absolute error is at least 20% below the other's (hysteresis: off
// again above 95%). Then the window models value − profile(time of day), so a quiet night is
// compared with previous nights, not with the afternoon.
//
// Detection, three ways, all on the robust z = (x − prediction)/σ:
// - Level shifts: two one-sided CUSUMs (allowance k = 2σ, threshold h = 14) on z clipped at
//   ±zCap = 6, so one wild sample adds at most 4 < h: a run of clearly shifted samples is
//   needed, and the shift must be at least minScore = 3σ in size (slow small drifts that a CUSUM
//   would accumulate are not reported). The onset is the CUSUM's changepoint estimate, the first
//   sample after the statistic last stood at zero — not the detection time.
// - Gross shifts: two samples in a row beyond spikeZ = 8σ on the same side are reported at the
//   second one (onset: the first), not after a CUSUM run: a service that falls over is news in
//   two samples.
// - Spikes: one sample beyond spikeZ followed by an ordinary one is reported once, one sample
//   late, as shape 'spike'. A moderately unusual single sample is never reported (persistence),
//   and a spike must also beat 1.2 × the largest |z| this series produced lately (a decaying
//   maximum, half-life 2000 samples): a series that spikes all the time stops reporting spikes
//   no bigger than its usual ones (alarm fatigue control).
// While an anomaly is open the baseline is frozen; the anomaly ends when the series is back
// within ±2σ for 5 samples (its samples stay in the window, widening the scale for a while, so
// repeated similar excursions are learnt instead of flapping), or, once the new level has
// lasted W/2 samples and 3 hours, the baseline is rebuilt from the samples since the onset and
// the anomaly closes as a new level.
//
// Memory per series (defaults): window 360 × (4 B float32 value + 4 B time in seconds + 4 B
// sorted copy) = 4.3 KB, daily profile 96 buckets × (4 days × 4 B + 3 B bookkeeping + 4 B cache)
// = 2.2 KB, plus ~300 B of scalars: about 6.8 KB whatever the series' length. The sorted copy
// makes a refresh's median, MAD and tail quantiles reads instead of selections; the rest of a
// summary uses shared scratch buffers, so the steady state allocates almost nothing.
import { MAD_TO_SIGMA, median, medianInPlace, quantileSelect } from '../stats/descriptive.js';
import { SortedWindow } from '../stats/sorted-window.js';

export interface AnomalySettings {
  /** Samples in the sliding baseline window. */
  readonly windowSize: number;
  /** Samples needed before detection starts. */
  readonly minHistory: number;
  /** Recompute the window summary every this many samples. */
  readonly refreshEvery: number;
  /** CUSUM allowance (in σ): drifts smaller than this are ignored. */
  readonly k: number;
  /** CUSUM decision threshold (in σ·samples). */
  readonly h: number;
  /** Clip robust z-scores at ±zCap (zCap − k < h keeps one sample from deciding). */
  readonly zCap: number;
  /** An alarm needs at least this many samples since the onset. */
  readonly minDuration: number;
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
  /**
   * Alarm-fatigue control for shifts: a new shift must be at least shiftMemory × as large (in σ)
   * as the last reported one, decayed with the same half-life (0 disables).
   */
  readonly shiftMemory: number;
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
  readonly seasonality: boolean;
  readonly seasonPeriodMs: number;
  readonly seasonBuckets: number;
  /** Complete periods needed before the profile may be used. */
  readonly seasonMinPeriods: number;
  /** Complete periods kept per bucket; the profile is their median (3: robust to one odd day). */
  readonly seasonPeriodsKept: number;
  /** Consecutive in-band samples (|z| ≤ recoverZ) that end an anomaly. */
  readonly recoverAfter: number;
  readonly recoverZ: number;
  /** Drop an anomaly's samples from the window when it recovers (keeps the baseline tight, but flaps on series that keep making excursions). */
  readonly forgetExcursions: boolean;
  /**
   * An anomaly's level becomes the new normal after it has lasted adaptAfter samples (0: W/2)
   * and adaptAfterMs: an outage of two hours on a 10-second series is still an outage.
   */
  readonly adaptAfter: number;
  readonly adaptAfterMs: number;
}

export const DEFAULT_ANOMALY_SETTINGS: AnomalySettings = {
  windowSize: 360,
  minHistory: 60,
  refreshEvery: 24,
  k: 2,
  h: 14,
  zCap: 6,
  minDuration: 2,
  spikeZ: 8,
  spikeMemory: 1.2,
  spikeHalfLife: 2000,
  shiftMemory: 0,
  minScore: 3,
  minAbsoluteMagnitude: 0,
  minRelativeMagnitude: 0,
  tailScale: 1,
  relativeScaleFloor: 0.005,
  absoluteScaleFloor: 1e-9,
  trend: true,
  trendDamping: 1,
  trendZ: 4,
  seasonality: true,
  seasonPeriodMs: 86_400_000,
  seasonBuckets: 96,
  seasonMinPeriods: 2,
  seasonPeriodsKept: 3,
  recoverAfter: 5,
  recoverZ: 2,
  forgetExcursions: false,
  adaptAfter: 0,
  adaptAfterMs: 3 * 3_600_000,
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
  level: number;
  slope: number;
  /** Sample number at which the fit's level applies. */
  centerSeq: number;
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
  private firstTs = NaN;
  private intervalEw = NaN;
  private sinceRefresh = 0;
  private ready = false;
  // Window summaries: without (raw) and with (seasonal) the daily profile removed.
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
  private inBand = 0;
  private inBandSince = NaN;
  // Decaying maximum of |z| (spike memory).
  private zPeak = 0;
  private shiftPeak = 0;
  private shiftPeakSeq = 0;
  private pendingSpike: { ts: number; x: number; pred: number; up: boolean } | null = null;
  // Seasonal profile: slots[d·B + b] = mean of bucket b in the period with index ≡ d (mod D).
  private slots: Float32Array | null = null;
  private slotCount: Uint8Array | null = null;
  private bucketPeriod: Uint16Array | null = null; // last period index (mod 65536) seen per bucket
  private profile: Float32Array | null = null; // cached median over complete periods
  private profileStamp = -1;
  private buckets = 0;
  private bucketWidth = 0;
  // The bucket the last sample went into and what its slot and count now hold: the samples of
  // one bucket come in a run, and the run reads no typed array (those reads missed the cache).
  private runPeriod = NaN;
  private runBucket = -1;
  private runCount = 0;
  private runMean = NaN;

  /** The spike memory's decay per sample (a power per sample was a noticeable part of detect). */
  private readonly spikeDecay: number;

  constructor(private readonly s: AnomalySettings) {
    this.spikeDecay = Math.pow(0.5, 1 / s.spikeHalfLife);
    this.values = new Float32Array(s.windowSize);
    this.times = new Uint32Array(s.windowSize);
    this.sorted = new SortedWindow(new Float32Array(s.windowSize));
  }

  get approxBytes(): number {
    const season =
      (this.slots?.byteLength ?? 0) +
      (this.slotCount?.byteLength ?? 0) +
      (this.bucketPeriod?.byteLength ?? 0);
    const window = this.values.byteLength + this.times.byteLength + this.sorted.byteLength;
    return window + season + (this.profile?.byteLength ?? 0) + 300;
  }

  get isSeasonal(): boolean {
    return this.seasonalOn;
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
      this.firstTs = ts;
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
    if (this.s.seasonality) this.learnSeason(ts, x);
    if (!this.open) {
      this.sinceRefresh++;
      if (this.ready ? this.sinceRefresh >= this.s.refreshEvery : this.count >= this.s.minHistory)
        this.refresh();
    }
    return event;
  }

  private get fit(): Fit {
    return (this.seasonalOn ? this.seas : this.raw)!;
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
    return clamp((x - this.predict(ts, seq)) / this.fit.sigma, -cap, cap);
  }

  /** Running one-step-ahead errors of both models decide whether the profile is used. */
  private compare(ts: number, seq: number, x: number): void {
    if (!this.raw || !this.seas) return;
    const eRaw = Math.abs(x - this.predictWith(this.raw, false, ts, seq));
    const eSeas = Math.abs(x - this.predictWith(this.seas, true, ts, seq));
    // Memory of about half a period (at least 50 samples).
    const a = Math.max(1 / 5000, Math.min(1 / 50, this.intervalEw / (0.5 * this.s.seasonPeriodMs)));
    if (this.compared === 0) {
      this.errRaw = eRaw;
      this.errSeas = eSeas;
    } else {
      this.errRaw += a * (eRaw - this.errRaw);
      this.errSeas += a * (eSeas - this.errSeas);
    }
    this.compared++;
    if (this.compared < Math.min(1 / a, 200)) return;
    const on = this.seasonalOn ? this.errSeas < 0.95 * this.errRaw : this.errSeas < 0.8 * this.errRaw;
    if (on !== this.seasonalOn) {
      this.seasonalOn = on;
      this.sUp = this.sDown = 0; // residuals change meaning: restart the CUSUMs
    }
  }

  private detect(ts: number, seq: number, x: number): ModelEvent | null {
    const s = this.s;
    const pred = this.predict(ts, seq);
    const rawZ = (x - pred) / this.fit.sigma;
    const peak = this.zPeak;
    this.zPeak = Math.max(Math.abs(rawZ), peak * this.spikeDecay);
    const z = clamp(rawZ, -s.zCap, s.zCap);
    const up = this.sUp + z - s.k;
    if (up > 0) {
      if (this.sUp === 0) {
        this.runUpStart = ts;
        this.runUpLen = 0;
      }
      this.runUpLen++;
      this.sUp = up;
    } else this.sUp = 0;
    const down = this.sDown - z - s.k;
    if (down > 0) {
      if (this.sDown === 0) {
        this.runDownStart = ts;
        this.runDownLen = 0;
      }
      this.runDownLen++;
      this.sDown = down;
    } else this.sDown = 0;

    const dir: 'up' | 'down' | null =
      this.sUp >= s.h && this.runUpLen >= s.minDuration
        ? 'up'
        : this.sDown >= s.h && this.runDownLen >= s.minDuration
          ? 'down'
          : null;
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
      Math.abs(rawZ) >= Math.max(s.spikeZ, s.spikeMemory * peak) &&
      Math.abs(x - pred) >= s.minAbsoluteMagnitude;
    const pending = this.pendingSpike;
    this.pendingSpike = extreme ? { ts, x, pred, up: rawZ > 0 } : null;
    // The departure persists when the next sample is at least half as extreme, same side.
    const persists = pending !== null && (pending.up ? rawZ : -rawZ) >= s.spikeZ;
    if (persists) {
      this.pendingSpike = null;
      const shift = this.shift(pending.up ? 'up' : 'down', ts, seq, x, pending.ts);
      if (shift) return shift;
    } else if (pending) {
      this.pendingSpike = null;
      this.sUp = this.sDown = 0; // the spike is explained; it must not seed a shift
      this.open = {
        onset: pending.ts,
        detectedAt: ts,
        direction: pending.up ? 'up' : 'down',
        baseline: pending.pred,
        observed: pending.x,
        sigma: this.fit.sigma,
        seasonal: this.seasonalOn,
        shape: 'spike',
      };
      this.openSamples = 0;
      this.inBand = 0;
      return { type: 'anomaly', anomaly: this.open };
    }
    return null;
  }

  /** A CUSUM alarm: estimate onset and magnitude, apply the magnitude gates, open the anomaly. */
  private shift(dir: 'up' | 'down', ts: number, seq: number, x: number, onset: number): ModelEvent | null {
    const s = this.s;
    // Baseline: the model's prediction over the run; observed: the run's median so far
    // (including this sample, which is not in the window yet).
    const run: number[] = [x];
    const preds: number[] = [this.predict(ts, seq)];
    const firstSeq = seq - this.count;
    for (let j = 0; j < this.count; j++) {
      const idx = this.ringIndex(j);
      if (this.timeAt(idx) >= this.toSecond(onset)) {
        run.push(this.values[idx]!);
        preds.push(this.predict(this.timeAt(idx), firstSeq + j));
      }
    }
    const baseline = median(preds);
    const observed = median(run);
    const abs = Math.abs(observed - baseline);
    const sigma = this.fit.sigma;
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
    this.open = {
      onset,
      detectedAt: ts,
      direction: dir,
      baseline,
      observed,
      sigma,
      seasonal: this.seasonalOn,
      shape: 'shift',
    };
    this.openSamples = 0;
    this.inBand = 0;
    return { type: 'anomaly', anomaly: this.open };
  }

  /** While an anomaly is open: close it on recovery, or adopt its level as the new normal. */
  private follow(ts: number, seq: number, x: number): ModelEvent | null {
    const s = this.s;
    this.openSamples++;
    if (Math.abs(this.z(ts, seq, x)) <= s.recoverZ) {
      if (this.inBand === 0) this.inBandSince = ts;
      this.inBand++;
    } else this.inBand = 0;
    const onset = this.open!.onset;
    if (this.inBand >= s.recoverAfter) {
      // Back to normal. The excursion stays in the window: its samples widen the tail-aware
      // scale for a while, so a series that keeps making similar excursions learns that they
      // are normal instead of flapping, and the median ignores them as long as they are short.
      if (s.forgetExcursions) {
        const from = this.toSecond(onset);
        const since = this.toSecond(this.inBandSince);
        this.retain((t) => t < from || t >= since);
      }
      this.close();
      return { type: 'recovery', recovery: { at: ts, since: this.inBandSince, reason: 'recovered' } };
    }
    const adaptAfter = s.adaptAfter > 0 ? s.adaptAfter : Math.max(s.minHistory, s.windowSize >> 1);
    if (this.openSamples >= adaptAfter && ts - this.open!.onset >= s.adaptAfterMs) {
      // The new level persists: it becomes the baseline, built from the samples since the onset.
      const from = this.toSecond(onset);
      this.retain((t) => t >= from);
      this.close();
      return { type: 'recovery', recovery: { at: ts, since: ts, reason: 'new-level' } };
    }
    return null;
  }

  private close(): void {
    this.open = null;
    this.sUp = this.sDown = 0;
    this.runUpLen = this.runDownLen = 0;
    this.inBand = 0;
    this.refresh();
  }

  /** Keep only window samples whose time satisfies keep (order preserved). */
  private retain(keep: (t: number) => boolean): void {
    const vs: number[] = [];
    const ts: number[] = [];
    for (let j = 0; j < this.count; j++) {
      const idx = this.ringIndex(j);
      if (keep(this.timeAt(idx))) {
        vs.push(this.values[idx]!);
        ts.push(this.timeAt(idx));
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

  private refresh(): void {
    const s = this.s;
    const n = this.count;
    this.sinceRefresh = 0;
    if (n < Math.min(s.minHistory, 8)) {
      this.ready = false;
      return;
    }
    const seasonReady = s.seasonality && this.seasonMature();
    const { a, b } = scratch(n);
    const r = this.windowBuffer(n);
    for (let j = 0; j < n; j++) r[j] = this.values[this.ringIndex(j)]!;
    this.raw = this.fitWindow(r, n, 0, a, b, this.nonFinite === 0 ? this.sorted : null);
    if (seasonReady) {
      const profile = this.currentProfile();
      for (let j = 0; j < n; j++)
        r[j] = this.values[this.ringIndex(j)]! - this.seasonAt(this.timeAt(this.ringIndex(j)));
      this.seas = this.fitWindow(r, n, meanOf(profile), a, b);
    } else {
      this.seas = null;
      if (this.seasonalOn) this.seasonalOn = false;
      this.compared = 0;
    }
    this.ready = n >= Math.min(s.minHistory, s.windowSize);
  }

  private fitWindow(
    r: Float64Array,
    n: number,
    offset: number,
    a: Float64Array,
    e: Float64Array,
    sorted: SortedWindow | null = null,
  ): Fit {
    const s = this.s;
    const f = summarise(r, n, s.trend && n >= 20, s.trendDamping, s.tailScale, s.trendZ, a, e, sorted);
    // Window offset j is sample number (seen − n + j): the newest sample is already pushed.
    const sigma = Math.max(f.sigma, s.absoluteScaleFloor, s.relativeScaleFloor * Math.abs(f.level + offset));
    return { level: f.level, slope: f.slope, centerSeq: this.seen - n + f.center, sigma };
  }

  /** The window's values, oldest first, in a shared buffer (distinct from the scratch buffers). */
  private windowBuffer(n: number): Float64Array {
    if (windowScratch.length < n) windowScratch = new Float64Array(n * 2);
    return windowScratch;
  }

  // ---- seasonality --------------------------------------------------------------------

  private ensureSeason(): boolean {
    if (this.slots) return true;
    if (!Number.isFinite(this.intervalEw) || this.seen < 8) return false;
    const s = this.s;
    const B = Math.max(4, Math.min(s.seasonBuckets, Math.round(s.seasonPeriodMs / this.intervalEw)));
    const D = s.seasonPeriodsKept + 1; // the current period plus the kept complete ones
    this.buckets = B;
    this.bucketWidth = s.seasonPeriodMs / B;
    this.slots = new Float32Array(D * B).fill(NaN);
    this.slotCount = new Uint8Array(B);
    this.bucketPeriod = new Uint16Array(B).fill(0xffff);
    return true;
  }

  /** Every sample goes into its period's bucket mean; the median over days absorbs odd days. */
  private learnSeason(ts: number, x: number): void {
    if (!this.ensureSeason()) return;
    const D = this.s.seasonPeriodsKept + 1;
    const B = this.buckets;
    const period = Math.floor(ts / this.s.seasonPeriodMs);
    const b = this.bucketOf(ts, period);
    const slot = (period % D) * B + b;
    let count: number;
    let cur: number;
    if (period === this.runPeriod && b === this.runBucket) {
      count = this.runCount;
      cur = this.runMean;
    } else {
      const p16 = period & 0xffff;
      if (this.bucketPeriod![b] !== p16) {
        // First sample of this bucket in a new period: clear slots of periods skipped by a gap.
        const last = this.bucketPeriod![b]!;
        const gap = last === 0xffff ? D : (p16 - last + 0x10000) & 0xffff;
        for (let g = 0; g < Math.min(gap, D); g++) this.slots![((period - g) % D) * B + b] = NaN;
        this.bucketPeriod![b] = p16;
        this.slotCount![b] = 0;
      }
      count = this.slotCount![b]!;
      cur = this.slots![slot]!;
      this.runPeriod = period;
      this.runBucket = b;
    }
    const n = Math.min(255, count + 1);
    this.slotCount![b] = n;
    const mean = Number.isNaN(cur) ? x : cur + (x - cur) / n;
    this.slots![slot] = mean;
    this.runCount = n;
    this.runMean = Math.fround(mean); // as the slot holds it
  }

  /** `period`: floor(ts / seasonPeriodMs), which the caller has at hand. */
  private bucketOf(ts: number, period: number): number {
    const length = this.s.seasonPeriodMs;
    // ts − period·length is exactly the floored remainder when period is right (both exact in
    // float64); a double % is a call into the runtime, so it is left for the odd case.
    let phase = ts - period * length;
    if (!(phase >= 0 && phase < length)) phase = ((ts % length) + length) % length;
    return Math.min(this.buckets - 1, Math.floor(phase / this.bucketWidth));
  }

  private slotValue(period: number, b: number): number {
    const D = this.s.seasonPeriodsKept + 1;
    return this.slots![(((period % D) + D) % D) * this.buckets + b]!;
  }

  /** Median per bucket over the complete periods before the current one (cached per period). */
  private currentProfile(): Float32Array {
    const period = Math.floor(this.lastTs / this.s.seasonPeriodMs);
    if (this.profile && this.profileStamp === period) return this.profile;
    const D = this.s.seasonPeriodsKept + 1;
    const B = this.buckets;
    const out = this.profile ?? new Float32Array(B);
    const vals: number[] = [];
    for (let b = 0; b < B; b++) {
      vals.length = 0;
      for (let g = 1; g < D; g++) {
        const v = this.slotValue(period - g, b);
        if (!Number.isNaN(v)) vals.push(v);
      }
      out[b] = vals.length === 0 ? NaN : median(vals);
    }
    this.profile = out;
    this.profileStamp = period;
    return out;
  }

  /** At least seasonMinPeriods complete periods, for at least 90% of the buckets. */
  private seasonMature(): boolean {
    const s = this.s;
    if (!this.slots || this.lastTs - this.firstTs < s.seasonMinPeriods * s.seasonPeriodMs) return false;
    const period = Math.floor(this.lastTs / s.seasonPeriodMs);
    const D = s.seasonPeriodsKept + 1;
    let mature = 0;
    for (let b = 0; b < this.buckets; b++) {
      let n = 0;
      for (let g = 1; g < D; g++) if (!Number.isNaN(this.slotValue(period - g, b))) n++;
      if (n >= s.seasonMinPeriods) mature++;
    }
    return mature >= 0.9 * this.buckets;
  }

  /** Profile value at ts, linearly interpolated between bucket centres. */
  private seasonAt(ts: number): number {
    const profile = this.currentProfile();
    const B = profile.length;
    const period = this.s.seasonPeriodMs;
    const pos = (((ts % period) + period) % period) / this.bucketWidth - 0.5;
    const i0 = Math.floor(pos);
    const f = pos - i0;
    const a = profile[(i0 + B) % B]!;
    const b = profile[(i0 + 1) % B]!;
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : b;
    if (Number.isNaN(b)) return a;
    return a + f * (b - a);
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
    let sumAbs = 0; // in window order, as always (a float sum depends on its order)
    for (let i = 0; i < n; i++) sumAbs += Math.abs(r[i]! - center);
    sigma = (1.2533141373155 * sumAbs) / n;
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

function meanOf(a: Float32Array): number {
  let s = 0;
  let n = 0;
  for (const v of a) {
    if (!Number.isNaN(v)) {
      s += v;
      n++;
    }
  }
  return n > 0 ? s / n : 0;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
