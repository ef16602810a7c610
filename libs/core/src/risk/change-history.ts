// What the risk model knows of the past: changes, verdicts, incidents (with their suspects) and
// problems, held in memory for a bounded window and queried "as of" an instant, so a question
// about the past sees only what was on record then. Fed in any order (event time decides),
// deduplicated by id (and version); older records are dropped once they are past the
// retention, and each service keeps at most `maxChangesPerService`.
//
// Failure rates are smoothed by empirical Bayes: a service's rate is pulled towards its team's,
// and the team's towards the fleet's, by a beta prior of strength m "pseudo-changes"; m is
// estimated from how much services' rates really differ (method of moments on the
// beta-binomial), clamped to [2, 500], and 20 until there are 3 services with history.
import type { Change, Incident, Problem, ProblemStatus, Verdict } from '#contracts';
import {
  DEFAULT_FAILURE_SETTINGS,
  FailureLedger,
  type ChangeFailure,
  type FailureSettings,
} from './change-failure.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface HistorySettings {
  /** Window of the change failure rate. */
  readonly windowMs: number;
  /** Changes younger than this are left out of rates and fits: their outcome is not in yet. */
  readonly settleMs: number;
  /** "Recent incidents" look back this far. */
  readonly recentIncidentsMs: number;
  /** Failed changes this far back count as "similar changes that failed before". */
  readonly similarityWindowMs: number;
  /** Records older than this (behind the newest event) are dropped. */
  readonly retentionMs: number;
  readonly maxChangesPerService: number;
  /** Prior strength when it cannot be estimated yet. */
  readonly defaultPriorStrength: number;
  readonly failure: FailureSettings;
}

export const DEFAULT_HISTORY_SETTINGS: HistorySettings = {
  windowMs: 30 * DAY,
  settleMs: 6 * HOUR,
  recentIncidentsMs: DAY,
  similarityWindowMs: 90 * DAY,
  retentionMs: 120 * DAY,
  maxChangesPerService: 20_000,
  defaultPriorStrength: 20,
  failure: DEFAULT_FAILURE_SETTINGS,
};

/** Changes and failures counted in a window. */
export interface FailureCount {
  readonly changes: number;
  readonly failures: number;
}

export interface FleetStats {
  /** Pooled failure rate of all services (itself lightly smoothed towards 10%). */
  readonly rate: number;
  /** Prior strength m in pseudo-changes. */
  readonly priorStrength: number;
  /** Whether m was estimated (else the default). */
  readonly estimated: boolean;
  readonly total: FailureCount;
  readonly services: number;
  readonly byTeam: ReadonlyMap<string, FailureCount>;
}

export interface SmoothedRate {
  readonly service: FailureCount;
  readonly serviceRate: number;
  readonly team: string | null;
  readonly teamRate: number | null;
  readonly fleet: FleetStats;
  /** The service's rate after smoothing. */
  readonly smoothed: number;
}

/**
 * Earlier changes of the same service that resemble this one, and how many of them failed:
 * same kind, same component, or touching one of the same config keys. Null when the change has
 * no component / no config keys.
 */
export interface SimilarFailures {
  readonly sameKind: FailureCount;
  readonly sameComponent: FailureCount | null;
  readonly sameConfigKey: FailureCount | null;
  /** A few ids of similar changes that failed, for the reasons. */
  readonly examples: readonly string[];
}

/** A record of any of the kinds the history takes, with its event time. */
export type HistoryEvent =
  | { readonly type: 'change'; readonly at: number; readonly value: Change }
  | { readonly type: 'verdict'; readonly at: number; readonly value: Verdict }
  | { readonly type: 'incident'; readonly at: number; readonly value: Incident }
  | { readonly type: 'problem'; readonly at: number; readonly value: Problem };

const OPEN_PROBLEM: ReadonlySet<ProblemStatus> = new Set(['candidate', 'problem', 'known_error']);

interface IncidentFacts {
  readonly id: string;
  readonly openedAt: number;
  /** When Aftershock first heard of it. */
  firstSeenAt: number;
  readonly services: readonly string[];
}

interface ProblemVersion {
  readonly version: number;
  readonly at: number;
  readonly status: ProblemStatus;
  readonly services: readonly string[];
  readonly title: string;
}

export class ChangeHistory {
  readonly settings: HistorySettings;
  readonly ledger: FailureLedger;
  private readonly changes = new Map<string, Change>();
  /** Per service, sorted by startedAt. */
  private readonly byService = new Map<string, Change[]>();
  private readonly incidents = new Map<string, IncidentFacts>();
  private readonly incidentsByService = new Map<string, Set<string>>();
  private readonly problems = new Map<string, ProblemVersion[]>();
  /** Fleet statistics by hour, for the retention: a fit asks for thousands of past hours. */
  private readonly fleetCache = new Map<number, FleetStats>();
  private latestCachedHour = Number.NEGATIVE_INFINITY;
  private newest = Number.NEGATIVE_INFINITY;
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(settings: Partial<HistorySettings> = {}) {
    this.settings = { ...DEFAULT_HISTORY_SETTINGS, ...settings };
    this.ledger = new FailureLedger(this.settings.failure);
  }

  // ——— feeding ———

  /** Any record; event time decides, so the order of arrival does not matter. */
  add(event: HistoryEvent): void {
    if (event.type === 'change') this.addChange(event.value);
    else if (event.type === 'verdict') this.addVerdict(event.value);
    else if (event.type === 'incident') this.addIncident(event.value);
    else this.addProblem(event.value);
  }

  addChange(change: Change): void {
    const known = this.changes.get(change.id);
    const list = this.byService.get(change.service) ?? [];
    if (known) {
      const old = this.byService.get(known.service) ?? [];
      old.splice(old.indexOf(known), 1);
    }
    this.changes.set(change.id, change);
    list.splice(upperBound(list, change.startedAt), 0, change);
    this.byService.set(change.service, list);
    if (list.length > this.settings.maxChangesPerService) this.dropChange(list[0]!);
    if (change.kind === 'rollback' && change.rollbackOf) {
      this.ledger.addRollback(change.id, change.rollbackOf, change.startedAt);
    }
    this.touched(change.startedAt);
  }

  addVerdict(verdict: Verdict): void {
    this.ledger.addVerdict(verdict);
    this.touched(verdict.decidedAt);
  }

  addIncident(incident: Incident): void {
    this.ledger.addIncident(incident);
    const known = this.incidents.get(incident.id);
    if (known) {
      known.firstSeenAt = Math.min(known.firstSeenAt, incident.updatedAt);
    } else {
      const services = [...new Set([incident.service, ...incident.services])];
      this.incidents.set(incident.id, {
        id: incident.id,
        openedAt: incident.openedAt,
        firstSeenAt: incident.updatedAt,
        services,
      });
      for (const s of services) {
        const set = this.incidentsByService.get(s) ?? new Set();
        set.add(incident.id);
        this.incidentsByService.set(s, set);
      }
    }
    this.touched(incident.updatedAt);
  }

  addProblem(problem: Problem): void {
    const list = this.problems.get(problem.id) ?? [];
    if (list.some((p) => p.version === problem.version)) return;
    list.push({
      version: problem.version,
      at: problem.updatedAt,
      status: problem.status,
      services: problem.services,
      title: problem.title,
    });
    list.sort((a, b) => a.version - b.version);
    this.problems.set(problem.id, list);
    this.touched(problem.updatedAt);
  }

  // ——— queries, each "as of" an instant ———

  change(id: string): Change | undefined {
    return this.changes.get(id);
  }

  failure(changeId: string, asOf?: number): ChangeFailure | undefined {
    return this.ledger.failure(changeId, asOf);
  }

  /** Changes of every service with startedAt in [from, to), in time order. */
  changesBetween(from: number, to: number): Change[] {
    const out: Change[] = [];
    for (const list of this.byService.values()) {
      for (let i = lowerBound(list, from); i < list.length && list[i]!.startedAt < to; i++)
        out.push(list[i]!);
    }
    return out.sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
  }

  services(): string[] {
    return [...this.byService.keys()].sort();
  }

  /** Changes and failures of a service in the rate window that have settled by asOf. */
  serviceCount(service: string, asOf: number): FailureCount {
    const list = this.byService.get(service) ?? [];
    const to = asOf - this.settings.settleMs;
    let changes = 0;
    let failures = 0;
    for (
      let i = lowerBound(list, asOf - this.settings.windowMs);
      i < list.length && list[i]!.startedAt <= to;
      i++
    ) {
      changes++;
      if (this.ledger.failure(list[i]!.id, asOf)) failures++;
    }
    return { changes, failures };
  }

  /**
   * Pooled rate and prior strength over all services, as of the start of asOf's hour (so it is
   * computed once an hour, not once a change).
   */
  fleet(asOf: number): FleetStats {
    const bucket = Math.floor(asOf / HOUR) * HOUR;
    const cached = this.fleetCache.get(bucket);
    if (cached) return cached;
    const perService: FailureCount[] = [];
    const byTeam = new Map<string, { changes: number; failures: number }>();
    for (const service of this.byService.keys()) {
      const count = this.serviceCount(service, bucket);
      if (count.changes === 0) continue;
      perService.push(count);
      const team = this.byService.get(service)!.at(-1)!.team;
      if (team !== null) {
        const t = byTeam.get(team) ?? { changes: 0, failures: 0 };
        t.changes += count.changes;
        t.failures += count.failures;
        byTeam.set(team, t);
      }
    }
    const stats = fleetStats(perService, byTeam, this.settings.defaultPriorStrength);
    if (this.fleetCache.size >= this.settings.retentionMs / HOUR)
      this.fleetCache.delete(this.fleetCache.keys().next().value!);
    this.fleetCache.set(bucket, stats);
    this.latestCachedHour = Math.max(this.latestCachedHour, bucket);
    return stats;
  }

  /** The service's failure rate smoothed towards its team's, and the team's towards the fleet's. */
  smoothedRate(service: string, team: string | null, asOf: number): SmoothedRate {
    const fleet = this.fleet(asOf);
    const count = this.serviceCount(service, asOf);
    const m = fleet.priorStrength;
    const teamCount = team === null ? undefined : fleet.byTeam.get(team);
    const teamRate = teamCount ? (teamCount.failures + m * fleet.rate) / (teamCount.changes + m) : null;
    const target = teamRate ?? fleet.rate;
    return {
      service: count,
      serviceRate: count.changes > 0 ? count.failures / count.changes : 0,
      team,
      teamRate,
      fleet,
      smoothed: (count.failures + m * target) / (count.changes + m),
    };
  }

  /** Problems that are open on the service at asOf (candidate, problem or known error). */
  openProblems(service: string, asOf: number): { id: string; title: string; status: ProblemStatus }[] {
    const out: { id: string; title: string; status: ProblemStatus }[] = [];
    for (const [id, versions] of this.problems) {
      let latest: ProblemVersion | undefined;
      for (const v of versions) if (v.at <= asOf && (!latest || v.version > latest.version)) latest = v;
      if (latest && OPEN_PROBLEM.has(latest.status) && latest.services.includes(service)) {
        out.push({ id, title: latest.title, status: latest.status });
      }
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Incidents touching the service opened within `recentIncidentsMs` before asOf (and known by then). */
  recentIncidents(service: string, asOf: number): string[] {
    const out: string[] = [];
    for (const id of this.incidentsByService.get(service) ?? []) {
      const i = this.incidents.get(id)!;
      if (i.openedAt > asOf - this.settings.recentIncidentsMs && i.openedAt <= asOf && i.firstSeenAt <= asOf)
        out.push(id);
    }
    return out.sort();
  }

  /**
   * Earlier changes of the same service in the similarity window that resemble this one:
   * those settled by asOf, and younger ones already known to have failed.
   */
  similarFailures(change: Change, asOf: number): SimilarFailures {
    const list = this.byService.get(change.service) ?? [];
    const keys = new Set(change.configKeys);
    const kind = { changes: 0, failures: 0 };
    const component = { changes: 0, failures: 0 };
    const configKey = { changes: 0, failures: 0 };
    const examples: string[] = [];
    const end = Math.min(asOf, change.startedAt);
    const settled = asOf - this.settings.settleMs;
    for (let i = lowerBound(list, end - this.settings.similarityWindowMs); i < list.length; i++) {
      const c = list[i]!;
      if (c.startedAt > end) break;
      if (c.id === change.id) continue;
      const sameKind = c.kind === change.kind;
      const sameComponent = change.component !== null && c.component === change.component;
      const sameKey = keys.size > 0 && c.configKeys.some((k) => keys.has(k));
      if (!sameKind && !sameComponent && !sameKey) continue;
      const failed = this.ledger.failure(c.id, asOf) !== undefined;
      if (!failed && c.startedAt > settled) continue;
      const count = (c: { changes: number; failures: number }) => {
        c.changes++;
        if (failed) c.failures++;
      };
      if (sameKind) count(kind);
      if (sameComponent) count(component);
      if (sameKey) count(configKey);
      if (failed) {
        examples.push(c.id);
        if (examples.length > 3) examples.shift();
      }
    }
    return {
      sameKind: kind,
      sameComponent: change.component === null ? null : component,
      sameConfigKey: keys.size === 0 ? null : configKey,
      examples,
    };
  }

  // ——— bounding ———

  private touched(at: number): void {
    // A record at `at` changes the fleet figures of the hours from `at` on (only late records).
    if (at <= this.latestCachedHour) {
      for (const bucket of this.fleetCache.keys()) if (bucket >= at) this.fleetCache.delete(bucket);
      this.latestCachedHour = Math.max(Number.NEGATIVE_INFINITY, ...[...this.fleetCache.keys()]);
    }
    if (at <= this.newest) return;
    this.newest = at;
    if (at - this.prunedAt >= DAY) this.prune(at - this.settings.retentionMs);
  }

  private prune(before: number): void {
    this.prunedAt = this.newest;
    for (const [service, list] of this.byService) {
      const cut = lowerBound(list, before);
      for (const c of list.slice(0, cut)) {
        this.changes.delete(c.id);
        this.ledger.forgetChange(c.id);
      }
      list.splice(0, cut);
      if (list.length === 0) this.byService.delete(service);
    }
    for (const [id, i] of this.incidents) {
      if (i.openedAt >= before) continue;
      this.incidents.delete(id);
      this.ledger.forgetIncident(id);
      for (const s of i.services) this.incidentsByService.get(s)?.delete(id);
    }
    for (const [id, versions] of this.problems) {
      const latest = versions.at(-1)!;
      if (latest.at < before && !OPEN_PROBLEM.has(latest.status)) this.problems.delete(id);
    }
  }

  private dropChange(change: Change): void {
    const list = this.byService.get(change.service)!;
    list.splice(list.indexOf(change), 1);
    this.changes.delete(change.id);
    this.ledger.forgetChange(change.id);
  }

  /** Sizes, for tests and metrics. */
  size(): { changes: number; incidents: number; problems: number } {
    return { changes: this.changes.size, incidents: this.incidents.size, problems: this.problems.size };
  }
}

/**
 * Pooled rate, and the beta prior's strength from the between-service spread: with the
 * intra-class correlation ρ = 1/(m+1) of the beta-binomial,
 *   E[S] = μ(1−μ)·[(k−1) + ρ·(N − Σnᵢ²/N − (k−1))],  S = Σ nᵢ (rᵢ − μ)²,
 * so ρ̂ = (S/μ(1−μ) − (k−1)) / (N − Σnᵢ²/N − (k−1)) and m̂ = 1/ρ̂ − 1.
 */
export function fleetStats(
  perService: readonly FailureCount[],
  byTeam: ReadonlyMap<string, FailureCount>,
  defaultStrength: number,
): FleetStats {
  const N = perService.reduce((s, c) => s + c.changes, 0);
  const F = perService.reduce((s, c) => s + c.failures, 0);
  const mu = (F + 10 * 0.1) / (N + 10);
  const k = perService.length;
  let priorStrength = defaultStrength;
  let estimated = false;
  if (k >= 3 && N > 0) {
    const S = perService.reduce((s, c) => s + c.changes * (c.failures / c.changes - mu) ** 2, 0);
    const sumSq = perService.reduce((s, c) => s + c.changes * c.changes, 0);
    const denominator = N - sumSq / N - (k - 1);
    if (denominator > 0) {
      const rho = (S / (mu * (1 - mu)) - (k - 1)) / denominator;
      priorStrength = clamp(rho > 0 ? 1 / rho - 1 : Number.POSITIVE_INFINITY, 2, 500);
      estimated = true;
    }
  }
  return { rate: mu, priorStrength, estimated, total: { changes: N, failures: F }, services: k, byTeam };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** First index with startedAt ≥ t. */
function lowerBound(list: readonly Change[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.startedAt < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with startedAt > t. */
function upperBound(list: readonly Change[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.startedAt <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
