// Scale test: did the observation become more spread out than the baseline? A latency whose
// median is unchanged but whose spread blows up (some requests fine, some timing out) is a
// regression that location tests miss (one of Kayenta's known misses).
//
// Brown-Forsythe (Levene's test centred on the medians): an ANOVA/t-test on the absolute
// deviations from each group's own median. Centring on medians keeps it robust to outliers
// and skew, where the classic F-test for variances is notoriously non-robust. With two groups
// the ANOVA F equals t², so the one-sided version is Student's t on the deviations.
import { median } from './descriptive.js';
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
