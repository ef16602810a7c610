// Mann-Whitney U (Wilcoxon rank-sum): did the observation window shift against the baseline?
// Rank-based, so it needs no normality and shrugs off outliers. Exact null distribution for
// small untied samples (where the normal approximation is off in the tails that decide a
// verdict), otherwise the normal approximation with the tie correction and a continuity
// correction (as R's wilcox.test and scipy's mannwhitneyu).
import { normalCdf, normalSf } from './special.js';

export interface MannWhitneyResult {
  /** U of the second sample: pairs with y > x, ties counting half. */
  readonly u: number;
  /** Standardised U (tie-corrected, no continuity correction); 0 when every value ties. */
  readonly z: number;
  /** One-sided p that y is stochastically greater than x. */
  readonly pGreater: number;
  /** One-sided p that y is stochastically smaller than x. */
  readonly pLess: number;
  readonly pTwoSided: number;
  readonly method: 'exact' | 'normal';
  /** Common-language effect size U / (m·n): P(y > x) + ½P(y = x). */
  readonly probabilityOfSuperiority: number;
}

export interface MannWhitneyOptions {
  /** 'auto': exact when there are no ties and m·n ≤ exactLimit. */
  readonly method?: 'auto' | 'exact' | 'normal';
  readonly exactLimit?: number;
  readonly continuity?: boolean;
}

/** Compare y (e.g. observation) against x (e.g. baseline). */
export function mannWhitney(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) {
    return {
      u: NaN,
      z: 0,
      pGreater: 1,
      pLess: 1,
      pTwoSided: 1,
      method: 'normal',
      probabilityOfSuperiority: NaN,
    };
  }
  const N = m + n;
  // Rank the pooled sample; tied values share their average rank.
  const idx = new Uint32Array(N);
  for (let i = 0; i < N; i++) idx[i] = i;
  const value = (i: number): number => (i < m ? x[i]! : y[i - m]!);
  idx.sort((a, b) => value(a) - value(b));
  let rankSumY = 0;
  let tieTerm = 0;
  let hasTies = false;
  for (let i = 0; i < N;) {
    let j = i + 1;
    while (j < N && value(idx[j]!) === value(idx[i]!)) j++;
    const t = j - i;
    const avgRank = (i + 1 + j) / 2;
    if (t > 1) {
      hasTies = true;
      tieTerm += t * t * t - t;
    }
    for (let k = i; k < j; k++) if (idx[k]! >= m) rankSumY += avgRank;
    i = j;
  }
  const u = rankSumY - (n * (n + 1)) / 2;
  const mu = (m * n) / 2;
  const sigma2 = ((m * n) / 12) * (N + 1 - tieTerm / (N * (N - 1)));
  const sigma = Math.sqrt(Math.max(0, sigma2));
  const z = sigma > 0 ? (u - mu) / sigma : 0;
  const limit = options.exactLimit ?? 1000;
  const method = options.method ?? 'auto';
  const exact = method === 'exact' || (method === 'auto' && !hasTies && m * n <= limit);
  let pGreater: number;
  let pLess: number;
  if (exact) {
    const dist = exactDistribution(n, m);
    // U takes integer values without ties; round guards against float noise in rank sums.
    const uInt = Math.round(u);
    pGreater = tailFrom(dist, uInt);
    pLess = tailTo(dist, uInt);
  } else if (sigma === 0) {
    pGreater = 1;
    pLess = 1;
  } else {
    const cc = options.continuity === false ? 0 : 0.5;
    pGreater = normalSf((u - mu - cc) / sigma);
    pLess = normalCdf((u - mu + cc) / sigma);
  }
  pGreater = Math.min(1, pGreater);
  pLess = Math.min(1, pLess);
  return {
    u,
    z,
    pGreater,
    pLess,
    pTwoSided: Math.min(1, 2 * Math.min(pGreater, pLess)),
    method: exact ? 'exact' : 'normal',
    probabilityOfSuperiority: u / (m * n),
  };
}

// Exact null distribution of U for sample sizes (a, b), U = #pairs where the a-sample wins,
// by the recursion on the largest pooled value:
//   P_{a,b}(u) = a/(a+b)·P_{a−1,b}(u − b) + b/(a+b)·P_{a,b−1}(u).
// O(a²b²/4) once per (a, b); memoised (a small, bounded cache: sample sizes repeat across looks).
const exactCache = new Map<string, Float64Array>();
const EXACT_CACHE_LIMIT = 256;

export function exactDistribution(a: number, b: number): Float64Array {
  const key = `${a},${b}`;
  const hit = exactCache.get(key);
  if (hit) return hit;
  // row[j] = P_{i,j} for the current i.
  let prev: Float64Array[] = [];
  for (let j = 0; j <= b; j++) prev.push(Float64Array.of(1)); // P_{0,j}: U = 0
  for (let i = 1; i <= a; i++) {
    const cur: Float64Array[] = [Float64Array.of(1)]; // P_{i,0}: U = 0
    for (let j = 1; j <= b; j++) {
      const out = new Float64Array(i * j + 1);
      const wA = i / (i + j);
      const wB = j / (i + j);
      const fromA = prev[j]!; // P_{i−1,j}, shifted by j
      const fromB = cur[j - 1]!; // P_{i,j−1}
      for (let u = 0; u < fromA.length; u++) out[u + j] += wA * fromA[u]!;
      for (let u = 0; u < fromB.length; u++) out[u] += wB * fromB[u]!;
      cur.push(out);
    }
    prev = cur;
  }
  const dist = prev[b]!;
  if (exactCache.size >= EXACT_CACHE_LIMIT) exactCache.delete(exactCache.keys().next().value!);
  exactCache.set(key, dist);
  return dist;
}

function tailFrom(dist: Float64Array, u: number): number {
  let s = 0;
  for (let k = Math.max(0, u); k < dist.length; k++) s += dist[k]!;
  return s;
}

function tailTo(dist: Float64Array, u: number): number {
  let s = 0;
  for (let k = 0; k <= Math.min(u, dist.length - 1); k++) s += dist[k]!;
  return s;
}
