// Edges learnt from telemetry when no catalog or service graph names them. A caller's aggregate
// client-side latency is made of its dependencies' latencies, so it moves with each of them:
// minute to minute, the changes of log(caller's client latency) correlate with the changes of
// log(callee's server latency) when the caller (directly or further down) calls the callee.
// Differences remove the slow common drift (the daily load cycle); what is left is the jitter a
// dependency passes on. The same jitter also reaches the callee's callers' server latency, so a
// call chain correlates both ways: an edge C → S is inferred only when C's client view follows
// S's server latency more closely (by `directionMargin`) than S's client view follows C's, at a
// correlation of at least minCorrelation, with that correlation as its confidence (capped:
// telemetry suggests, a catalog or calls seen know). Inferred on demand for the services
// attribution or verification asks about, from two hours of minute buckets per service.
import type { TelemetryBatch, TelemetryPoint } from '#contracts';
import { resolveSignal } from '../verification/signals.js';
import type { Edge } from './dependency-graph.js';

const MINUTE = 60_000;

export interface EdgeInferenceSettings {
  readonly windowMinutes: number;
  /** Consecutive-minute pairs both series need in common. */
  readonly minPairs: number;
  readonly minCorrelation: number;
  /** How much closer C's client view must follow S than S's client view follows C, for C → S. */
  readonly directionMargin: number;
  readonly maxConfidence: number;
  /** How long an answer for a service is reused (event time). */
  readonly refreshMs: number;
}

export const DEFAULT_EDGE_INFERENCE: EdgeInferenceSettings = {
  windowMinutes: 120,
  minPairs: 30,
  minCorrelation: 0.5,
  directionMargin: 0.1,
  maxConfidence: 0.8,
  refreshMs: 5 * MINUTE,
};

/** Log latency per minute bucket over the window (NaN where the minute has no point). */
class MinuteSketch {
  private readonly values: Float64Array;
  private readonly buckets: Float64Array;
  /** Percentile in the series name (95 for a p95), to prefer the p90–p95 of a service's series. */
  latest = -Infinity;

  constructor(
    private readonly size: number,
    readonly rank: number,
  ) {
    this.values = new Float64Array(size).fill(NaN);
    this.buckets = new Float64Array(size).fill(NaN);
  }

  add(timestamp: number, value: number): void {
    if (!(value > 0)) return;
    const bucket = Math.floor(timestamp / MINUTE);
    const i = bucket % this.size;
    this.buckets[i] = bucket;
    this.values[i] = Math.log(value);
    if (bucket > this.latest) this.latest = bucket;
  }

  at(bucket: number): number {
    const i = bucket % this.size;
    return this.buckets[i] === bucket ? this.values[i]! : NaN;
  }
}

interface ServiceSketches {
  client?: MinuteSketch;
  server?: MinuteSketch;
}

/** How close a series' percentile is to p95 (lower is better); a series without one comes after p90–p99. */
function preference(metric: string): number {
  const p = /p(\d{2,3})(?![0-9])/i.exec(metric.replace(/\(.*\)$/, ''));
  return p ? Math.abs(Number(p[1]) - 95) : 10;
}

export class EdgeInference {
  private readonly services = new Map<string, ServiceSketches>();
  private readonly answers = new Map<string, { at: number; edges: Edge[] }>();
  private latest = -Infinity;

  constructor(private readonly settings: EdgeInferenceSettings = DEFAULT_EDGE_INFERENCE) {}

  observe(batch: TelemetryBatch): void {
    let sketches = this.services.get(batch.service);
    for (const point of batch.points) {
      const side = this.sideOf(point);
      if (!side) continue;
      if (!sketches) this.services.set(batch.service, (sketches = {}));
      const rank = preference(point.metric);
      const current = sketches[side];
      if (current && current.rank < rank) continue;
      if (!current || current.rank > rank)
        sketches[side] = new MinuteSketch(this.settings.windowMinutes + 1, rank);
      sketches[side]!.add(point.timestamp, point.value);
      if (point.timestamp > this.latest) this.latest = point.timestamp;
    }
  }

  /** Edges into `service` (its callers) and out of it (its dependencies) that telemetry suggests. */
  edgesOf(service: string): Edge[] {
    const cached = this.answers.get(service);
    if (cached && this.latest - cached.at < this.settings.refreshMs) return cached.edges;
    const edges: Edge[] = [];
    const own = this.services.get(service);
    const { minCorrelation, directionMargin, maxConfidence } = this.settings;
    for (const [other, sketches] of this.services) {
      if (other === service) continue;
      const into = this.correlation(sketches.client, own?.server);
      const out = this.correlation(own?.client, sketches.server);
      if (into >= minCorrelation && into >= out + directionMargin)
        edges.push({ from: other, to: service, confidence: Math.min(maxConfidence, into) });
      else if (out >= minCorrelation && out >= into + directionMargin)
        edges.push({ from: service, to: other, confidence: Math.min(maxConfidence, out) });
    }
    this.answers.set(service, { at: this.latest, edges });
    if (this.answers.size > 10_000) this.answers.clear();
    return edges;
  }

  /** A latency series: a caller's aggregate client view, or a service's own server latency. */
  private sideOf(point: TelemetryPoint): 'client' | 'server' | undefined {
    if (point.labels.client !== undefined || point.labels.server !== undefined) return undefined;
    if (resolveSignal(point.metric, point.unit)?.spec.kind !== 'latency') return undefined;
    return /client/i.test(point.metric) ? 'client' : 'server';
  }

  /** Correlation of the minute-to-minute changes of the two (log) series; 0 with too little in common. */
  private correlation(client: MinuteSketch | undefined, server: MinuteSketch | undefined): number {
    if (!client || !server) return 0;
    const end = Math.min(client.latest, server.latest);
    let n = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let b = end - this.settings.windowMinutes + 1; b <= end; b++) {
      const dx = client.at(b) - client.at(b - 1);
      const dy = server.at(b) - server.at(b - 1);
      if (!Number.isFinite(dx) || !Number.isFinite(dy)) continue;
      n++;
      sx += dx;
      sy += dy;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
    if (n < this.settings.minPairs) return 0;
    const cov = sxy - (sx * sy) / n;
    const vx = sxx - (sx * sx) / n;
    const vy = syy - (sy * sy) / n;
    return vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : 0;
  }
}
