// Many tests at one look of a verification: when may the verdict call the change bad? The
// question is about the change — "did it move anything?" — so what the α budget must bound is
// the chance that a clean change fails on any of its tests: the family-wise error under the
// global null. Bonferroni tests each at α/m whatever the dependence between the tests; but a
// verification's tests are strongly and positively dependent (the p90, p95 and p99 of one
// latency; a callee's latency as each caller sees it; CPU in cores and in percent), so when a
// regression moves several of them Bonferroni pays for each as if it were independent news.
// Simes' test rejects the global null when some k-th smallest p-value is at most k·α/m; under
// positive dependence (PRDS) it keeps the family-wise level α (Sarkar 1998), it rejects
// whenever Bonferroni does, and three p-values of 1.8e-4 among 30 tests are enough at
// α = 0.0026 (3·α/30 ≥ 1.8e-4), where Bonferroni's α/30 = 8.7e-5 takes none.

/**
 * The tests Simes' step-up procedure calls significant at level α: all with one of the k
 * smallest p-values, k being the largest rank with p₍k₎ ≤ k·α/m (none when there is no such k).
 */
export function simesSignificant(p: readonly number[], alpha: number): boolean[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  let k = 0;
  for (let rank = 1; rank <= m; rank++) if (p[order[rank - 1]!]! <= (rank * alpha) / m) k = rank;
  const out = new Array<boolean>(m).fill(false);
  for (let rank = 1; rank <= k; rank++) out[order[rank - 1]!] = true;
  return out;
}
