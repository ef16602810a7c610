// The four DORA figures per service, per team or for the whole fleet over any range, from
// plain lists of records (so the api can feed it ClickHouse query results as they come):
//   deployment frequency — changes of the counted kinds started in [from, to), per day;
//   lead time for changes — (finishedAt, else startedAt) − commitAt, where commitAt is given
//       (negative values, from clock skew, are left out and counted);
//   change failure rate  — failed / counted changes, "failed" by CHANGE_FAILURE_DEFINITION;
//   time to restore      — resolvedAt − openedAt of the resolved incidents opened in the range
//       that are attributed to a change (latest version's top suspect ≥ the threshold): DORA's
//       "failed deployment recovery time". `restore: 'all-incidents'` counts every incident.
// Medians average the two middle values of an even count; p90 is the nearest rank.
import type { Change, ChangeKind, Incident, Verdict } from '#contracts';
import { CHANGE_KIND_VALUES } from '#contracts/enums';
import { DEFAULT_FAILURE_SETTINGS, FailureLedger, type FailureSettings } from '../risk/change-failure.js';
import {
  changeFailureRateBand,
  deploymentFrequencyBand,
  leadTimeBand,
  timeToRestoreBand,
  type DoraBand,
} from './bands.js';

const DAY = 86_400_000;

export interface DoraRecords {
  readonly changes: readonly Change[];
  readonly verdicts?: readonly Verdict[];
  /** Any versions; the highest version of each incident is used. */
  readonly incidents?: readonly Incident[];
}

export type DoraGrouping = 'service' | 'team' | 'fleet';

export interface DoraOptions {
  /** Range [from, to) in epoch ms. */
  readonly from: number;
  readonly to: number;
  readonly groupBy?: DoraGrouping;
  /** Only these environments (globs not supported; exact names). Default: all records given. */
  readonly environments?: readonly string[];
  /** Kinds that count as deployments. Default: every kind except rollback. */
  readonly kinds?: readonly ChangeKind[];
  readonly restore?: 'change-incidents' | 'all-incidents';
  /** Use only failure evidence known by then. Default: everything in the records. */
  readonly asOf?: number;
  readonly failure?: FailureSettings;
  /** Team of a service when its changes or incidents do not say. */
  readonly teamOf?: (service: string) => string | null;
}

export interface Durations {
  readonly count: number;
  readonly medianMs: number;
  readonly p90Ms: number;
}

export interface DoraFigures {
  readonly groupBy: DoraGrouping;
  /** Service or team name; null for the fleet, or for changes with no team. */
  readonly key: string | null;
  readonly from: number;
  readonly to: number;
  readonly days: number;
  readonly deployments: number;
  readonly deploymentsPerDay: number;
  /** Null when no counted change has a commit time. */
  readonly leadTime: (Durations & { readonly skipped: number }) | null;
  readonly changeFailureRate: {
    readonly failures: number;
    readonly deployments: number;
    readonly rate: number | null;
  };
  /** Null when no incident in the range was restored. */
  readonly timeToRestore: Durations | null;
  readonly restoreCounts: 'change-incidents' | 'all-incidents';
  readonly bands: {
    readonly deploymentFrequency: DoraBand;
    readonly leadTime: DoraBand | null;
    readonly changeFailureRate: DoraBand | null;
    readonly timeToRestore: DoraBand | null;
  };
}

const ALL_BUT_ROLLBACK: readonly ChangeKind[] = CHANGE_KIND_VALUES.filter((kind) => kind !== 'rollback');

/** One DoraFigures per group that has a deployment or a restored incident in the range, sorted by key. */
export function doraFigures(records: DoraRecords, options: DoraOptions): DoraFigures[] {
  const groupBy = options.groupBy ?? 'service';
  const kinds = new Set(options.kinds ?? ALL_BUT_ROLLBACK);
  const envs = options.environments ? new Set(options.environments) : undefined;
  const restore = options.restore ?? 'change-incidents';
  const asOf = options.asOf ?? Number.POSITIVE_INFINITY;
  const ledger = new FailureLedger(options.failure ?? DEFAULT_FAILURE_SETTINGS);
  for (const v of records.verdicts ?? []) ledger.addVerdict(v);
  for (const i of records.incidents ?? []) ledger.addIncident(i);
  const byId = new Map<string, Change>();
  for (const c of records.changes) {
    byId.set(c.id, c);
    if (c.kind === 'rollback' && c.rollbackOf) ledger.addRollback(c.id, c.rollbackOf, c.startedAt);
  }
  const keyOf = (service: string, team: string | null): string | null =>
    groupBy === 'service' ? service : groupBy === 'team' ? (team ?? options.teamOf?.(service) ?? null) : null;

  const groups = new Map<string | null, { changes: Change[]; restores: number[] }>();
  const group = (key: string | null) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { changes: [], restores: [] }));
    return g;
  };
  for (const c of byId.values()) {
    if (c.startedAt < options.from || c.startedAt >= options.to || !kinds.has(c.kind)) continue;
    if (envs && !envs.has(c.environment)) continue;
    group(keyOf(c.service, c.team)).changes.push(c);
  }
  const latest = new Map<string, Incident>();
  for (const i of records.incidents ?? []) {
    const known = latest.get(i.id);
    if (i.updatedAt <= asOf && (!known || i.version > known.version)) latest.set(i.id, i);
  }
  for (const i of latest.values()) {
    if (i.resolvedAt === null || i.openedAt < options.from || i.openedAt >= options.to) continue;
    if (envs && !envs.has(i.environment)) continue;
    if (restore === 'change-incidents' && ledger.attributedChange(i.id, asOf) === null) continue;
    const attributed = byId.get(ledger.attributedChange(i.id, asOf) ?? '');
    group(keyOf(i.service, i.team ?? attributed?.team ?? null)).restores.push(i.resolvedAt - i.openedAt);
  }

  const days = (options.to - options.from) / DAY;
  return [...groups]
    .sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''))
    .map(([key, g]) => {
      const leads: number[] = [];
      let skipped = 0;
      let failures = 0;
      for (const c of g.changes) {
        if (ledger.failure(c.id, asOf)) failures++;
        if (c.commitAt === null) continue;
        const lead = (c.finishedAt ?? c.startedAt) - c.commitAt;
        if (lead < 0) skipped++;
        else leads.push(lead);
      }
      const leadTime = leads.length ? { ...durations(leads), skipped } : null;
      const timeToRestore = g.restores.length ? durations(g.restores) : null;
      const deployments = g.changes.length;
      const rate = deployments ? failures / deployments : null;
      return {
        groupBy,
        key,
        from: options.from,
        to: options.to,
        days,
        deployments,
        deploymentsPerDay: deployments / days,
        leadTime,
        changeFailureRate: { failures, deployments, rate },
        timeToRestore,
        restoreCounts: restore,
        bands: {
          deploymentFrequency: deploymentFrequencyBand(deployments / days),
          leadTime: leadTime ? leadTimeBand(leadTime.medianMs) : null,
          changeFailureRate: rate === null ? null : changeFailureRateBand(rate),
          timeToRestore: timeToRestore ? timeToRestoreBand(timeToRestore.medianMs) : null,
        },
      };
    });
}

export function durations(values: readonly number[]): Durations {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { count: n, medianMs: median, p90Ms: sorted[Math.max(0, Math.ceil(0.9 * n) - 1)]! };
}
