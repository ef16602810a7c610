// A generated microservice system: a layered call graph of 10–80 services and depth 2–6 (the
// longest call chain from an entry service), traffic from 0.1 to 1,000 requests/s per service
// with daily seasonality, heavy-tailed latency (a lognormal body and a slow tail), services
// packed onto shared nodes, and the signal families this system's stack happens to export
// (error series, per-edge service-graph series, callers' aggregate client latency, node CPU)
// and whether a call graph is given to the engine at all.
import { Rng } from './random.js';

export interface Call {
  readonly to: string;
  /** Calls to the callee per request of the caller. */
  readonly perRequest: number;
}

export interface LatencyShape {
  /** Median of the service's own work per request, seconds. */
  readonly median: number;
  readonly sigma: number;
  /** Share of slow requests, their median as a multiple of the body's, and their σ. */
  readonly tailShare: number;
  readonly tailFactor: number;
  readonly tailSigma: number;
}

export interface SimService {
  readonly name: string;
  /** 0 for entry services; the call graph is layered by level. */
  readonly level: number;
  readonly calls: readonly Call[];
  readonly callers: readonly string[];
  readonly node: string;
  /** Requests/s at the daily mean. */
  readonly rate: number;
  readonly latency: LatencyShape;
  /** Own error ratio (before errors of dependencies). */
  readonly errorRatio: number;
  /** Share of a dependency's errors that fail this service's request too. */
  readonly errorPropagation: number;
  /** CPU utilisation (of its limit) at the daily mean load. */
  readonly cpu: number;
  readonly memoryMiB: number;
  /** AR(1) log-noise of its latency: persistence and stationary σ. */
  readonly noisePhi: number;
  readonly noiseSd: number;
  /** Chance per interval of a transient slowdown (a GC pause, a noisy neighbour): ×2–5 for 1–2 intervals. */
  readonly transientChance: number;
}

export interface SignalFamilies {
  /** Error-ratio series (servers' and, with edges, per-edge failed ratios). */
  readonly errors: boolean;
  /**
   * How a server reports its errors: an error-ratio series of its own, or — as Prometheus client
   * libraries and OpenTelemetry's HTTP conventions do — as the status code label of its request
   * count (`http.server.requests{http.response.status_code="500"}`).
   */
  readonly serverErrorsAs: 'ratio' | 'status-label';
  /** Per-edge service-graph series labelled client/server. */
  readonly edges: boolean;
  /** Each caller's aggregate client-side latency of its outgoing calls. */
  readonly clientAggregate: boolean;
  readonly nodeCpu: boolean;
  /** Node series carry a `k8s.node.name` label (else tenants can only be told by their values). */
  readonly nodeLabel: boolean;
  /** A dependency graph is given to the engine (a service catalog). */
  readonly graph: boolean;
}

export interface SimSystem {
  readonly seed: number;
  readonly name: string;
  readonly services: readonly SimService[];
  readonly byName: ReadonlyMap<string, SimService>;
  readonly depth: number;
  readonly intervalMs: number;
  readonly families: SignalFamilies;
  /** Daily seasonality: rate × (1 + amplitude · sin(2π·t/day + phase)). */
  readonly seasonAmplitude: number;
  readonly seasonPhase: number;
  readonly nodes: readonly string[];
}

export const TRAFFIC_BANDS = [
  { name: '0.1–1 req/s', from: 0, to: 1 },
  { name: '1–10 req/s', from: 1, to: 10 },
  { name: '10–100 req/s', from: 10, to: 100 },
  { name: '100–1,000 req/s', from: 100, to: Infinity },
] as const;

export function bandOf(rate: number): string {
  return TRAFFIC_BANDS.find((b) => rate >= b.from && rate < b.to)!.name;
}

const DAY = 86_400_000;

export function generateSystem(seed: number): SimSystem {
  const rng = new Rng(seed * 7919 + 17);
  const depth = rng.intBetween(2, 6);
  const n = rng.intBetween(Math.max(10, depth * 2 + 1), 80);
  // Services per level: one or two entry services, the rest spread with more in the middle.
  const entries = n >= 30 && rng.chance(0.4) ? 2 : 1;
  const perLevel = [entries];
  const rest = n - entries;
  const weights = Array.from({ length: depth }, (_, i) => 1 + Math.sin((Math.PI * (i + 0.5)) / depth));
  const total = weights.reduce((a, b) => a + b, 0);
  let assigned = 0;
  for (let l = 0; l < depth; l++) {
    const k = l === depth - 1 ? rest - assigned : Math.max(1, Math.round((rest * weights[l]!) / total));
    perLevel.push(Math.max(1, Math.min(k, rest - assigned - (depth - 1 - l))));
    assigned += perLevel.at(-1)!;
  }
  const names: string[][] = perLevel.map((k, l) =>
    Array.from({ length: k }, (_, i) =>
      l === 0
        ? i === 0
          ? 'gateway'
          : 'edge-api'
        : `svc-${l}-${String.fromCharCode(97 + (i % 26))}${i >= 26 ? Math.floor(i / 26) : ''}`,
    ),
  );
  // Every service below the entry has a caller one level up (so the depth is real), and maybe more.
  const calls = new Map<string, Call[]>();
  const callers = new Map<string, string[]>();
  const link = (from: string, to: string) => {
    const list = calls.get(from) ?? [];
    if (list.some((c) => c.to === to)) return;
    // Most calls happen on most requests; some dependencies are called rarely (an admin path, a cache miss).
    list.push({ to, perRequest: rng.chance(0.15) ? rng.logUniform(0.01, 0.2) : rng.logUniform(0.2, 2) });
    calls.set(from, list);
    callers.set(to, [...(callers.get(to) ?? []), from]);
  };
  for (let l = 1; l <= depth; l++)
    for (const name of names[l]!) {
      link(rng.pick(names[l - 1]!), name);
      if (rng.chance(0.3)) link(rng.pick(names[rng.int(l)]!), name);
    }
  // Traffic: the entry rate spreads down the graph; each service is kept within 0.1–1,000 req/s.
  const entryRate = rng.logUniform(1, 1000);
  const rate = new Map<string, number>();
  for (const name of names[0]!) rate.set(name, Math.min(1000, entryRate * rng.uniform(0.5, 1.5)));
  for (let l = 1; l <= depth; l++)
    for (const name of names[l]!) {
      let r = 0;
      for (const caller of callers.get(name) ?? [])
        r += rate.get(caller)! * calls.get(caller)!.find((c) => c.to === name)!.perRequest;
      rate.set(name, Math.min(1000, Math.max(0.1, r)));
    }
  // Nodes of 2–6 tenants.
  const shuffled = names.flat();
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const nodeOf = new Map<string, string>();
  const nodes: string[] = [];
  for (let i = 0; i < shuffled.length;) {
    const k = rng.intBetween(2, 6);
    const node = `node-${nodes.length + 1}`;
    nodes.push(node);
    for (const s of shuffled.slice(i, i + k)) nodeOf.set(s, node);
    i += k;
  }
  const services: SimService[] = names.flatMap((level, l) =>
    level.map((name) => {
      const leaf = !(calls.get(name)?.length ?? 0);
      return {
        name,
        level: l,
        calls: calls.get(name) ?? [],
        callers: callers.get(name) ?? [],
        node: nodeOf.get(name)!,
        rate: rate.get(name)!,
        latency: {
          median: leaf ? rng.logUniform(0.001, 0.03) : rng.logUniform(0.005, 0.1),
          sigma: rng.uniform(0.2, 0.9),
          tailShare: rng.logUniform(0.003, 0.03),
          tailFactor: rng.uniform(4, 20),
          tailSigma: rng.uniform(0.3, 0.8),
        },
        errorRatio: rng.logUniform(1e-4, 5e-3),
        errorPropagation: rng.uniform(0.3, 1),
        cpu: rng.uniform(0.05, 0.6),
        memoryMiB: rng.logUniform(100, 2000),
        noisePhi: rng.uniform(0.3, 0.9),
        noiseSd: rng.uniform(0.03, 0.15),
        transientChance: rng.uniform(0, 0.003),
      };
    }),
  );
  const edges = rng.chance(0.5);
  const families: SignalFamilies = {
    errors: rng.chance(0.75),
    edges,
    clientAggregate: rng.chance(0.7),
    nodeCpu: rng.chance(0.6),
    nodeLabel: rng.chance(0.5),
    graph: rng.chance(0.6),
    // From the seed, not the stream: every other draw of a system stays as it was.
    serverErrorsAs: seedHash(seed) % 2 === 0 ? 'ratio' : 'status-label',
  };
  return {
    seed,
    name: `system-${seed}`,
    services,
    byName: new Map(services.map((s) => [s.name, s])),
    depth,
    intervalMs: [15_000, 30_000, 60_000][rng.weighted([0.2, 0.3, 0.5])]!,
    families,
    seasonAmplitude: rng.uniform(0.2, 0.6),
    seasonPhase: rng.uniform(0, 2 * Math.PI),
    nodes,
  };
}

/** Seasonal load multiplier at time t (1 at the daily mean). */
export function seasonal(system: SimSystem, t: number): number {
  return 1 + system.seasonAmplitude * Math.sin((2 * Math.PI * t) / DAY + system.seasonPhase);
}

/** The service and every service that reaches it through calls: where its trouble can show. */
export function transitiveCallers(system: SimSystem, service: string): Set<string> {
  const out = new Set([service]);
  const queue = [service];
  while (queue.length > 0) {
    for (const caller of system.byName.get(queue.shift()!)!.callers)
      if (!out.has(caller)) {
        out.add(caller);
        queue.push(caller);
      }
  }
  return out;
}

export function callEdges(system: SimSystem): { from: string; to: string }[] {
  return system.services.flatMap((s) => s.calls.map((c) => ({ from: s.name, to: c.to })));
}

/** A well-mixed 32-bit hash of a seed (for choices kept out of the random stream). */
function seedHash(seed: number): number {
  let x = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}
