// Alert state transition ⇄ `alerts` row.
import type { Alert, AlertStatus, Severity } from '#contracts';
import { dbTime, dbTimeOrNull } from './db-values.js';
import type { RecordSource } from './record-source.js';

interface AlertColumns<Time> {
  readonly id: string;
  readonly fingerprint: string;
  readonly status: string;
  readonly name: string;
  readonly service: string;
  readonly environment: string;
  readonly severity: string;
  readonly summary: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly starts_at: Time;
  readonly ends_at: Time | null;
  readonly source: string;
  readonly link: string | null;
  readonly team: string | null;
  readonly runbook_url: string | null;
  readonly recorded_at: Time;
}

export type AlertRow = AlertColumns<number>;
export type StoredAlertRow = AlertColumns<string>;

export function toAlertRow(alert: Alert, source: RecordSource): AlertRow {
  return {
    id: alert.id,
    fingerprint: alert.fingerprint,
    status: alert.status,
    name: alert.name,
    service: alert.service,
    environment: alert.environment,
    severity: alert.severity,
    summary: alert.summary,
    labels: alert.labels,
    annotations: alert.annotations,
    starts_at: alert.startsAt,
    ends_at: alert.endsAt,
    source: alert.source,
    link: alert.link,
    team: alert.team,
    runbook_url: alert.runbookUrl,
    recorded_at: source.timestamp,
  };
}

export function fromAlertRow(row: StoredAlertRow): Alert {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    status: row.status as AlertStatus,
    name: row.name,
    service: row.service,
    environment: row.environment,
    severity: row.severity as Severity,
    summary: row.summary,
    labels: { ...row.labels },
    annotations: { ...row.annotations },
    startsAt: dbTime(row.starts_at),
    endsAt: dbTimeOrNull(row.ends_at),
    source: row.source,
    link: row.link,
    team: row.team,
    runbookUrl: row.runbook_url,
  };
}
