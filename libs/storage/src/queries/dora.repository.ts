// The aggregates DORA figures and change risk are computed from, per service over a window:
// changes and change failures (deployment frequency, change failure rate), time to restore from
// incidents, and lead time where changes say when their first commit was.
import type { ClickHouseStore } from '../port.js';
import { numberOrNull, timeRange, type Instant } from './query-params.js';
import { sqlFiles } from './sql-files.js';

export interface DoraWindow {
  readonly from: Instant;
  readonly to: Instant;
  readonly environment?: string;
  /** Only these services (default: all). */
  readonly services?: readonly string[];
}

export interface ChangeFailureFigures {
  readonly service: string;
  /** Changes of any kind but rollbacks. */
  readonly changes: number;
  readonly deployments: number;
  readonly failures: number;
  /** failures / changes. */
  readonly failureRate: number;
  /** Why they failed (a change may have several reasons). */
  readonly failedVerdicts: number;
  readonly causedIncidents: number;
  readonly rolledBack: number;
}

export interface RestoreFigures {
  readonly service: string;
  readonly incidents: number;
  readonly restored: number;
  /** Milliseconds opened → resolved; null when none is resolved. */
  readonly meanMs: number | null;
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
}

export interface LeadTimeFigures {
  readonly service: string;
  /** Deployments that say when their first commit was. */
  readonly deployments: number;
  /** Milliseconds commit → deployed. */
  readonly meanMs: number | null;
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
}

export interface DoraFigures {
  readonly service: string;
  readonly deploymentsPerDay: number;
  readonly changeFailures: ChangeFailureFigures;
  readonly restore: RestoreFigures | null;
  readonly leadTime: LeadTimeFigures | null;
}

type Int = string | number;
type Num = number | string | null;

interface ChangeFailureRow {
  service: string;
  changes: Int;
  deployments: Int;
  failures: Int;
  failed_verdicts: Int;
  caused_incidents: Int;
  rolled_back: Int;
}

interface QuantileRow {
  service: string;
  mean_ms: Num;
  median_ms: Num;
  p90_ms: Num;
}

/** Default minimum probability for the top suspect of an incident to count as its cause. */
export const DEFAULT_CAUSE_PROBABILITY = 0.5;

export class DoraRepository {
  private readonly sql = sqlFiles({
    changeFailures: 'dora/change-failures',
    restore: 'dora/time-to-restore',
    leadTime: 'dora/lead-time',
  });

  constructor(private readonly store: ClickHouseStore) {}

  async changeFailures(
    window: DoraWindow,
    minProbability = DEFAULT_CAUSE_PROBABILITY,
  ): Promise<ChangeFailureFigures[]> {
    const rows = await this.store.query<ChangeFailureRow>(this.sql.changeFailures, {
      ...params(window),
      minProbability,
    });
    return rows.map((r) => {
      const changes = Number(r.changes);
      const failures = Number(r.failures);
      return {
        service: r.service,
        changes,
        deployments: Number(r.deployments),
        failures,
        failureRate: changes > 0 ? failures / changes : 0,
        failedVerdicts: Number(r.failed_verdicts),
        causedIncidents: Number(r.caused_incidents),
        rolledBack: Number(r.rolled_back),
      };
    });
  }

  async timeToRestore(window: DoraWindow): Promise<RestoreFigures[]> {
    const rows = await this.store.query<QuantileRow & { incidents: Int; restored: Int }>(
      this.sql.restore,
      params(window),
    );
    return rows.map((r) => {
      const restored = Number(r.restored);
      return {
        service: r.service,
        incidents: Number(r.incidents),
        restored,
        ...quantiles(r, restored > 0),
      };
    });
  }

  async leadTime(window: DoraWindow): Promise<LeadTimeFigures[]> {
    const rows = await this.store.query<QuantileRow & { deployments: Int }>(
      this.sql.leadTime,
      params(window),
    );
    return rows.map((r) => ({
      service: r.service,
      deployments: Number(r.deployments),
      ...quantiles(r, true),
    }));
  }

  /** All four DORA figures per service that changed in the window. */
  async figures(window: DoraWindow, minProbability = DEFAULT_CAUSE_PROBABILITY): Promise<DoraFigures[]> {
    const { from, to } = timeRange(window.from, window.to);
    const days = (to.getTime() - from.getTime()) / 86_400_000;
    const [failures, restore, lead] = await Promise.all([
      this.changeFailures(window, minProbability),
      this.timeToRestore(window),
      this.leadTime(window),
    ]);
    const restoreBy = new Map(restore.map((r) => [r.service, r]));
    const leadBy = new Map(lead.map((r) => [r.service, r]));
    return failures.map((f) => ({
      service: f.service,
      deploymentsPerDay: f.deployments / days,
      changeFailures: f,
      restore: restoreBy.get(f.service) ?? null,
      leadTime: leadBy.get(f.service) ?? null,
    }));
  }
}

function params(window: DoraWindow) {
  return {
    ...timeRange(window.from, window.to),
    environment: window.environment ?? '',
    services: window.services ?? [],
  };
}

function quantiles(row: QuantileRow, any: boolean) {
  return {
    meanMs: any ? numberOrNull(row.mean_ms) : null,
    medianMs: any ? numberOrNull(row.median_ms) : null,
    p90Ms: any ? numberOrNull(row.p90_ms) : null,
  };
}
