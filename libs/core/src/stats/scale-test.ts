// Scale test: did the observation become more spread out than the baseline? A latency whose
// median is unchanged but whose spread blows up (some requests fine, some timing out) is a
// regression that location tests miss (one of Kayenta's known misses).
//
// Brown-Forsythe (Levene's test centred on the medians): an ANOVA/t-test on the absolute
// deviations from each group's own median. Centring on medians keeps it robust to outliers
// and skew, where the classic F-test for variances is notoriously non-robust. With two groups
// the ANOVA F equals t², so the one-sided version is Student's t on the deviations.
import { median, quantile } from './descriptive.js';
import { mannWhitney } from './mann-whitney.js';
import { fSf, studentTSf } from './special.js';

export interface ScaleTestResult {
  /** ANOVA F on the absolute deviations (as scipy.stats.levene(center='median')). */
  readonly f: number;
  /** Signed t: positive when y is more spread out than x. */
  readonly t: number;
  readonly df: number;
  readonly pTwoSided: number;
  /** One-sided p that y is more spread out than x. */
  readonly pGreater: number;
  /** Mean absolute deviation from the median, per group. */
  readonly spreadX: number;
  readonly spreadY: number;
}

export function brownForsythe(x: ArrayLike<number>, y: ArrayLike<number>): ScaleTestResult {
  const m = x.length;
  const n = y.length;
  const dx = deviations(x);
  const dy = deviations(y);
  const mx = avg(dx);
  const my = avg(dy);
  const df = m + n - 2;
  if (m < 2 || n < 2) return { f: NaN, t: 0, df, pTwoSided: 1, pGreater: 1, spreadX: mx, spreadY: my };
  let ss = 0;
  for (const d of dx) ss += (d - mx) ** 2;
  for (const d of dy) ss += (d - my) ** 2;
  const pooled = ss / df;
  const se = Math.sqrt(pooled * (1 / m + 1 / n));
  if (!(se > 0)) {
    // Zero within-group spread: any difference in spreads is infinitely significant, none is null.
    const t = my > mx ? Infinity : my < mx ? -Infinity : 0;
    return {
      f: t === 0 ? 0 : Infinity,
      t,
      df,
      pTwoSided: t === 0 ? 1 : 0,
      pGreater: t > 0 ? 0 : 1,
      spreadX: mx,
      spreadY: my,
    };
  }
  const t = (my - mx) / se;
  return {
    f: t * t,
    t,
    df,
    pTwoSided: fSf(t * t, 1, df),
    pGreater: studentTSf(t, df),
    spreadX: mx,
    spreadY: my,
  };
}

function deviations(v: ArrayLike<number>): Float64Array {
  const c = median(v);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Math.abs(v[i]! - c);
  return out;
}

function avg(v: Float64Array): number {
  if (v.length === 0) return NaN;
  let s = 0;
  for (const d of v) s += d;
  return s / v.length;
}

export interface RankScaleResult {
  /** One-sided p that y is more spread out than x. */
  readonly pGreater: number;
  /** Whether the test ran on the logarithms (every value positive). */
  readonly logScale: boolean;
  /** Robust spread of each group on the test's scale: the 75th percentile of |value − its own median|. */
  readonly spreadX: number;
  readonly spreadY: number;
}

/**
 * A scale test for heavy tails and small samples: the rank-sum test on the absolute deviations
 * from the pooled median, on the log scale when every value is positive (latencies and
 * utilisations are skewed; their logarithms are close to symmetric, and a multiplicative spread
 * is what "erratic" means for them). Given the pooled values the centre is fixed, so under "no
 * change" every split of the deviations between baseline and observation is equally likely and
 * the rank-sum p-value is exact (a permutation test), whatever the distribution — where centring
 * each group on its own median (Brown-Forsythe) ties the deviations to how many outliers a small
 * group happened to draw, and the t on raw deviations is 5–190× too small in the tail for skewed
 * data. A common centre also answers to a shift of location, so the spreads returned are each
 * group's own (75th percentile of its deviations from its own median): judge whether the spread
 * grew by those, and leave a moved location to the location test. A few wild points cannot make
 * the p-value tiny, nor move the 75th percentile.
 */
export function rankScaleTest(x: ArrayLike<number>, y: ArrayLike<number>): RankScaleResult {
  let positive = true;
  for (let i = 0; i < x.length && positive; i++) positive = x[i]! > 0;
  for (let i = 0; i < y.length && positive; i++) positive = y[i]! > 0;
  const sx = Float64Array.from(x as ArrayLike<number>, (v) => (positive ? Math.log(v) : v));
  const sy = Float64Array.from(y as ArrayLike<number>, (v) => (positive ? Math.log(v) : v));
  const spreadX = ownSpread(sx);
  const spreadY = ownSpread(sy);
  if (sx.length < 2 || sy.length < 2) return { pGreater: 1, logScale: positive, spreadX, spreadY };
  const pooled = new Float64Array(sx.length + sy.length);
  pooled.set(sx);
  pooled.set(sy, sx.length);
  const centre = median(pooled);
  const mw = mannWhitney(
    sx.map((v) => Math.abs(v - centre)),
    sy.map((v) => Math.abs(v - centre)),
  );
  return { pGreater: mw.pGreater, logScale: positive, spreadX, spreadY };
}

function ownSpread(v: Float64Array): number {
  const c = median(v);
  return quantile(
    v.map((x) => Math.abs(x - c)),
    0.75,
  );
}
