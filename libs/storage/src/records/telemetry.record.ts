// Telemetry batch → one telemetry_points row per point. The series id (a hash of environment and
// labels) is computed by ClickHouse, so it is not part of the row.
import type { TelemetryBatch, TelemetryPoint } from '#contracts';
import { dbTime } from './db-values.js';

export interface TelemetryPointRow {
  readonly service: string;
  readonly metric: string;
  readonly environment: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Epoch milliseconds. */
  readonly ts: number;
  readonly value: number;
  readonly unit: string | null;
  readonly resource: Readonly<Record<string, string>>;
}

export function toTelemetryPointRows(batch: TelemetryBatch): TelemetryPointRow[] {
  const { service, environment, resource } = batch;
  const rows = new Array<TelemetryPointRow>(batch.points.length);
  for (let i = 0; i < batch.points.length; i++) {
    const point = batch.points[i]!;
    rows[i] = {
      service,
      metric: point.metric,
      environment,
      labels: point.labels,
      ts: point.timestamp,
      value: point.value,
      unit: point.unit,
      resource,
    };
  }
  return rows;
}

/** A telemetry_points row as the raw-point query selects it. */
export interface StoredTelemetryPointRow {
  readonly service: string;
  readonly metric: string;
  readonly environment: string;
  readonly labels: Record<string, string>;
  readonly ts: string;
  readonly value: number;
  readonly unit: string | null;
  readonly resource: Record<string, string>;
}

export interface StoredTelemetryPoint extends TelemetryPoint {
  readonly service: string;
  readonly environment: string;
  readonly resource: Record<string, string>;
}

export function fromTelemetryPointRow(row: StoredTelemetryPointRow): StoredTelemetryPoint {
  return {
    service: row.service,
    environment: row.environment,
    metric: row.metric,
    value: row.value,
    timestamp: dbTime(row.ts),
    unit: row.unit,
    labels: row.labels,
    resource: row.resource,
  };
}
