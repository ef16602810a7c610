// Alert state transitions by service, environment, alert identity and time range.
import type { Alert } from '#contracts';
import type { ClickHouseStore } from '../port.js';
import { fromAlertRow, type StoredAlertRow } from '../records/alert.record.js';
import { pageSize, timeRange, type Instant } from './query-params.js';
import { sqlFiles } from './sql-files.js';

export interface AlertsQuery {
  readonly from: Instant;
  readonly to: Instant;
  readonly service?: string;
  readonly environment?: string;
  /** One alert's transitions. */
  readonly fingerprint?: string;
  readonly limit?: number;
}

export interface LatestAlertsQuery {
  readonly from: Instant;
  readonly to: Instant;
  readonly alerts: readonly { readonly service: string; readonly fingerprint: string }[];
}

export class AlertsRepository {
  private readonly sql = sqlFiles({ list: 'alerts/list', latest: 'alerts/latest' });

  constructor(private readonly store: ClickHouseStore) {}

  /** Transitions of alerts that started in [from, to), newest first. */
  async list(query: AlertsQuery): Promise<Alert[]> {
    const rows = await this.store.query<StoredAlertRow>(this.sql.list, {
      ...timeRange(query.from, query.to),
      service: query.service ?? '',
      environment: query.environment ?? '',
      fingerprint: query.fingerprint ?? '',
      limit: pageSize(query.limit),
    });
    return rows.map(fromAlertRow);
  }

  /** The latest transition of each of these alerts that started in [from, to), newest first (one query). */
  async latest(query: LatestAlertsQuery): Promise<Alert[]> {
    if (query.alerts.length === 0) return [];
    const rows = await this.store.query<StoredAlertRow>(this.sql.latest, {
      ...timeRange(query.from, query.to),
      services: [...new Set(query.alerts.map((a) => a.service))],
      fingerprints: [...new Set(query.alerts.map((a) => a.fingerprint))],
      alerts: query.alerts.map((a) => `${a.service}\u0000${a.fingerprint}`),
    });
    return rows.map(fromAlertRow);
  }
}
