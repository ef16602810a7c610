// What a change's neighbours say about it. A service's regression often shows first — or only —
// in its callers' client-side view of it (a caller's p95 of its outgoing calls went 0.14 s → 18 s
// during a downstream delay while the callee's own metrics barely moved), so a change is also
// judged on each caller's aggregate client latency, with the same α spending as its own metrics.
// And pods share nodes: node-level series (node CPU, node memory) move with any tenant's trouble.
// Both views are confounded by design — a caller's client latency aggregates all its
// dependencies, a node's CPU all its tenants — so they may fail a change only when the others
// who could have moved them are quiet: the caller's other dependencies' own latency, the node's
// other tenants' own CPU.
import { hodgesLehmannShift, mean, median } from '../stats/descriptive.js';
import { mannWhitney } from '../stats/mann-whitney.js';

/** Who calls whom, as the verifier sees it (the correlator's dependency graph). */
export interface Topology {
  /** The services that call `service` (confident enough to judge a change on their view). */
  callersOf(service: string): readonly string[];
  dependenciesOf(service: string): Iterable<string>;
}

/** A caller's view of its dependencies in aggregate: a latency named client-side, not labelled with one server. */
export function isClientSide(
  metric: string,
  labels: Readonly<Record<string, string>> | undefined,
  serverLabel: string | null,
): boolean {
  return /client/i.test(metric) && !(serverLabel && labels?.[serverLabel]);
}

/** A node-level series: the node's, reported by each of its tenants. */
export function isNodeLevel(metric: string): boolean {
  return /^(k8s[._])?node|[._-]node[._-]|^Node[A-Z]/i.test(metric) && !/^nodejs/i.test(metric);
}

export interface MoveSize {
  /** Relative rise that counts. */
  readonly minEffect: number;
  /** Absolute rise that counts, in the series' own units. */
  readonly absoluteFloor: number;
  /** Measure on means (error ratios: mostly zeros, whose medians do not move). */
  readonly useMeans: boolean;
}

/**
 * Whether a series moved up in the observation against its baseline by a practically large
 * amount with some evidence (p ≤ 0.01): what "not quiet" means for a neighbour. Deliberately
 * looser than a fail: a neighbour that might have moved is enough doubt.
 */
export function movedUp(
  baseline: readonly number[],
  observation: readonly number[],
  size: MoveSize,
  minBaseline = 5,
): boolean {
  if (baseline.length < minBaseline || observation.length < 2) return false;
  if (mannWhitney(baseline, observation).pGreater > 0.01) return false;
  const base = size.useMeans ? mean(baseline) : median(baseline);
  const shift = size.useMeans ? mean(observation) - base : hodgesLehmannShift(baseline, observation);
  return shift > 0 && shift >= size.absoluteFloor && (base > 0 ? shift / base >= size.minEffect : true);
}

/**
 * The share of the scrapes two series have in common (timestamps in the same bucketMs) at which
 * their values are equal: tenants of one node report the same node series a few milliseconds apart.
 */
export function sameValues(
  a: { readonly ts: readonly number[]; readonly values: readonly number[] },
  b: { readonly ts: readonly number[]; readonly values: readonly number[] },
  bucketMs: number,
): number {
  const at = new Map<number, number>();
  for (let i = 0; i < a.ts.length; i++) at.set(Math.round(a.ts[i]! / bucketMs), a.values[i]!);
  let common = 0;
  let equal = 0;
  for (let i = 0; i < b.ts.length; i++) {
    const v = at.get(Math.round(b.ts[i]! / bucketMs));
    if (v === undefined) continue;
    common++;
    if (Math.abs(v - b.values[i]!) <= 1e-9 * Math.max(1, Math.abs(v))) equal++;
  }
  return common > 0 ? equal / common : 0;
}
