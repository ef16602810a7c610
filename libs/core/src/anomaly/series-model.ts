// Streaming anomaly model for one (service, metric) series.
//
// Baseline. A sliding window of the last W samples (default 120). Every few samples it is
// summarised robustly: the median of each half gives a level and a (damped) local trend, and
// the MAD of the detrended residuals gives the scale σ. Medians, not means, so a burst of
// outliers does not drag the baseline; a trend so slow daily ramps are not level shifts.
//
// Seasonality. A daily profile (288 five-minute buckets, fewer for coarse series) learnt with
// clipped exponential updates. It is used once at least two full days have been seen AND it
// explains the data (the detrended residual σ with the profile removed is at least 20% below
// the σ without it). Then the window models value − profile(time of day). So a quiet night is
// compared with previous nights, not with the afternoon.
//
// Detection. Two one-sided CUSUMs on the robust z-score z = (x − prediction)/σ, clipped at
// ±zCap so that one wild sample adds at most zCap − k < h: a single spike can never raise an
// anomaly on its own (no flapping on spikes); at least two strongly deviating samples, or a
// longer run of moderate ones, are needed (minDuration is a floor on top). The onset is the
// CUSUM's changepoint estimate: the first sample after the statistic last stood at zero — not
// the detection time. While an anomaly is open the baseline is frozen; it ends when the series
// is back within the band for `recoverAfter` samples, or, if the new level persists for
// `adaptAfter` samples, the baseline is rebuilt from the samples since the onset (the new level
// becomes normal) and the anomaly closes as a level change.
//
// Memory per series (defaults): window 120 × (8 B value + 8 B time) = 1.9 KB, daily profile
// 288 × 5 B = 1.4 KB, plus ~200 B of scalars: about 3.5 KB, whatever the series' length.
import { median, robustSigma } from '../stats/descriptive.js';

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
  /** Magnitude gates: |observed − baseline| must reach both (0 disables). */
  readonly minAbsoluteMagnitude: number;
  readonly minRelativeMagnitude: number;
  /** σ is at least this share of |level| (flat series would otherwise alarm on rounding). */
  readonly relativeScaleFloor: number;
  readonly absoluteScaleFloor: number;
  /** Use a local trend in the baseline; the slope is multiplied by trendDamping. */
  readonly trend: boolean;
  readonly trendDamping: number;
  readonly seasonality: boolean;
  readonly seasonPeriodMs: number;
  readonly seasonBuckets: number;
  /** Full periods needed before the profile may be used. */
  readonly seasonMinPeriods: number;
  /** Weight of one new period in a bucket's profile value. */
  readonly seasonLearningRate: number;
  /** Consecutive in-band samples (|z| ≤ recoverZ) that end an anomaly. */
  readonly recoverAfter: number;
  readonly recoverZ: number;
  /** Samples in an anomaly after which its level becomes the new normal (0: W/2). */
  readonly adaptAfter: number;
}

export const DEFAULT_ANOMALY_SETTINGS: AnomalySettings = {
  windowSize: 120,
  minHistory: 30,
  refreshEvery: 4,
  k: 1,
  h: 8,
  zCap: 6,
  minDuration: 2,
  minAbsoluteMagnitude: 0,
  minRelativeMagnitude: 0,
  relativeScaleFloor: 0.005,
  absoluteScaleFloor: 1e-9,
  trend: true,
  trendDamping: 0.5,
  seasonality: true,
  seasonPeriodMs: 86_400_000,
  seasonBuckets: 288,
  seasonMinPeriods: 2,
  seasonLearningRate: 0.3,
  recoverAfter: 5,
  recoverZ: 2,
  adaptAfter: 0,
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
}

export interface ModelRecovery {
  readonly at: number;
  readonly reason: 'recovered' | 'new-level';
}

export type ModelEvent = { readonly type: 'anomaly'; readonly anomaly: ModelAnomaly } | { readonly type: 'recovery'; readonly recovery: ModelRecovery };

export class SeriesModel {
  // Ring buffer of the last W samples.
  private readonly values: Float64Array;
  private readonly times: Float64Array;
  private head = 0; // next write position
  private count = 0;
  private seen = 0; // samples ever accepted; a sample's sequence number is seen − 1 at its arrival
  private lastTs = -Infinity;
  private firstTs = NaN;
  private intervalEw = NaN;
  private sinceRefresh = 0;
  // Window summary: the prediction for sample number q is level + slope·(q − centerSeq).
  private level = NaN;
  private slope = 0;
  private centerSeq = 0;
  private sigma = NaN;
  private ready = false;
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
  // Seasonal profile.
  private profile: Float32Array | null = null;
  private visits: Uint8Array | null = null;
  private bucketWidth = 0;
  private lastBucket = -1;
  private seasonalOn = false;

  constructor(private readonly s: AnomalySettings) {
    this.values = new Float64Array(s.windowSize);
    this.times = new Float64Array(s.windowSize);
  }

  get approxBytes(): number {
    return this.values.byteLength + this.times.byteLength + (this.profile?.byteLength ?? 0) + (this.visits?.byteLength ?? 0) + 240;
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
    } else this.firstTs = ts;
    this.lastTs = ts;
    const seq = this.seen++;

    let event: ModelEvent | null = null;
    if (this.ready) event = this.open ? this.follow(ts, seq, x) : this.detect(ts, seq, x);

    this.push(ts, x);
    if (this.s.seasonality && !this.open && Math.max(this.sUp, this.sDown) < this.s.h / 2) this.learnSeason(ts, x);
    if (!this.open) {
      this.sinceRefresh++;
      if (this.ready ? this.sinceRefresh >= this.s.refreshEvery : this.count >= this.s.minHistory) this.refresh();
    }
    return event;
  }

  private z(ts: number, seq: number, x: number): number {
    const cap = this.s.zCap;
    return clamp((x - this.predict(ts, seq)) / this.sigma, -cap, cap);
  }

  private detect(ts: number, seq: number, x: number): ModelEvent | null {
    const s = this.s;
    const z = this.z(ts, seq, x);
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
      this.sUp >= s.h && this.runUpLen >= s.minDuration ? 'up' : this.sDown >= s.h && this.runDownLen >= s.minDuration ? 'down' : null;
    if (!dir) return null;
    const onset = dir === 'up' ? this.runUpStart : this.runDownStart;
    // Baseline: the model's prediction over the run; observed: the run's median so far
    // (including this sample, which is not in the window yet).
    const run: number[] = [x];
    const preds: number[] = [this.predict(ts, seq)];
    const firstSeq = seq - this.count;
    for (let j = 0; j < this.count; j++) {
      const idx = this.ringIndex(j);
      if (this.times[idx]! >= onset) {
        run.push(this.values[idx]!);
        preds.push(this.predict(this.times[idx]!, firstSeq + j));
      }
    }
    const baseline = median(preds);
    const observed = median(run);
    const abs = Math.abs(observed - baseline);
    if (abs < s.minAbsoluteMagnitude || (s.minRelativeMagnitude > 0 && abs < s.minRelativeMagnitude * Math.abs(baseline))) return null;
    this.open = { onset, detectedAt: ts, direction: dir, baseline, observed, sigma: this.sigma, seasonal: this.seasonalOn };
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
      // Back to normal: forget the anomalous stretch so it cannot bend the baseline.
      this.retain((t) => t < onset || t >= this.inBandSince);
      this.close();
      return { type: 'recovery', recovery: { at: ts, reason: 'recovered' } };
    }
    const adaptAfter = s.adaptAfter > 0 ? s.adaptAfter : Math.max(s.minHistory, s.windowSize >> 1);
    if (this.openSamples >= adaptAfter) {
      // The new level persists: it becomes the baseline, built from the samples since the onset.
      this.retain((t) => t >= onset);
      this.close();
      return { type: 'recovery', recovery: { at: ts, reason: 'new-level' } };
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
    const n = this.count;
    const vs: number[] = [];
    const ts: number[] = [];
    for (let j = 0; j < n; j++) {
      const idx = this.ringIndex(j);
      if (keep(this.times[idx]!)) {
        vs.push(this.values[idx]!);
        ts.push(this.times[idx]!);
      }
    }
    this.head = 0;
    this.count = 0;
    for (let j = 0; j < vs.length; j++) this.push(ts[j]!, vs[j]!);
  }

  private push(ts: number, x: number): void {
    const W = this.s.windowSize;
    this.values[this.head] = x;
    this.times[this.head] = ts;
    this.head = (this.head + 1) % W;
    if (this.count < W) this.count++;
  }

  /** Ring position of the j-th oldest sample in the window. */
  private ringIndex(j: number): number {
    const W = this.s.windowSize;
    return (this.head - this.count + j + 2 * W) % W;
  }

  /** Prediction for sample number seq at time ts. Trend extrapolation is capped at half a window. */
  private predict(ts: number, seq: number): number {
    const dist = Math.min(seq - this.centerSeq, this.s.windowSize / 2);
    return this.level + this.slope * dist + (this.seasonalOn ? this.seasonAt(ts) : 0);
  }

  private refresh(): void {
    const s = this.s;
    const n = this.count;
    this.sinceRefresh = 0;
    if (n < Math.min(s.minHistory, 8)) {
      this.ready = false;
      return;
    }
    this.maybeSwitchSeason();
    const r = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const idx = this.ringIndex(j);
      r[j] = this.values[idx]! - (this.seasonalOn ? this.seasonAt(this.times[idx]!) : 0);
    }
    const fit = summarise(r, s.trend && n >= 20, s.trendDamping);
    // Window offset j is sample number (seen − n + j): the newest sample is already pushed.
    this.level = fit.level;
    this.slope = fit.slope;
    this.centerSeq = this.seen - n + fit.center;
    const scale = Math.abs(fit.level + (this.seasonalOn ? meanOf(this.profile!) : 0));
    this.sigma = Math.max(fit.sigma, s.absoluteScaleFloor, s.relativeScaleFloor * scale);
    this.ready = n >= Math.min(s.minHistory, s.windowSize);
  }

  // ---- seasonality --------------------------------------------------------------------

  private ensureProfile(): boolean {
    if (this.profile) return true;
    if (!Number.isFinite(this.intervalEw) || this.seen < 8) return false;
    const s = this.s;
    const buckets = Math.max(4, Math.min(s.seasonBuckets, Math.round(s.seasonPeriodMs / this.intervalEw)));
    this.bucketWidth = s.seasonPeriodMs / buckets;
    this.profile = new Float32Array(buckets).fill(NaN);
    this.visits = new Uint8Array(buckets);
    return true;
  }

  private learnSeason(ts: number, x: number): void {
    if (!this.ensureProfile()) return;
    const profile = this.profile!;
    const visits = this.visits!;
    const b = this.bucketOf(ts);
    if (b !== this.lastBucket) {
      if (visits[b]! < 255) visits[b]!++;
      this.lastBucket = b;
    }
    const cur = profile[b]!;
    if (Number.isNaN(cur)) {
      profile[b] = x;
      return;
    }
    // Per-sample rate so that one period moves a bucket by about seasonLearningRate; updates are
    // clipped at 3σ so that an unflagged outlier cannot bend the profile.
    const perBucket = Math.max(1, this.bucketWidth / this.intervalEw);
    const rate = 1 - Math.pow(1 - this.s.seasonLearningRate, 1 / perBucket);
    const limit = Number.isFinite(this.sigma) ? 3 * this.sigma : Infinity;
    profile[b] = cur + rate * clamp(x - cur, -limit, limit);
  }

  private bucketOf(ts: number): number {
    const period = this.s.seasonPeriodMs;
    const phase = ((ts % period) + period) % period;
    return Math.min(this.profile!.length - 1, Math.floor(phase / this.bucketWidth));
  }

  /** Profile value at ts, linearly interpolated between bucket centres. */
  private seasonAt(ts: number): number {
    const profile = this.profile!;
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

  /** Turn the profile on when it is mature and explains the window; off when it stops helping. */
  private maybeSwitchSeason(): void {
    const s = this.s;
    if (!s.seasonality || !this.profile) return;
    if (this.lastTs - this.firstTs < s.seasonMinPeriods * s.seasonPeriodMs) return;
    let mature = 0;
    for (const v of this.visits!) if (v >= s.seasonMinPeriods) mature++;
    if (mature < 0.9 * this.visits!.length) return;
    const n = this.count;
    const raw = new Float64Array(n);
    const des = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const idx = this.ringIndex(j);
      raw[j] = this.values[idx]!;
      des[j] = this.values[idx]! - this.seasonAt(this.times[idx]!);
    }
    const sRaw = summarise(raw, s.trend && n >= 20, s.trendDamping).sigma;
    const sDes = summarise(des, s.trend && n >= 20, s.trendDamping).sigma;
    const on = this.seasonalOn ? sDes < 0.95 * sRaw : sDes < 0.8 * sRaw;
    if (on !== this.seasonalOn) {
      this.seasonalOn = on;
      this.sUp = this.sDown = 0; // residuals change meaning: restart the CUSUMs
    }
  }
}

/** Level at the window's end side, damped slope per sample, and robust σ of detrended residuals. */
function summarise(r: Float64Array, trend: boolean, damping: number): { level: number; slope: number; center: number; sigma: number } {
  const n = r.length;
  if (!trend) {
    const m = median(r);
    return { level: m, slope: 0, center: 0, sigma: robustSigma(r, m) };
  }
  const h = n >> 1;
  const m1 = median(r.subarray(0, h));
  const m2 = median(r.subarray(n - h));
  const c1 = (h - 1) / 2;
  const c2 = n - h + (h - 1) / 2;
  const slope = ((m2 - m1) / (c2 - c1)) * damping;
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) e[j] = r[j]! - (m2 + slope * (j - c2));
  const off = median(e);
  return { level: m2 + off, slope, center: c2, sigma: robustSigma(e, off) };
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
