// Alert state transitions by service, environment, alert identity and time range.
import type { Alert } from '#contracts';
import type { ClickHouseStore } from '../port.js';
import { fromAlertRow, type StoredAlertRow } from '../records/alert.record.js';
import { pageSize, pairKey, timeRange, type Instant } from './query-params.js';
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

/** At most this many transitions are read for `latest`. */
const MAX_TRANSITIONS = 10_000;

export class AlertsRepository {
  private readonly sql = sqlFiles({ list: 'alerts/list' });

  constructor(private readonly store: ClickHouseStore) {}

  /** Transitions of alerts that started in [from, to), newest first. */
  async list(query: AlertsQuery): Promise<Alert[]> {
    return this.query(query, []);
  }

  /** The latest transition of each of these alerts that started in [from, to), newest first (one query). */
  async latest(query: LatestAlertsQuery): Promise<Alert[]> {
    if (query.alerts.length === 0) return [];
    // An alert has a few transitions in a range: the newest of each is picked here.
    const all = await this.query(
      { from: query.from, to: query.to, limit: MAX_TRANSITIONS },
      query.alerts.map((a) => pairKey(a.service, a.fingerprint)),
    );
    const seen = new Set<string>();
    return all.filter((a) => {
      const key = pairKey(a.service, a.fingerprint);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  private async query(query: AlertsQuery, alerts: readonly string[]): Promise<Alert[]> {
    const rows = await this.store.query<StoredAlertRow>(this.sql.list, {
      ...timeRange(query.from, query.to),
      service: query.service ?? '',
      environment: query.environment ?? '',
      fingerprint: query.fingerprint ?? '',
      alerts,
      limit: pageSize(query.limit),
    });
    return rows.map(fromAlertRow);
  }
}
