// Alpha spending for repeated looks at accumulating data (Lan & DeMets 1983). A verification
// looks every minute; testing each look at the full α would inflate the false-alarm rate
// with every look. A spending function α(t) says how much of the total α may have been used
// by information fraction t ∈ (0, 1]; look k is tested at the increment α(t_k) − α(t_{k−1}).
// By the union bound the chance of any false alarm over all looks is then ≤ α(1) = α, whatever
// the correlation between looks (conservative, since successive looks share data).
import { normalQuantile, normalSf } from './special.js';

export type SpendingFunction = 'obrien-fleming' | 'pocock' | 'linear';

/** Cumulative α spent by information fraction t. */
export function alphaSpent(kind: SpendingFunction, alpha: number, t: number): number {
  const f = Math.min(1, Math.max(0, t));
  if (f === 0) return 0;
  switch (kind) {
    case 'obrien-fleming': {
      // α₁(t) = 2 − 2Φ(z_{1−α/2} / √t): almost nothing early, nearly all at the end.
      const z = normalQuantile(1 - alpha / 2);
      return Math.min(alpha, 2 * normalSf(z / Math.sqrt(f)));
    }
    case 'pocock':
      // α ln(1 + (e − 1)t): spends early, for early stopping on gross regressions.
      return alpha * Math.log(1 + (Math.E - 1) * f);
    case 'linear':
      return alpha * f;
  }
}

/** The α to test look at fraction t with, given the previous look was at tPrev. */
export function alphaForLook(kind: SpendingFunction, alpha: number, t: number, tPrev: number): number {
  return Math.max(0, alphaSpent(kind, alpha, t) - alphaSpent(kind, alpha, tPrev));
}
