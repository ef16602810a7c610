// A generated system's day as telemetry: one batch per service per scrape interval, in time
// order, with the changes in effect. What each batch holds depends on the system's signal
// families: always requests/s, latency p50/p95/p99 (when there were requests), CPU and memory;
// the error ratio; each caller's aggregate client latency of its calls; node CPU (the same
// value for every tenant of a node, labelled with the node or not); with the aggregate client
// latency, the share of its calls that failed (wrong answers included); per call edge, in the
// caller's batch and labelled client/server: calls/s, the client-side p95 and the failed ratio
// (as an OpenTelemetry service-graph connector exports them).
import type { TelemetryBatch, TelemetryPoint } from '#contracts';
import { generateChanges, type SimChange } from './changes.js';
import {
  effectsAt,
  LatencyTable,
  percentiles,
  quantileOf,
  serverLatency,
  stateAt,
  type Effects,
  type Noise,
  type ServiceState,
} from './model.js';
import { Rng } from './random.js';
import { generateSystem, transitiveCallers, type SimService, type SimSystem } from './topology.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface SimulationOptions {
  /** Telemetry before the first change: baselines and detectors warm up. */
  readonly warmupMs: number;
  readonly durationMs: number;
}

export const DEFAULT_SIMULATION: SimulationOptions = { warmupMs: 50 * MINUTE, durationMs: 4 * HOUR };

export interface Simulation {
  readonly system: SimSystem;
  readonly changes: readonly SimChange[];
  readonly start: number;
  readonly end: number;
  /** Telemetry in time order (generated lazily: a day of a large system is millions of points). */
  batches(): Generator<TelemetryBatch>;
  /** Services whose signals a change's fault can move (the service and its transitive callers). */
  affected(change: SimChange): ReadonlySet<string>;
  /**
   * The largest relative move the fault makes, 10 minutes in, on the golden signals this system
   * exports of the changed service and its direct callers (noiseless model): latency p95, error
   * ratio (against at least 1%, so 0.01% → 0.02% is no 100% move), CPU and memory. 0 for clean changes.
   */
  move(change: SimChange): number;
}

export function simulate(seed: number, options: SimulationOptions = DEFAULT_SIMULATION): Simulation {
  const system = generateSystem(seed);
  const rng = new Rng(seed * 104729 + 3);
  const start = Date.UTC(2026, 0, 5) + Math.floor(rng.uniform(0, 24)) * HOUR;
  const end = start + options.durationMs;
  const changes = generateChanges(
    system,
    { from: start + options.warmupMs, to: end - 25 * MINUTE },
    rng.fork(1),
  );
  const byService = new Map<string, SimChange[]>();
  for (const c of changes) byService.set(c.change.service, [...(byService.get(c.change.service) ?? []), c]);
  const effects = (t: number, skip?: SimChange) => (s: SimService) =>
    effectsAt(byService.get(s.name) ?? [], t, skip);
  const affectedCache = new Map<string, Set<string>>();
  return {
    system,
    changes,
    start,
    end,
    batches: () => telemetry(system, start, end, effects, rng.fork(2)),
    affected: (c) => {
      let set = affectedCache.get(c.change.service);
      if (!set) affectedCache.set(c.change.service, (set = transitiveCallers(system, c.change.service)));
      return set;
    },
    move: (c) => (c.fault ? expectedMove(system, c, effects) : 0),
  };
}

function expectedMove(
  system: SimSystem,
  c: SimChange,
  effects: (t: number, skip?: SimChange) => (s: SimService) => Effects,
): number {
  // 10 minutes in, or just before a rollback ends it.
  const t = Math.min(c.change.startedAt + 10 * MINUTE, c.effectEnd - 1000);
  const withFault = stateAt(system, t, effects(t), null);
  const without = stateAt(system, t, effects(t, c), null);
  const service = system.byName.get(c.change.service)!;
  let worst = 0;
  for (const name of [service.name, ...service.callers]) {
    const s = system.byName.get(name)!;
    const a = withFault.get(name)!;
    const b = without.get(name)!;
    const p95 = (st: ServiceState) => quantileOf(serverLatency(s, st), 0.95);
    worst = Math.max(worst, p95(a) / p95(b) - 1);
    if (system.families.errors)
      worst = Math.max(worst, (a.errorRatio - b.errorRatio) / Math.max(b.errorRatio, 0.01));
    if (name === service.name) worst = Math.max(worst, a.cpu / b.cpu - 1, a.memoryMiB / b.memoryMiB - 1);
  }
  return worst;
}

function* telemetry(
  system: SimSystem,
  start: number,
  end: number,
  effects: (t: number) => (s: SimService) => Effects,
  rng: Rng,
): Generator<TelemetryBatch> {
  const dt = system.intervalMs;
  const seconds = dt / 1000;
  const f = system.families;
  const noise = new Map<string, Noise>(
    system.services.map((s) => [s.name, { x: 0, transientLeft: 0, transientFactor: 1 }]),
  );
  const nodeNoise = new Map<string, number>(system.nodes.map((n) => [n, 0]));
  const tenants = new Map<string, number>();
  for (const s of system.services) tenants.set(s.node, (tenants.get(s.node) ?? 0) + 1);
  const nodeCapacity = new Map(system.nodes.map((n) => [n, tenants.get(n)! * rng.uniform(1.5, 3)]));
  const tables = new Map(system.services.map((s) => [s.name, new LatencyTable(s)]));
  const fast =
    (name: string, st: ServiceState, shift = 0) =>
    (u: number) =>
      st.callTime + shift + st.ownMedian * tables.get(name)!.at(u);
  for (let t = start; t < end; t += dt) {
    for (const s of system.services) {
      const n = noise.get(s.name)!;
      n.x = s.noisePhi * n.x + Math.sqrt(1 - s.noisePhi * s.noisePhi) * s.noiseSd * rng.normal();
      if (n.transientLeft > 0) n.transientLeft--;
      else if (rng.chance(s.transientChance)) {
        n.transientLeft = rng.intBetween(1, 2);
        n.transientFactor = rng.uniform(2, 5);
      }
    }
    const states = stateAt(system, t, effects(t), noise);
    const nodeCpu = new Map<string, number>();
    for (const node of system.nodes) {
      const x = 0.7 * nodeNoise.get(node)! + 0.01 * rng.normal();
      nodeNoise.set(node, x);
      nodeCpu.set(node, 0.05 + x);
    }
    for (const s of system.services)
      nodeCpu.set(s.node, nodeCpu.get(s.node)! + states.get(s.name)!.cpu / nodeCapacity.get(s.node)!);
    for (const s of system.services) {
      const st = states.get(s.name)!;
      const points: TelemetryPoint[] = [];
      const point = (metric: string, value: number, unit: string, labels: Record<string, string> = {}) => {
        if (Number.isFinite(value)) points.push({ metric, value, timestamp: t, unit, labels });
      };
      const requests = rng.poisson(st.rate * seconds);
      const byStatus = f.errors && f.serverErrorsAs === 'status-label';
      if (!byStatus) point('http.server.requests', requests / seconds, '{request}/s');
      const [p50, p95, p99] = percentiles(
        serverLatency(s, st),
        requests,
        [0.5, 0.95, 0.99],
        rng,
        fast(s.name, st),
      );
      point('http.server.request.duration.p50', p50!, 's');
      point('http.server.request.duration.p95', p95!, 's');
      point('http.server.request.duration.p99', p99!, 's');
      if (f.errors) {
        const failed = requests > 0 ? rng.binomial(requests, st.errorRatio) : 0;
        if (byStatus) {
          const status = (code: string, n: number) =>
            point('http.server.requests', n / seconds, '{request}/s', { 'http.response.status_code': code });
          status('200', requests - failed);
          status('500', failed);
        } else point('http.server.error.ratio', requests > 0 ? failed / requests : 0, '1');
      }
      point('process.cpu.utilization', Math.max(0, st.cpu * (1 + 0.05 * rng.normal())), '1');
      point('process.memory.usage', st.memoryMiB * (1 + 0.01 * rng.normal()), 'MiBy');
      if (f.nodeCpu)
        point(
          'k8s.node.cpu.utilization',
          Math.min(1, nodeCpu.get(s.node)!),
          '1',
          f.nodeLabel ? { 'k8s.node.name': s.node } : {},
        );
      if (s.calls.length > 0) edgePoints(system, s, states, requests, seconds, rng, point, fast);
      yield {
        id: `${system.name}/${s.name}/${t}`,
        service: s.name,
        environment: 'production',
        points,
        resource: { source: 'fleet-sim' },
      };
    }
  }
}

/** A caller's view of its calls: the aggregate client latency, and per edge the service-graph series. */
function edgePoints(
  system: SimSystem,
  s: SimService,
  states: ReadonlyMap<string, ServiceState>,
  requests: number,
  seconds: number,
  rng: Rng,
  point: (metric: string, value: number, unit: string, labels?: Record<string, string>) => void,
  fast: (name: string, st: ServiceState, shift?: number) => (u: number) => number,
): void {
  const f = system.families;
  const network = 0.0008;
  const all: ReturnType<typeof serverLatency> = [];
  let totalCalls = 0;
  let failedCalls = 0;
  for (const call of s.calls) {
    const callee = system.byName.get(call.to)!;
    const st = states.get(call.to)!;
    const calls = rng.poisson(requests * call.perRequest);
    totalCalls += calls;
    const failed = rng.binomial(calls, Math.min(1, st.errorRatio + st.wrongResults));
    failedCalls += failed;
    const components = serverLatency(callee, st, network);
    for (const c of components) all.push({ ...c, weight: c.weight * call.perRequest });
    if (!f.edges) continue;
    const labels = { client: s.name, server: call.to };
    point('service_graph.requests', calls / seconds, '{request}/s', labels);
    point(
      'service_graph.request.client.duration.p95',
      percentiles(components, calls, [0.95], rng, fast(call.to, st, network))[0]!,
      's',
      labels,
    );
    if (f.errors) point('service_graph.request.failed.ratio', calls > 0 ? failed / calls : 0, '1', labels);
  }
  if (f.clientAggregate && totalCalls > 0) {
    point('http.client.request.duration.p95', percentiles(all, totalCalls, [0.95], rng)[0]!, 's');
    if (f.errors) point('http.client.error.ratio', failedCalls / totalCalls, '1');
  }
}

export { generateSystem };
