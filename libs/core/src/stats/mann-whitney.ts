// Mann-Whitney U (Wilcoxon rank-sum): did the observation window shift against the baseline?
// Rank-based, so it needs no normality and shrugs off outliers. Exact null distribution for
// small samples, where the normal approximation is off in the tails that decide a verdict: four
// one-minute points above all thirty of a baseline have p = 1/C(34,4) ≈ 2·10⁻⁵, the
// approximation says 7·10⁻⁴. Telemetry rounded to a millisecond or a whole percent ties often,
// so ties are no reason to fall back: with ties the exact distribution is the permutation
// distribution of the mid-rank sum given the tie pattern (what R's coin and StatXact compute).
// Larger samples: the normal approximation with the tie correction and a continuity correction
// (as R's wilcox.test and scipy's mannwhitneyu).
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
  /** 'auto': exact when m·n ≤ exactLimit (ties or not). */
  readonly method?: 'auto' | 'exact' | 'normal';
  readonly exactLimit?: number;
  readonly continuity?: boolean;
}

/** Tied samples get their exact p-values when the approximation puts a tail below this. */
const TIED_EXACT_BELOW = 0.05;

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
  const small = method === 'exact' || (method === 'auto' && m * n <= limit);
  const cc = options.continuity === false ? 0 : 0.5;
  let pGreater = sigma > 0 ? normalSf((u - mu - cc) / sigma) : 1;
  let pLess = sigma > 0 ? normalCdf((u - mu + cc) / sigma) : 1;
  // Untied: the null distribution depends on the sizes alone and is cached. Tied: it depends on
  // the tie pattern and costs a count per call, spent where a verdict can turn on it (the
  // approximation is close away from the tails; in them it errs either way, by orders of magnitude).
  const exact = small && (!hasTies || method === 'exact' || Math.min(pGreater, pLess) < TIED_EXACT_BELOW);
  if (exact && hasTies) {
    ({ pGreater, pLess } = tiedExactTails(idx, value, m, n, rankSumY));
  } else if (exact) {
    const dist = exactDistribution(n, m);
    // U takes integer values without ties; round guards against float noise in rank sums.
    const uInt = Math.round(u);
    pGreater = tailFrom(dist, uInt);
    pLess = tailTo(dist, uInt);
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

// The counts' table, reused across calls: a verifier asks for thousands of these a minute, and a
// fresh table each time is garbage the size of the table.
let scratch = new Float64Array(0);

/**
 * The exact permutation tails of y's mid-rank sum given the pooled sample's tie groups: every
 * way to pick which n of the N values are y's is equally likely under "no shift". Counted by a
 * knapsack over the tie groups (a group of t values at mid-rank r gives c of them to the smaller
 * sample in C(t, c) ways, adding c·r), on doubled ranks so mid-ranks stay integers; the smaller
 * sample is counted, as its sum fixes the other's. O(N² · k²) for k = min(m, n) ≤ √exactLimit.
 */
function tiedExactTails(
  sorted: Uint32Array,
  value: (i: number) => number,
  m: number,
  n: number,
  rankSumY: number,
): { pGreater: number; pLess: number } {
  const N = m + n;
  const k = Math.min(m, n);
  const maxSum = 2 * k * N; // doubled rank sums of k values stay below this
  const width = maxSum + 1;
  if (scratch.length < (k + 1) * width) scratch = new Float64Array((k + 1) * width);
  scratch.fill(0, 0, (k + 1) * width);
  const ways = Array.from({ length: k + 1 }, (_, c) => scratch.subarray(c * width, (c + 1) * width));
  // The reachable doubled sums of each row, so the loops skip the zeros around them.
  const lo = new Int32Array(k + 1).fill(maxSum + 1);
  const hi = new Int32Array(k + 1).fill(-1);
  ways[0]![0] = 1;
  lo[0] = 0;
  hi[0] = 0;
  for (let i = 0; i < N;) {
    let j = i + 1;
    while (j < N && value(sorted[j]!) === value(sorted[i]!)) j++;
    const t = j - i;
    const rank2 = i + 1 + j; // twice the group's mid-rank
    for (let c = k; c >= 1; c--) {
      const into = ways[c]!;
      let choose = 1; // C(t, taken)
      for (let taken = 1; taken <= Math.min(t, c); taken++) {
        choose = (choose * (t - taken + 1)) / taken;
        const row = c - taken;
        if (hi[row]! < 0) continue;
        const from = ways[row]!;
        const shift = taken * rank2;
        for (let w = lo[row]!; w <= hi[row]!; w++) {
          const f = from[w]!;
          if (f !== 0) into[w + shift] = into[w + shift]! + choose * f;
        }
        lo[c] = Math.min(lo[c]!, lo[row]! + shift);
        hi[c] = Math.max(hi[c]!, hi[row]! + shift);
      }
    }
    i = j;
  }
  // The counted sample's doubled sum: y's own, or what the total leaves of it when x is smaller.
  const countsY = n <= m;
  const observed = Math.round(2 * (countsY ? rankSumY : (N * (N + 1)) / 2 - rankSumY));
  const dist = ways[k]!;
  let total = 0;
  let atLeast = 0;
  let atMost = 0;
  for (let w = lo[k]!; w <= hi[k]!; w++) {
    const count = dist[w]!;
    if (count === 0) continue;
    total += count;
    if (w >= observed) atLeast += count;
    if (w <= observed) atMost += count;
  }
  // A high sum for x is a low one for y.
  return countsY
    ? { pGreater: atLeast / total, pLess: atMost / total }
    : { pGreater: atMost / total, pLess: atLeast / total };
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
