// Symptoms the way a user's stack raises them, never from label times: (1) one documented alert
// rule, the same for every system, on a service's user-facing latency and error series; (2) the
// engine's own continuous anomaly detector (AnomalyDetector, default settings) on the same
// series. A symptom has an onset (when the problem began: the alert's startsAt, the anomaly's
// changepoint) and the time it was raised (the alert fired, the anomaly was detected).
//
// The alert rule ("user-facing regression"), one rule for every system, evaluated at each new
// point of a watched series:
//   recent   = the points of the last 3 minutes; baseline = the 30 minutes before them (≥ 10 points);
//   latency:     hot when median(recent) ≥ factor × median(baseline) and exceeds it by ≥ 10 ms;
//   error ratio: hot when errors/requests over the recent points ≥ factor × the baseline's median
//                and exceed it by ≥ 1 percentage point, with at least 5 errors (requests from the
//                service's request-rate series; without one, the mean ratio and no count);
//   fires on the first hot evaluation (startsAt: the first recent point above the threshold)
//   and resolves at the first evaluation that is not hot (as a Prometheus rule without
//   keep_firing_for does; the 3-minute window already smooths it). factor = 1.5.
// Watched series: per service its p90/p95 latency series (a latency without a percentile in its
// name where it has none) and its error ratios (a success rate counts, as its complement) —
// server side only: a caller's view of its dependencies (a `client` label or "client" in the
// name) is not the service's user-facing view. The anomaly detector watches the same series.
import type { TelemetryBatch, TelemetryPoint } from '#contracts';
import {
  AnomalyDetector,
  canonical,
  lowerBound,
  median,
  resolveSignal,
  type DetectorSettings,
  type ResolvedSignal,
  withStatusErrorSeries,
} from '#core';

const MINUTE = 60_000;

/** 'verification': the incident the engine opens when a change fails its own verification. */
export type SymptomSource = 'alert' | 'anomaly' | 'verification';

export interface RaisedSymptom {
  readonly service: string;
  readonly onset: number;
  readonly raisedAt: number;
  readonly source: SymptomSource;
  readonly metric: string;
  /** Golden-signal kind of the metric (latency, error_ratio), as the engine reads its name. */
  readonly kind: string | null;
}

function kindOf(metric: string): string | null {
  return resolveSignal(metric.replace(/\{.*\}$/, ''), null)?.spec.kind ?? null;
}

export interface AlertRuleSettings {
  readonly factor: number;
  readonly recentMs: number;
  readonly baselineMs: number;
  readonly minBaselinePoints: number;
  /** Seconds. */
  readonly latencyFloor: number;
  /** A fraction (0.01 = 1 percentage point). */
  readonly errorFloor: number;
  readonly minErrors: number;
  readonly resolveAfter: number;
}

export const DEFAULT_ALERT_RULE: AlertRuleSettings = {
  factor: 1.5,
  recentMs: 3 * MINUTE,
  baselineMs: 30 * MINUTE,
  minBaselinePoints: 10,
  latencyFloor: 0.01,
  errorFloor: 0.01,
  minErrors: 5,
  resolveAfter: 1,
};

const PERCENTILE = /p(\d{2,3}(\.\d+)?)(?![a-z0-9])/i;

/** The series a symptom may come from: user-facing p90/p95 latencies and error ratios, server side. */
export function userFacingSignal(point: TelemetryPoint): ResolvedSignal | null {
  if (point.labels.client !== undefined || /client/i.test(point.metric)) return null;
  const signal = resolveSignal(point.metric, point.unit);
  if (!signal) return null;
  if (signal.spec.kind === 'error_ratio') return signal.mode === 'ratio' ? signal : null;
  if (signal.spec.kind !== 'latency') return null;
  const p = PERCENTILE.exec(point.metric.replace(/\(.*\)$/, ''));
  // p90/p95 (or the unnamed level), not the median and not the noisy extreme tail.
  return !p || (Number(p[1]) >= 90 && Number(p[1]) <= 95) ? signal : null;
}

interface RuleSeries {
  readonly signal: ResolvedSignal;
  readonly ts: number[];
  readonly values: number[];
  /** Requests per point (NaN when unknown), error series only. */
  readonly requests: number[];
  firing: boolean;
  coolCount: number;
}

/** The alert rule above, for every watched series of the services it is given. */
export class AlertRule {
  private readonly series = new Map<string, RuleSeries>();
  /** Latest requests per point of each service, from its request-rate series. */
  private readonly requests = new Map<string, number>();

  constructor(readonly settings: AlertRuleSettings = DEFAULT_ALERT_RULE) {}

  /** A service's request rate, read from its throughput series. */
  noteRequests(service: string, point: TelemetryPoint, intervalMs: number): void {
    const signal = resolveSignal(point.metric, point.unit);
    if (signal?.spec.kind !== 'throughput' || point.labels.client !== undefined) return;
    const perPoint = signal.mode === 'rate' ? (point.value * signal.scale * intervalMs) / 1000 : point.value;
    if (Number.isFinite(perPoint)) this.requests.set(service, perPoint);
  }

  observe(service: string, point: TelemetryPoint, signal: ResolvedSignal): RaisedSymptom | null {
    const key = `${service}\u0000${point.metric}\u0000${JSON.stringify(point.labels)}`;
    let s = this.series.get(key);
    if (!s)
      this.series.set(key, (s = { signal, ts: [], values: [], requests: [], firing: false, coolCount: 0 }));
    const v = canonical(signal, point.value);
    if (!Number.isFinite(v) || (s.ts.length > 0 && point.timestamp <= s.ts.at(-1)!)) return null;
    const r = this.settings;
    s.ts.push(point.timestamp);
    s.values.push(v);
    s.requests.push(this.requests.get(service) ?? NaN);
    while (s.ts.length > 0 && s.ts[0]! < point.timestamp - r.baselineMs - r.recentMs - MINUTE) {
      s.ts.shift();
      s.values.shift();
      s.requests.shift();
    }
    const recentFrom = lowerBound(s.ts, point.timestamp - r.recentMs + 1);
    const baseFrom = lowerBound(s.ts, s.ts[recentFrom]! - r.baselineMs);
    if (recentFrom - baseFrom < r.minBaselinePoints) return null;
    const latency = signal.spec.kind === 'latency';
    // The baseline is the median point (an earlier incident inside it does not raise it); the
    // recent level is the median for latency, the pooled errors over requests for errors.
    const baseline = median(s.values.slice(baseFrom, recentFrom));
    const recent = latency ? median(s.values.slice(recentFrom)) : errorRatio(s, recentFrom, s.ts.length);
    const floor = latency ? r.latencyFloor : r.errorFloor;
    const threshold = Math.max(r.factor * baseline, baseline + floor);
    const hot = recent >= threshold && (latency || errorCount(s, recentFrom) >= r.minErrors);
    if (!hot) {
      if (s.firing && ++s.coolCount >= r.resolveAfter) s.firing = false;
      return null;
    }
    s.coolCount = 0;
    if (s.firing) return null;
    s.firing = true;
    let first = s.ts.length - 1;
    for (let i = recentFrom; i < s.ts.length; i++)
      if (s.values[i]! >= threshold) {
        first = i;
        break;
      }
    return {
      service,
      onset: s.ts[first]!,
      raisedAt: point.timestamp,
      source: 'alert',
      metric: point.metric,
      kind: kindOf(point.metric),
    };
  }
}

/** Errors over requests in [from, to); the mean ratio where request counts are unknown. */
function errorRatio(s: RuleSeries, from: number, to: number): number {
  let errors = 0;
  let requests = 0;
  let sum = 0;
  for (let i = from; i < to; i++) {
    sum += s.values[i]!;
    const n = s.requests[i]!;
    if (Number.isFinite(n)) {
      errors += s.values[i]! * n;
      requests += n;
    }
  }
  return requests > 0 ? errors / requests : to > from ? sum / (to - from) : 0;
}

/** Errors since `from`; Infinity where request counts are unknown (no count to require). */
function errorCount(s: RuleSeries, from: number): number {
  let errors = 0;
  for (let i = from; i < s.ts.length; i++) {
    const n = s.requests[i]!;
    if (!Number.isFinite(n)) return Infinity;
    errors += s.values[i]! * n;
  }
  return errors;
}

export interface SymptomWatchOptions {
  readonly sources: readonly SymptomSource[];
  readonly alertRule?: AlertRuleSettings;
  readonly detector?: Partial<DetectorSettings>;
}

/** Watches the user-facing series of the services `watched` accepts and raises symptoms from both sources. */
export class SymptomWatch {
  private readonly rule: AlertRule | null;
  private readonly detector: AnomalyDetector | null;

  constructor(
    private readonly watched: (service: string) => boolean,
    options: SymptomWatchOptions,
  ) {
    this.rule = options.sources.includes('alert') ? new AlertRule(options.alertRule) : null;
    this.detector = options.sources.includes('anomaly') ? new AnomalyDetector(options.detector) : null;
  }

  private readonly lastBatch = new Map<string, number>();

  /** Time since the service's previous batch: the span a rate reading covers. */
  private intervalOf(batch: TelemetryBatch): number {
    const t = batch.points[0]?.timestamp ?? 0;
    const last = this.lastBatch.get(batch.service);
    this.lastBatch.set(batch.service, t);
    return last !== undefined && t > last ? Math.min(t - last, 5 * MINUTE) : MINUTE;
  }

  observe(received: TelemetryBatch): RaisedSymptom[] {
    if (!this.watched(received.service)) return [];
    // A system that reports errors as a status label of its request count: the rule reads the
    // error ratio from it, as a Prometheus rule over the code label would (and as the engine does).
    const batch = withStatusErrorSeries(received);
    const out: RaisedSymptom[] = [];
    const points: TelemetryPoint[] = [];
    const intervalMs = this.intervalOf(batch);
    for (const point of batch.points) {
      this.rule?.noteRequests(batch.service, point, intervalMs);
      const signal = userFacingSignal(point);
      if (!signal) continue;
      points.push(point);
      const raised = this.rule?.observe(batch.service, point, signal);
      if (raised) out.push(raised);
    }
    if (this.detector && points.length > 0) {
      for (const a of this.detector.observeTelemetry({ ...batch, points })) {
        const signal = resolveSignal(a.metric.replace(/\{.*\}$/, ''), null);
        if (!signal) continue;
        const bad = (signal.complement ? 'down' : signal.spec.badDirection) === a.direction;
        if (bad)
          out.push({
            service: a.service,
            onset: a.onset,
            raisedAt: a.detectedAt,
            source: 'anomaly',
            metric: a.metric,
            kind: signal.spec.kind,
          });
      }
    }
    return out;
  }
}
