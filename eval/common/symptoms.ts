// Symptoms the way a user's stack raises them, never from label times: (1) one documented alert
// rule, the same for every system, on a service's user-facing latency and error series; (2) the
// engine's own continuous anomaly detector (AnomalyDetector, default settings) on the same
// series. A symptom has an onset (when the problem began: the alert's startsAt, the anomaly's
// changepoint) and the time it was raised (the alert fired, the anomaly was detected).
//
// The alert rule ("user-facing regression"), evaluated at every point of each watched series:
//   baseline = median of the series over the 30 minutes before the last 3 points (≥ 10 points);
//   recent   = latency: median of the last 3 points; error ratio: their mean;
//   hot      = latency:     recent ≥ factor × baseline and recent − baseline ≥ 10 ms,
//              error ratio: recent ≥ factor × baseline and recent − baseline ≥ 1 percentage point;
//   fires on the first hot evaluation (startsAt = the first of the last 3 points above the
//   threshold) and resolves after 5 evaluations in a row that are not hot. factor = 1.5.
// Watched series: those the engine's signal names read as latency or as an error ratio (a
// success rate counts, as its complement), server side only — a caller's view of its
// dependencies (a `client` label or "client" in the name) is not the service's user-facing view.
import type { TelemetryBatch, TelemetryPoint } from '#contracts';
import {
  AnomalyDetector,
  canonical,
  median,
  resolveSignal,
  type DetectorSettings,
  type ResolvedSignal,
} from '#core';

const MINUTE = 60_000;

export type SymptomSource = 'alert' | 'anomaly';

export interface RaisedSymptom {
  readonly service: string;
  readonly onset: number;
  readonly raisedAt: number;
  readonly source: SymptomSource;
  readonly metric: string;
}

export interface AlertRuleSettings {
  readonly factor: number;
  readonly recentPoints: number;
  readonly baselineMs: number;
  readonly minBaselinePoints: number;
  /** Seconds. */
  readonly latencyFloor: number;
  /** A fraction (0.01 = 1 percentage point). */
  readonly errorFloor: number;
  readonly resolveAfter: number;
}

export const DEFAULT_ALERT_RULE: AlertRuleSettings = {
  factor: 1.5,
  recentPoints: 3,
  baselineMs: 30 * MINUTE,
  minBaselinePoints: 10,
  latencyFloor: 0.01,
  errorFloor: 0.01,
  resolveAfter: 5,
};

/** The series a symptom may come from: user-facing latency and error ratios, server side. */
export function userFacingSignal(point: TelemetryPoint): ResolvedSignal | null {
  if (point.labels.client !== undefined || /client/i.test(point.metric)) return null;
  const signal = resolveSignal(point.metric, point.unit);
  if (!signal) return null;
  if (signal.spec.kind === 'latency') return signal;
  if (signal.spec.kind === 'error_ratio' && signal.mode === 'ratio') return signal;
  return null;
}

interface RuleSeries {
  readonly signal: ResolvedSignal;
  readonly ts: number[];
  readonly values: number[];
  firing: boolean;
  coolCount: number;
}

/** The alert rule above, for every watched series of the services it is given. */
export class AlertRule {
  private readonly series = new Map<string, RuleSeries>();

  constructor(readonly settings: AlertRuleSettings = DEFAULT_ALERT_RULE) {}

  observe(service: string, point: TelemetryPoint, signal: ResolvedSignal): RaisedSymptom | null {
    const key = `${service}\u0000${point.metric}\u0000${JSON.stringify(point.labels)}`;
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { signal, ts: [], values: [], firing: false, coolCount: 0 }));
    const v = canonical(signal, point.value);
    if (!Number.isFinite(v) || (s.ts.length > 0 && point.timestamp <= s.ts.at(-1)!)) return null;
    s.ts.push(point.timestamp);
    s.values.push(v);
    const r = this.settings;
    // Keep the baseline span and a margin for the recent points.
    while (s.ts.length > r.recentPoints && s.ts[0]! < point.timestamp - r.baselineMs - 10 * MINUTE) {
      s.ts.shift();
      s.values.shift();
    }
    const n = s.values.length;
    if (n < r.recentPoints + r.minBaselinePoints) return null;
    const recentStart = s.ts[n - r.recentPoints]!;
    const base: number[] = [];
    for (let i = 0; i < n - r.recentPoints; i++)
      if (s.ts[i]! >= recentStart - r.baselineMs) base.push(s.values[i]!);
    if (base.length < r.minBaselinePoints) return null;
    const baseline = median(base);
    const recent = s.values.slice(n - r.recentPoints);
    const latency = signal.spec.kind === 'latency';
    const level = latency ? median(recent) : recent.reduce((a, b) => a + b, 0) / recent.length;
    const floor = latency ? r.latencyFloor : r.errorFloor;
    const threshold = Math.max(r.factor * baseline, baseline + floor);
    const hot = level >= threshold;
    if (!hot) {
      if (s.firing && ++s.coolCount >= r.resolveAfter) s.firing = false;
      return null;
    }
    s.coolCount = 0;
    if (s.firing) return null;
    s.firing = true;
    let first = n - 1;
    for (let i = n - r.recentPoints; i < n; i++)
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
    };
  }
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

  observe(batch: TelemetryBatch): RaisedSymptom[] {
    if (!this.watched(batch.service)) return [];
    const out: RaisedSymptom[] = [];
    const points: TelemetryPoint[] = [];
    for (const point of batch.points) {
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
          });
      }
    }
    return out;
  }
}
