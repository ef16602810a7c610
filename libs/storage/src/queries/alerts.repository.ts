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

export class AlertsRepository {
  private readonly sql = sqlFiles({ list: 'alerts/list' });

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
}
