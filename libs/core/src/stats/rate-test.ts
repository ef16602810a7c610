// Rate test for sparse counts: did events (errors) become more frequent per unit of exposure
// (requests, or time when request counts are unknown)? Rank tests fail here: with a baseline
// of all zeros and an observation of 0,0,0,3,0,5 most values tie at zero and U says little,
// while the counts say a lot (8 errors where none were seen in twice the exposure).
//
// The conditional (exact) test for two Poisson rates: given the total k = k₀ + k₁, under
// H₀: λ₁ = r·λ₀ the observation's share k₁ is Binomial(k, p) with p = r·E₁ / (r·E₁ + E₀).
// Exact for small counts, no normal approximation, and well defined when the baseline is zero.
// Overdispersion (real error counts are burstier than Poisson) is handled as quasi-Poisson:
// counts are divided by a dispersion factor φ ≥ 1 estimated from the baseline, which the
// incomplete-beta tail accepts as non-integer.
import { binomialLowerTail, binomialUpperTail } from './special.js';

export interface RateTestInput {
  /** Events in the baseline (e.g. errors). */
  readonly baselineEvents: number;
  /** Exposure of the baseline (requests, or time). */
  readonly baselineExposure: number;
  readonly observedEvents: number;
  readonly observedExposure: number;
  /** Rate ratio under the null hypothesis (1: unchanged). */
  readonly nullRatio?: number;
  /** Quasi-Poisson dispersion φ ≥ 1 (1: plain Poisson). */
  readonly dispersion?: number;
}

export interface RateTestResult {
  readonly baselineRate: number;
  readonly observedRate: number;
  /** observedRate / baselineRate; Infinity when the baseline had no events and the observation had some. */
  readonly ratio: number;
  /** One-sided p that the observed rate is higher. */
  readonly pGreater: number;
  /** One-sided p that the observed rate is lower. */
  readonly pLess: number;
}

export function poissonRateTest(input: RateTestInput): RateTestResult {
  const { baselineEvents: k0, baselineExposure: e0, observedEvents: k1, observedExposure: e1 } = input;
  const r = input.nullRatio ?? 1;
  const phi = Math.max(1, input.dispersion ?? 1);
  const baselineRate = e0 > 0 ? k0 / e0 : NaN;
  const observedRate = e1 > 0 ? k1 / e1 : NaN;
  const ratio = k0 > 0 ? observedRate / baselineRate : k1 > 0 ? Infinity : 1;
  if (!(e0 > 0 && e1 > 0) || k0 + k1 <= 0) {
    return { baselineRate, observedRate, ratio, pGreater: 1, pLess: 1 };
  }
  const p = (r * e1) / (r * e1 + e0);
  const n = (k0 + k1) / phi;
  const k = k1 / phi;
  return {
    baselineRate,
    observedRate,
    ratio,
    pGreater: Math.min(1, binomialUpperTail(k, n, p)),
    pLess: Math.min(1, binomialLowerTail(k, n, p)),
  };
}

/**
 * Quasi-Poisson dispersion of per-interval counts with per-interval exposures: Pearson's
 * χ²/(n − 1) around the pooled rate, floored at 1. Returns 1 when there are no events (a zero
 * baseline carries no information about burstiness).
 */
export function poissonDispersion(counts: ArrayLike<number>, exposures: ArrayLike<number>): number {
  const n = counts.length;
  if (n < 3) return 1;
  let k = 0;
  let e = 0;
  for (let i = 0; i < n; i++) {
    k += counts[i]!;
    e += exposures[i]!;
  }
  if (k <= 0 || e <= 0) return 1;
  const rate = k / e;
  let chi2 = 0;
  for (let i = 0; i < n; i++) {
    const expected = rate * exposures[i]!;
    if (expected > 0) chi2 += (counts[i]! - expected) ** 2 / expected;
  }
  return Math.max(1, chi2 / (n - 1));
}
