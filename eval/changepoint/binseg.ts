// Binary segmentation, the reference TCPD's authors ran with default settings (R changepoint's
// BinSeg), so that the detector can be set beside it on any data in TCPD's layout, not only
// beside its published F1 on TCPD itself. Offline: it sees the whole series at once, where the
// detector sees each sample once, in order.
//
// As changepoint's defaults in TCPD's default experiment: changes in mean and variance of a
// Normal (segment cost n·ln σ̂², twice the negative log-likelihood less constants), at most
// Q = 5 change points found greedily (each the split that lowers the total cost most), then
// the number of them chosen by the MBIC penalty, 3·ln n per change point; segments at least 2
// samples long. A change point is the index of the first sample of a new segment.

/** Cost of samples [a, b) from prefix sums of x and x² (a floor keeps a constant segment finite). */
function cost(s1: Float64Array, s2: Float64Array, a: number, b: number, floor: number): number {
  const n = b - a;
  const sum = s1[b]! - s1[a]!;
  const variance = (s2[b]! - s2[a]!) / n - (sum / n) ** 2;
  return n * Math.log(Math.max(variance, floor));
}

export function binseg(values: readonly number[], maxChanges = 5, minSegment = 2): number[] {
  // A missing sample repeats the last one (indices must stay the series' own).
  let last = values.find((v) => Number.isFinite(v)) ?? 0;
  const x = values.map((v) => (Number.isFinite(v) ? (last = v) : last));
  const n = x.length;
  if (n < 2 * minSegment) return [];
  const s1 = new Float64Array(n + 1);
  const s2 = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    s1[i + 1] = s1[i]! + x[i]!;
    s2[i + 1] = s2[i]! + x[i]! * x[i]!;
  }
  const total = (s2[n]! - (s1[n]! * s1[n]!) / n) / n;
  const floor = Math.max(1e-12, 1e-9 * total);
  // Greedy: the split of some segment that lowers the cost most, maxChanges times.
  const cuts: number[] = [];
  const costs = [cost(s1, s2, 0, n, floor)];
  for (let q = 0; q < maxChanges; q++) {
    const bounds = [0, ...[...cuts].sort((a, b) => a - b), n];
    let best = 0;
    let at = -1;
    for (let j = 0; j + 1 < bounds.length; j++) {
      const a = bounds[j]!;
      const b = bounds[j + 1]!;
      const whole = cost(s1, s2, a, b, floor);
      for (let t = a + minSegment; t <= b - minSegment; t++) {
        const gain = whole - cost(s1, s2, a, t, floor) - cost(s1, s2, t, b, floor);
        if (gain > best) {
          best = gain;
          at = t;
        }
      }
    }
    if (at < 0) break;
    cuts.push(at);
    costs.push(costs.at(-1)! - best);
  }
  // The number of change points by the penalised cost.
  const penalty = 3 * Math.log(n);
  let k = 0;
  for (let j = 1; j < costs.length; j++) if (costs[j]! + j * penalty < costs[k]! + k * penalty) k = j;
  return cuts.slice(0, k).sort((a, b) => a - b);
}

/** Change points of every dimension, those closer than `merge` samples counted once (the earliest). */
export function binsegChangepoints(dimensions: readonly (readonly number[])[], merge: number): number[] {
  const found = dimensions.flatMap((d) => binseg(d)).sort((a, b) => a - b);
  const out: number[] = [];
  for (const c of found) if (out.length === 0 || c - out.at(-1)! >= merge) out.push(c);
  return out;
}
