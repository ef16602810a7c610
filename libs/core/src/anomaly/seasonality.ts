// A series' cycle, found in its own history rather than assumed.
//
// PeriodFinder keeps a coarse history: the means of fixed-width time bins (512 by default;
// empty bins, i.e. gaps, are NaN). The first bins are one sample interval wide; when the bins run
// out the history is halved — pairs merged (bins twice as wide) while the history spans less than
// maxSpanMs (six weeks by default, room for 2.5 weekly cycles), otherwise the older half dropped.
// So it covers the last few weeks of a 10-second series, and the last 256 samples of a monthly
// one, in a fixed 2 KB.
//
// At 96, 192 and 384 bins and then every 64 new bins it looks for a cycle: the autocorrelation
// of the detrended bins (at most 128 points: neighbours averaged) at every lag up to 1/2.5 of the
// history (so 2.5 cycles are always seen). A cycle is the lag of a peak that stands out: a
// correlation of at least minCorrelation and 4/√points (four standard errors of white noise's,
// rarely reached by chance at any of ~50 lags), and at least 0.3 above the lowest correlation at
// a shorter lag (a slow drift decays without such a dip, a cycle dips and comes back). Of those
// peaks, the one whose previous cycle predicts the history best wins, the shortest when several
// do about as well (a daily cycle over its multiples, but a weekly one when weekends differ), and
// the cycle in use stays unless another predicts clearly better. The lag is refined between bins
// and snapped to a day, a week or a year when within 4% (so a daily cycle does not drift by bins).
//
// SeasonalProfile is the cycle's shape: a value per phase bucket (up to maxBuckets per cycle, at
// most one per sample interval), linearly interpolated between bucket centres. Each sample that
// is not part of an anomaly moves the two bucket centres around its phase towards its departure
// from the series' level, so that each cycle weighs `rate` (1/4: about the last four cycles) and
// a change of level never enters the shape. A newly found cycle's shape is seeded from the
// PeriodFinder's bins, so it is usable at once, and refined by every cycle that follows. (Its
// noise is what a model pays in every prediction: with one sample per bucket and cycle, a
// quarter weight per cycle leaves 0.38σ, against 0.67σ for the median of the last three cycles.)

const DAY = 86_400_000;
const CALENDAR = [DAY, 7 * DAY, 365.25 * DAY];

export class PeriodFinder {
  private readonly bins: Float32Array;
  private t0 = NaN; // start of bin 0
  private width = NaN; // bin width, ms
  private current = -1; // bin being filled
  private sum = 0;
  private count = 0;
  private firstTs = NaN;
  private firstX = NaN;
  private nextCheck = 96; // bins complete at the next look for a cycle
  private binEnd = -Infinity; // end of the bin being filled
  private compacted = false;

  constructor(
    capacity: number,
    private readonly maxSpanMs: number,
    private readonly minCorrelation: number,
  ) {
    this.bins = new Float32Array(capacity).fill(NaN);
  }

  get byteLength(): number {
    return this.bins.byteLength;
  }

  /** Add a sample (timestamps increasing); true when enough new bins arrived to look for a cycle again. */
  add(ts: number, x: number): boolean {
    if (Number.isNaN(this.width)) {
      if (Number.isNaN(this.firstTs)) {
        this.firstTs = ts;
        this.firstX = x;
        return false;
      }
      // The first interval sets the bin width; samples fall at bin centres.
      this.width = ts - this.firstTs;
      this.t0 = this.firstTs - this.width / 2;
      this.current = 0;
      this.sum = this.firstX;
      this.count = 1;
    }
    // Most samples fall into the bin being filled: only accumulate.
    if (ts < this.binEnd) {
      this.sum += x;
      this.count++;
      return false;
    }
    let c = Math.floor((ts - this.t0) / this.width);
    if (c !== this.current) {
      this.bins[this.current] = this.sum / this.count;
      while (c >= this.bins.length) {
        this.compact();
        c = Math.floor((ts - this.t0) / this.width);
      }
      if (c !== this.current) {
        for (let i = this.current + 1; i < c; i++) this.bins[i] = NaN;
        this.current = c;
        this.sum = 0;
        this.count = 0;
      }
    }
    this.sum += x;
    this.count++;
    this.binEnd = this.t0 + (this.current + 1) * this.width;
    // At 96, 192 and 384 bins, then every 64 new bins (the history is halved at 512).
    if (this.current < this.nextCheck) return false;
    this.nextCheck = this.current < 384 && !this.compacted ? 2 * this.current : this.current + 64;
    return true;
  }

  /** Halve the history: merge pairs while it spans less than maxSpanMs, else drop the older half. */
  private compact(): void {
    const b = this.bins;
    const half = b.length >> 1;
    this.bins[this.current] = this.sum / this.count;
    if (b.length * this.width < this.maxSpanMs) {
      for (let i = 0; i < half; i++) b[i] = nanMean(b[2 * i]!, b[2 * i + 1]!);
      this.width *= 2;
      this.current >>= 1;
    } else {
      b.copyWithin(0, half);
      this.t0 += half * this.width;
      this.current -= half;
    }
    b.fill(NaN, half);
    this.nextCheck = this.current + 64;
    this.compacted = true;
    // The bin being filled continues from its (merged) mean, with the weight of one sample.
    this.sum = b[this.current]!;
    this.count = 1;
  }

  /**
   * The dominant cycle in ms, or 0 when there is none. `interval`: the series' sample interval
   * (a cycle must span at least 4 samples); `current`: the cycle in use (ms, 0: none).
   */
  find(interval: number, current = 0): number {
    const n = this.current; // complete bins
    if (n < 64) return 0;
    const y = scratchY(n);
    // Detrend: least-squares line over the valid bins.
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const v = this.bins[i]!;
      if (Number.isNaN(v)) continue;
      sx += i;
      sy += v;
      sxx += i * i;
      sxy += i * v;
      m++;
    }
    if (m < 48) return 0;
    const den = m * sxx - sx * sx;
    const slope = den > 0 ? (m * sxy - sx * sy) / den : 0;
    const intercept = (sy - slope * sx) / m;
    let variance = 0;
    for (let i = 0; i < n; i++) {
      const v = this.bins[i]!;
      y[i] = Number.isNaN(v) ? NaN : v - (intercept + slope * i);
      if (!Number.isNaN(v)) variance += y[i]! * y[i]!;
    }
    variance /= m;
    if (!(variance > 0)) return 0;
    // The autocorrelation is computed on at most 128 points (2 or 4 bins averaged beyond that):
    // cheap enough to run now and then on every series; candidates are then judged at full
    // resolution.
    const f = n > 256 ? 4 : n > 128 ? 2 : 1;
    const yc = f === 1 ? y : downsample(y, f);
    const nc = yc.length;
    const maxLag = Math.floor(nc / 2.5);
    const minLag = Math.max(2, Math.ceil((4 * interval) / (f * this.width)));
    if (maxLag < minLag + 1) return 0;
    const acf = scratchAcf(maxLag + 2);
    for (let lag = 1; lag <= maxLag + 1; lag++) {
      let s = 0;
      let c = 0;
      for (let i = 0; i + lag < nc; i++) {
        const p = yc[i]! * yc[i + lag]!;
        if (Number.isNaN(p)) continue;
        s += p;
        c++;
      }
      acf[lag] = c > 0 ? s / c / variance : 0;
    }
    // A peak must also clear noise at every lag tried (see the header).
    const floor = Math.max(this.minCorrelation, 4 / Math.sqrt(m / f));
    const peaks: number[] = [];
    let lowest = acf[1]!;
    for (let lag = 2; lag <= maxLag; lag++) {
      const a = acf[lag]!;
      if (lag >= minLag && a >= floor && a >= acf[lag - 1]! && a >= acf[lag + 1]! && a - lowest >= 0.3)
        peaks.push(lag);
      if (a < lowest) lowest = a;
    }
    if (peaks.length === 0) return 0;
    // Candidates in bins: each peak refined between bins (a parabola through it and its
    // neighbours) and snapped to the calendar, and the cycle in use.
    const candidates = peaks.map((lag) =>
      this.snap(f * (lag + vertex(acf[lag - 1]!, acf[lag]!, acf[lag + 1]!))),
    );
    const inUse = current / this.width;
    if (inUse >= f * minLag && inUse <= f * maxLag) candidates.push(inUse);
    // Which predicts the history best: a bin by the bin one cycle earlier, over the same stretch
    // for all (after the longest candidate's first cycle). The cycle in use stays unless another
    // does clearly better (its error 20% lower); otherwise the shortest within 10% of the best wins (a cycle's
    // multiples predict as well as it does).
    const from = Math.ceil(Math.max(...candidates)) + 1;
    const errors = candidates.map((lag) => {
      let e = 0;
      let c = 0;
      for (let i = from; i < n; i++) {
        const d = y[i]! - interpolate(y, i - lag);
        if (Number.isNaN(d)) continue;
        e += d * d;
        c++;
      }
      return c > 0 ? e / c : Infinity;
    });
    const least = Math.min(...errors);
    if (candidates.at(-1) === inUse && errors.at(-1)! <= 1.25 * least) return current;
    let best = Infinity;
    candidates.forEach((lag, i) => {
      if (errors[i]! <= 1.1 * least && lag < best) best = lag;
    });
    return best * this.width;
  }

  /** A lag (in bins) snapped to a day, a week or a year when within 4% of one. */
  private snap(lag: number): number {
    const period = lag * this.width;
    for (const c of CALENDAR) if (Math.abs(period / c - 1) < 0.04) return c / this.width;
    return lag;
  }

  /** The history's level around time t (interpolated between bin centres); NaN when unknown. */
  valueAt(t: number): number {
    const pos = (t - this.t0) / this.width - 0.5;
    const i = Math.floor(pos);
    if (i < -1 || i >= this.current) return NaN;
    const a = i >= 0 ? this.bins[i]! : NaN;
    const b = i + 1 < this.current ? this.bins[i + 1]! : NaN;
    if (Number.isNaN(a)) return b;
    if (Number.isNaN(b)) return a;
    return a + (pos - i) * (b - a);
  }
}

export class SeasonalProfile {
  readonly buckets: number;
  private readonly width: number;
  /** The shape at each bucket centre, relative to the series' level. */
  private readonly shape: Float32Array;
  /** Cycles' worth of learning per bucket (for the first cycles' larger steps). */
  private readonly weight: Float32Array;
  /** Share of a cycle's bucket that one sample is. */
  private readonly perSample: number;

  constructor(
    readonly periodMs: number,
    interval: number,
    maxBuckets: number,
    /** Weight of the latest cycle in the shape (1/4: about the last four cycles). */
    private readonly rate: number,
  ) {
    const samples = periodMs / interval;
    this.buckets = Math.max(2, Math.min(maxBuckets, Math.round(samples)));
    this.width = periodMs / this.buckets;
    this.perSample = this.buckets / samples;
    this.shape = new Float32Array(this.buckets);
    this.weight = new Float32Array(this.buckets);
  }

  get byteLength(): number {
    return this.shape.byteLength + this.weight.byteLength;
  }

  /** The shape of the cycles in the finder's history (each bucket: its mean over them, around their mean level). */
  seed(finder: PeriodFinder, now: number): void {
    const B = this.buckets;
    const sums = new Float64Array(B);
    const counts = new Uint8Array(B);
    let total = 0;
    let n = 0;
    const P = this.periodMs;
    const phaseNow = this.phaseOf(now);
    for (let b = 0; b < B; b++) {
      // The bucket centre's latest time before now, and the cycles before it.
      const centre = (b + 0.5) * this.width;
      const latest = now - ((((phaseNow - centre) % P) + P) % P);
      for (let c = 0; c < 4; c++) {
        const v = finder.valueAt(latest - c * P);
        if (Number.isNaN(v)) continue;
        sums[b] += v;
        counts[b]++;
        total += v;
        n++;
      }
    }
    const level = n > 0 ? total / n : 0;
    for (let b = 0; b < B; b++) {
      this.shape[b] = counts[b]! > 0 ? sums[b]! / counts[b]! - level : 0;
      this.weight[b] = counts[b]!;
    }
  }

  /**
   * Learn from one sample's departure from the series' level: the two bucket centres around its
   * phase move towards it, in proportion to how close it is to each, by `rate` per cycle (larger
   * while a bucket has seen less than 1/rate cycles). The error is clipped at ±limit (a Huber
   * step): one outlier of a heavy-tailed series would otherwise move its buckets for cycles to
   * come, an error that persists over every sample of the bucket and adds up like a shift.
   */
  learn(ts: number, departure: number, limit = Infinity): void {
    const B = this.buckets;
    const pos = this.phaseOf(ts) / this.width - 0.5;
    const i0 = Math.floor(pos);
    const f = pos - i0;
    const a = (i0 + B) % B;
    const b = (i0 + 1) % B;
    const e = departure - (this.shape[a]! + f * (this.shape[b]! - this.shape[a]!));
    const error = e > limit ? limit : e < -limit ? -limit : e;
    this.step(a, (1 - f) * this.perSample, error);
    this.step(b, f * this.perSample, error);
  }

  private step(bucket: number, share: number, error: number): void {
    if (share <= 0) return;
    const w = this.weight[bucket]! + share;
    this.weight[bucket] = w;
    this.shape[bucket] = this.shape[bucket]! + share * Math.max(this.rate, 1 / w) * error;
  }

  /** At least two cycles' worth of learning (or seeding) for 90% of the buckets. */
  mature(): boolean {
    let ok = 0;
    for (let b = 0; b < this.buckets; b++) if (this.weight[b]! >= 2) ok++;
    return ok >= 0.9 * this.buckets;
  }

  /** Shape value at ts, linearly interpolated between bucket centres. */
  valueAt(ts: number): number {
    const B = this.buckets;
    const pos = this.phaseOf(ts) / this.width - 0.5;
    const i0 = Math.floor(pos);
    const f = pos - i0;
    const a = this.shape[(i0 + B) % B]!;
    return a + f * (this.shape[(i0 + 1) % B]! - a);
  }

  private phaseOf(ts: number): number {
    const p = this.periodMs;
    return ((ts % p) + p) % p;
  }
}

// Scratch space shared by every finder (one runs at a time): a look for a cycle allocates little.
let yScratch = new Float64Array(512);
let coarseScratch = new Float64Array(128);
let acfScratch = new Float64Array(64);
function scratchY(n: number): Float64Array {
  if (yScratch.length < n) yScratch = new Float64Array(n);
  return yScratch.subarray(0, n);
}
function scratchCoarse(n: number): Float64Array {
  if (coarseScratch.length < n) coarseScratch = new Float64Array(n);
  return coarseScratch.subarray(0, n);
}
function scratchAcf(n: number): Float64Array {
  if (acfScratch.length < n) acfScratch = new Float64Array(n);
  acfScratch.fill(0, 0, n);
  return acfScratch.subarray(0, n);
}

/** Means of groups of f bins (NaN-aware). */
function downsample(y: Float64Array, f: number): Float64Array {
  const out = scratchCoarse(Math.floor(y.length / f));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    let c = 0;
    for (let k = 0; k < f; k++) {
      const v = y[i * f + k]!;
      if (Number.isNaN(v)) continue;
      sum += v;
      c++;
    }
    out[i] = c > 0 ? sum / c : NaN;
  }
  return out;
}

/** Offset of a parabola's vertex through (−1, a), (0, b), (1, c), within ±0.5. */
function vertex(a: number, b: number, c: number): number {
  const curvature = a - 2 * b + c;
  return curvature < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / curvature)) : 0;
}

/** y at a fractional index, linearly interpolated (NaN outside or next to a gap). */
function interpolate(y: Float64Array, at: number): number {
  const i = Math.floor(at);
  if (i < 0 || i + 1 >= y.length) return i >= 0 && i < y.length && at === i ? y[i]! : NaN;
  return y[i]! + (at - i) * (y[i + 1]! - y[i]!);
}

function nanMean(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return (a + b) / 2;
}
