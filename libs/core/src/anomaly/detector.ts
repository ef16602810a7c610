// Continuous anomaly detection per (environment, service, metric + labels), with or without a
// change: one SeriesModel per series (see series-model.ts for the method), fed in event-time
// order.
//
// Time. Points of one series must be processed in timestamp order. With allowedLatenessMs = 0
// (default) each point is processed on arrival and a point not newer than its series' last one
// is dropped and counted. With allowedLatenessMs > 0 points wait in a small per-series reorder
// buffer until the series' watermark (its newest timestamp − allowedLatenessMs) passes them, so
// out-of-order arrival within the bound gives exactly the in-order result, at the price of that
// much detection delay; flush() releases everything (end of a replay).
//
// Output. An Anomaly when a series departs from its baseline (onset = estimated changepoint,
// detectedAt = event time of the sample that confirmed it), and an AnomalyRecovery when it
// returns or its new level is adopted. Ids are deterministic: the same input gives the same ids.
//
// Memory: ~7 KB per series with the defaults, ~8 KB with a cycle (see series-model.ts), plus the reorder buffer
// when lateness is allowed; series beyond maxSeries are not tracked (counted), and series
// silent for evictAfterMs of event time are forgotten.
import type { TelemetryBatch, TelemetryPoint } from '#contracts';
import { ServiceTable } from '../service-table.js';
import { labelKey, sameLabels } from '../verification/verifier.js';
import { formatValue } from '../verification/wording.js';
import {
  DEFAULT_ANOMALY_SETTINGS,
  SeriesModel,
  type AnomalySettings,
  type ModelEvent,
} from './series-model.js';

export interface Anomaly {
  /** Deterministic: service, series and onset. */
  readonly id: string;
  readonly service: string;
  readonly environment: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Estimated start of the change (the changepoint), not the detection time. */
  readonly onset: number;
  readonly detectedAt: number;
  readonly direction: 'up' | 'down';
  /** observed − baseline, and that relative to |baseline| (null when the baseline is 0). */
  readonly magnitude: { readonly absolute: number; readonly relative: number | null };
  /** The expected value over the anomalous stretch. */
  readonly baseline: number;
  /** The median value over the anomalous stretch, up to detection. */
  readonly observed: number;
  /** 0 … 1, how sure the detector is: 0.5 at the minimum reportable size (minScore σ), 0.8 at twice that, → 1 for gross departures. */
  readonly score: number;
  /** |observed − baseline| in robust standard deviations. */
  readonly sigmas: number;
  /** In words, e.g. "http.server.duration.p95 up 30% (100 ms → 130 ms) since 05:00 UTC". */
  readonly summary: string;
  /** Whether the series' cycle (its profile, of whatever period was found) was part of the baseline. */
  readonly seasonal: boolean;
  /** shift: a sustained departure; spike: one extreme sample (onset = detectedAt). */
  readonly shape: 'shift' | 'spike';
}

export interface AnomalyRecovery {
  readonly id: string;
  readonly service: string;
  readonly environment: string;
  readonly metric: string;
  readonly at: number;
  /** When the series returned (recovered: its first sample back at the old level), or `at` (new-level). */
  readonly since: number;
  /** recovered: back to the baseline; new-level: the changed level was adopted as normal. */
  readonly reason: 'recovered' | 'new-level';
}

export type AnomalyEvent =
  | { readonly type: 'anomaly'; readonly anomaly: Anomaly }
  | { readonly type: 'recovery'; readonly recovery: AnomalyRecovery };

export interface DetectorSettings extends AnomalySettings {
  readonly allowedLatenessMs: number;
  readonly maxPending: number;
  readonly maxSeries: number;
  readonly evictAfterMs: number;
  /** Metric name patterns (case-insensitive regular expressions) to watch; empty: all. */
  readonly include: readonly string[];
}

export const DEFAULT_DETECTOR_SETTINGS: DetectorSettings = {
  ...DEFAULT_ANOMALY_SETTINGS,
  allowedLatenessMs: 0,
  maxPending: 256,
  maxSeries: 200_000,
  evictAfterMs: 2 * 86_400_000,
  include: [],
};

interface Tracked {
  readonly service: string;
  readonly environment: string;
  /** As reported: the metric name, plus the label key when there are labels. */
  readonly metric: string;
  /** The points' metric name and label count, to recognise the series without building its key. */
  readonly name: string;
  readonly labelCount: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly key: string;
  readonly model: SeriesModel;
  readonly unit: string;
  pending: TelemetryPoint[] | null;
  maxTs: number;
  openId: string | null;
}

/**
 * The series of one (environment, service). A service sends the same series in the same order
 * every scrape, so `order` remembers which series point i of its last batch was: point i of the
 * next batch is checked against it (name and labels, no allocation) before falling back to the
 * series key — a string built and hashed per point, which was most of the detector's time when
 * it was the only way in.
 */
interface ServiceSeries {
  readonly service: string;
  readonly environment: string;
  /** metric + labelKey(labels) → series. */
  readonly byMetric: Map<string, Tracked>;
  order: (Tracked | undefined)[];
}

export interface DetectorStats {
  readonly series: number;
  readonly approxBytes: number;
  readonly openAnomalies: number;
  readonly droppedOutOfOrder: number;
  readonly droppedSeries: number;
}

export class AnomalyDetector {
  readonly settings: DetectorSettings;
  private readonly services = new ServiceTable<ServiceSeries>();
  private seriesCount = 0;
  private readonly include: RegExp[];
  private droppedOutOfOrder = 0;
  private droppedSeries = 0;
  private globalMaxTs = -Infinity;
  private lastSweep = -Infinity;

  constructor(settings: Partial<DetectorSettings> = {}) {
    this.settings = { ...DEFAULT_DETECTOR_SETTINGS, ...settings };
    this.include = this.settings.include.map((p) => new RegExp(p, 'i'));
  }

  /** The correlator's port: the anomalies this batch revealed (recoveries: see observe). */
  observeTelemetry(batch: TelemetryBatch): Anomaly[] {
    const anomalies: Anomaly[] = [];
    for (const e of this.observe(batch)) if (e.type === 'anomaly') anomalies.push(e.anomaly);
    return anomalies;
  }

  /** Anomalies and recoveries this batch revealed. */
  observe(batch: TelemetryBatch): AnomalyEvent[] {
    const out: AnomalyEvent[] = [];
    // The service's series are found once per batch, each point's series by its position.
    const group = this.groupOf(batch.service, batch.environment);
    const points = batch.points;
    for (let i = 0; i < points.length; i++) this.accept(group, points[i]!, i, out);
    if (this.globalMaxTs - this.lastSweep > this.settings.evictAfterMs / 4) this.sweep();
    return out;
  }

  observePoint(
    service: string,
    point: TelemetryPoint,
    environment = 'production',
    out: AnomalyEvent[] = [],
  ): AnomalyEvent[] {
    return this.accept(this.groupOf(service, environment), point, -1, out);
  }

  /** One point of a service; `position` is its index in the batch (−1: not in a batch). */
  private accept(
    group: ServiceSeries,
    point: TelemetryPoint,
    position: number,
    out: AnomalyEvent[],
  ): AnomalyEvent[] {
    if (!Number.isFinite(point.timestamp) || !Number.isFinite(point.value)) return out;
    if (this.include.length > 0 && !this.include.some((r) => r.test(point.metric))) return out;
    const t = this.track(group, point, position);
    if (!t) return out;
    if (point.timestamp > this.globalMaxTs) this.globalMaxTs = point.timestamp;
    const lateness = this.settings.allowedLatenessMs;
    if (lateness <= 0) {
      this.feed(t, point.timestamp, point.value, out);
      return out;
    }
    // Reorder buffer: hold points until the series' watermark passes them.
    if (point.timestamp <= t.model.lastTimestamp) {
      this.droppedOutOfOrder++;
      return out;
    }
    const pending = (t.pending ??= []);
    let i = pending.length;
    while (i > 0 && pending[i - 1]!.timestamp > point.timestamp) i--;
    if (i > 0 && pending[i - 1]!.timestamp === point.timestamp) pending[i - 1] = point;
    else pending.splice(i, 0, point);
    if (point.timestamp > t.maxTs) t.maxTs = point.timestamp;
    const watermark = t.maxTs - lateness;
    while (
      pending.length > 0 &&
      (pending[0]!.timestamp <= watermark || pending.length > this.settings.maxPending)
    ) {
      const p = pending.shift()!;
      this.feed(t, p.timestamp, p.value, out);
    }
    return out;
  }

  /** Process every point still held for reordering (e.g. at the end of a replay). */
  flush(): AnomalyEvent[] {
    const out: AnomalyEvent[] = [];
    for (const t of this.allSeries()) {
      if (!t.pending) continue;
      for (const p of t.pending) this.feed(t, p.timestamp, p.value, out);
      t.pending = null;
    }
    return out;
  }

  stats(): DetectorStats {
    let bytes = 0;
    let open = 0;
    for (const t of this.allSeries()) {
      bytes += t.model.approxBytes + 300 + (t.pending?.length ?? 0) * 100;
      if (t.openId) open++;
    }
    return {
      series: this.seriesCount,
      approxBytes: bytes,
      openAnomalies: open,
      droppedOutOfOrder: this.droppedOutOfOrder,
      droppedSeries: this.droppedSeries,
    };
  }

  private *allSeries(): Iterable<Tracked> {
    for (const group of this.services.values()) yield* group.byMetric.values();
  }

  private groupOf(service: string, environment: string): ServiceSeries {
    let group = this.services.get(environment, service);
    if (!group) {
      group = { service, environment, byMetric: new Map(), order: [] };
      this.services.set(environment, service, group);
    }
    return group;
  }

  private track(group: ServiceSeries, point: TelemetryPoint, position: number): Tracked | null {
    const known = position >= 0 ? group.order[position] : undefined;
    if (known && known.name === point.metric && sameLabels(point.labels, known.labels, known.labelCount))
      return known;
    const labels = labelKey(point.labels);
    const metric = `${point.metric}${labels}`;
    let t = group.byMetric.get(metric);
    if (!t) {
      if (this.seriesCount >= this.settings.maxSeries) {
        this.droppedSeries++;
        return null;
      }
      const pointLabels = point.labels ?? {};
      t = {
        service: group.service,
        environment: group.environment,
        metric,
        name: point.metric,
        labelCount: Object.keys(pointLabels).length,
        labels: pointLabels,
        key: `${group.environment}\u0000${group.service}\u0000${metric}`,
        model: new SeriesModel(this.settings),
        unit: point.unit ?? '',
        pending: null,
        maxTs: -Infinity,
        openId: null,
      };
      group.byMetric.set(metric, t);
      this.seriesCount++;
    }
    if (position >= 0) group.order[position] = t;
    return t;
  }

  private feed(t: Tracked, ts: number, value: number, out: AnomalyEvent[]): void {
    if (ts <= t.model.lastTimestamp) {
      this.droppedOutOfOrder++;
      return;
    }
    const e: ModelEvent | null = t.model.update(ts, value);
    if (!e) return;
    if (e.type === 'anomaly') {
      const a = e.anomaly;
      const id = `anomaly_${fnv(`${t.key}\u0000${a.onset}`)}`;
      t.openId = id;
      const absolute = a.observed - a.baseline;
      const sigmas = a.sigma > 0 ? Math.abs(absolute) / a.sigma : Infinity;
      out.push({
        type: 'anomaly',
        anomaly: {
          id,
          service: t.service,
          environment: t.environment,
          metric: t.metric,
          labels: t.labels,
          onset: a.onset,
          detectedAt: a.detectedAt,
          direction: a.direction,
          magnitude: { absolute, relative: a.baseline !== 0 ? absolute / Math.abs(a.baseline) : null },
          baseline: a.baseline,
          observed: a.observed,
          score: confidence(sigmas, this.settings.minScore),
          sigmas,
          summary: describe(t.metric, t.unit, a.direction, a.shape, a.baseline, a.observed, a.onset),
          seasonal: a.seasonal,
          shape: a.shape,
        },
      });
    } else if (t.openId) {
      out.push({
        type: 'recovery',
        recovery: {
          id: t.openId,
          service: t.service,
          environment: t.environment,
          metric: t.metric,
          at: e.recovery.at,
          since: e.recovery.since,
          reason: e.recovery.reason,
        },
      });
      t.openId = null;
    }
  }

  private sweep(): void {
    this.lastSweep = this.globalMaxTs;
    const horizon = this.globalMaxTs - this.settings.evictAfterMs;
    for (const group of [...this.services.values()]) {
      let evicted = false;
      for (const [metric, t] of group.byMetric) {
        if (t.model.lastTimestamp < horizon && !t.pending?.length) {
          group.byMetric.delete(metric);
          this.seriesCount--;
          evicted = true;
        }
      }
      if (evicted) group.order = []; // no position may point at a forgotten series
      if (group.byMetric.size === 0) this.services.delete(group.environment, group.service);
    }
  }
}

/** 0.5 at minScore σ, 0.8 at twice that, approaching 1 for gross departures. */
export function confidence(sigmas: number, minScore: number): number {
  if (!Number.isFinite(sigmas)) return 1;
  const r = sigmas / Math.max(1e-9, minScore);
  return (r * r) / (1 + r * r);
}

function describe(
  metric: string,
  unit: string,
  direction: 'up' | 'down',
  shape: 'shift' | 'spike',
  baseline: number,
  observed: number,
  onset: number,
): string {
  const at = `${new Date(onset).toISOString().slice(11, 16)} UTC`;
  const from = formatValue(baseline, unit);
  const to = formatValue(observed, unit);
  if (shape === 'spike') return `${metric} spiked ${direction} to ${to} (expected ${from}) at ${at}`;
  const change =
    baseline !== 0 ? ` ${Math.round((Math.abs(observed - baseline) / Math.abs(baseline)) * 100)}%` : '';
  return `${metric} ${direction}${change} (${from} → ${to}) since ${at}`;
}

/** 64-bit FNV-1a as 16 hex digits (two 32-bit lanes): a short, stable id from text. */
export function fnv(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c ^ (h1 >>> 16), 0x01000193);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
