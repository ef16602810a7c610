// Synthetic change histories whose truth is known, for the specs only — no reported figure comes
// from them (the backtest in eval/risk runs on real change histories): each
// service has a true base failure log-odds, each change's true failure probability is that
// plus known effects of its features, and each failure leaves the records Aftershock would
// have (a fail verdict, an incident naming the change, a rollback — at least one). Seeded
// and deterministic: the same options give the same history, event for event.
import type { Change, ChangeKind, Incident, Problem, RolloutStrategy, Verdict } from '#contracts';
import { NO_RESPONDER_STATE } from '../correlation/responder-actions.js';
import { localTime } from '../policy/zoned-time.js';
import type { HistoryEvent } from './change-history.js';
import { sigmoid } from './logistic.js';
import { MinHeap } from '../stats/min-heap.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Mulberry32: a small, fast, seedable PRNG with uniform output in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** True effects on the log-odds of failure. */
export interface TrueEffects {
  readonly kind: Readonly<Record<ChangeKind, number>>;
  /** Per doubling of size over 100 lines. */
  readonly sizeDoubling: number;
  readonly offHours: number;
  readonly weekend: number;
  readonly rollout: Readonly<Record<RolloutStrategy, number>>;
  readonly manual: number;
  readonly testsFailed: number;
  readonly noTests: number;
  readonly openProblem: number;
  /** Per doubling of 1 + incidents on the service in the last day. */
  readonly recentIncidents: number;
  readonly fragileComponent: number;
  readonly fragileConfigKey: number;
}

export const TRUE_EFFECTS: TrueEffects = {
  kind: {
    deployment: 0,
    config: 0.3,
    feature_flag: -0.3,
    infrastructure: 0.5,
    database_migration: 0.9,
    rollback: -0.8,
    other: 0,
  },
  sizeDoubling: 0.2,
  offHours: 0.4,
  weekend: 0.6,
  rollout: { unknown: 0, canary: -0.6, progressive: -0.4, blue_green: -0.3, all_at_once: 0.5 },
  manual: 0.6,
  testsFailed: 1.3,
  noTests: 0.3,
  openProblem: 0.8,
  recentIncidents: 0.3,
  fragileComponent: 0.9,
  fragileConfigKey: 1.1,
};

export interface SimulatedService {
  readonly name: string;
  readonly team: string;
  readonly timeZone: string;
  /** True failure probability of a routine change (no effects). */
  readonly baseRate: number;
  readonly changesPerDay: number;
  readonly fragileComponent: string;
  readonly fragileConfigKey: string;
}

export interface SimulationOptions {
  readonly seed: number;
  /** Count (rates drawn at random) or explicit services. */
  readonly services: number | readonly Partial<SimulatedService>[];
  readonly days: number;
  readonly start?: number;
  /** Routine changes only (deployment, automated, tests passed, 100 lines, business hours, no episodes): p = base rate. */
  readonly routine?: boolean;
  readonly effects?: TrueEffects;
}

export interface SimulatedHistory {
  readonly services: readonly SimulatedService[];
  /** All records in event-time order. */
  readonly events: readonly HistoryEvent[];
  /** Per change: its true failure probability and whether it failed. */
  readonly truth: ReadonlyMap<string, { readonly probability: number; readonly failed: boolean }>;
}

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];
const COMPONENTS = ['api', 'worker', 'db', 'ui', 'cache'];
const KINDS: [ChangeKind, number][] = [
  ['deployment', 0.6],
  ['config', 0.15],
  ['feature_flag', 0.12],
  ['infrastructure', 0.05],
  ['database_migration', 0.03],
  ['other', 0.05],
];
const ROLLOUTS: [RolloutStrategy, number][] = [
  ['canary', 0.35],
  ['progressive', 0.2],
  ['all_at_once', 0.2],
  ['unknown', 0.2],
  ['blue_green', 0.05],
];

export function simulateHistory(options: SimulationOptions): SimulatedHistory {
  const random = seededRandom(options.seed);
  const effects = options.effects ?? TRUE_EFFECTS;
  const start = options.start ?? Date.UTC(2026, 0, 5);
  const end = start + options.days * DAY;
  const pick = <T>(weighted: [T, number][]): T => {
    let u = random() * weighted.reduce((s, [, w]) => s + w, 0);
    for (const [v, w] of weighted) if ((u -= w) < 0) return v;
    return weighted.at(-1)![0];
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const specs =
    typeof options.services === 'number' ? new Array(options.services).fill({}) : options.services;
  const services: SimulatedService[] = specs.map((s: Partial<SimulatedService>, i: number) => ({
    name: s.name ?? `svc-${String(i).padStart(2, '0')}`,
    team: s.team ?? `team-${i % 6}`,
    timeZone: s.timeZone ?? ZONES[i % ZONES.length]!,
    baseRate: s.baseRate ?? sigmoid(-4.4 + random() * 3.4), // 1% … 27%
    changesPerDay: s.changesPerDay ?? 1 + random() * 5,
    fragileComponent: s.fragileComponent ?? COMPONENTS[Math.floor(random() * COMPONENTS.length)]!,
    fragileConfigKey: s.fragileConfigKey ?? `key-${Math.floor(random() * 6)}`,
  }));

  const events: HistoryEvent[] = [];
  const truth = new Map<string, { probability: number; failed: boolean }>();
  const incidentsOn = new Map<string, number[]>(); // openedAt per service
  const episodes = new Map<string, { from: number; to: number }[]>();
  const queue = new MinHeap<Change>((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
  let seq = 0;

  for (const s of services) {
    incidentsOn.set(s.name, []);
    // Problem episodes (unstable periods): an open problem, extra incidents, riskier changes.
    const list: { from: number; to: number }[] = [];
    if (!options.routine) {
      for (let t = start + minutes(expo(random, 45 * DAY)); t < end; t += minutes(expo(random, 45 * DAY))) {
        const to = t + minutes((3 + random() * 7) * DAY);
        list.push({ from: t, to });
        const problem = aSimProblem(`prb-${s.name}-${list.length}`, s, t, to);
        events.push(
          { type: 'problem', at: t, value: problem[0] },
          { type: 'problem', at: to, value: problem[1] },
        );
        for (let u = t + minutes(expo(random, 2 * DAY)); u < to; u += minutes(expo(random, 2 * DAY))) {
          addIncident(
            events,
            incidentsOn,
            s,
            `inc-noise-${s.name}-${seq++}`,
            u,
            u + minutes((20 + random() * 100) * MINUTE),
            null,
          );
        }
        t = to;
      }
    }
    episodes.set(s.name, list);
    // Change arrivals, thinned by time of day: busy in business hours, quiet at night and weekends.
    const candidates = Math.round(options.days * s.changesPerDay * 2.2);
    for (let k = 0; k < candidates; k++) {
      const at = start + Math.floor((random() * (end - start)) / MINUTE) * MINUTE;
      const local = localTime(at, s.timeZone);
      const weekend = local.weekday >= 5;
      const business = !weekend && local.hour >= 8 && local.hour < 18;
      const keep = options.routine ? (business ? 1 : 0) : business ? 1 : weekend ? 0.08 : 0.15;
      if (random() >= keep) continue;
      queue.push(routineOr(options.routine ?? false, s, at, `chg-${s.name}-${seq++}`));
    }
  }

  function routineOr(routine: boolean, s: SimulatedService, at: number, id: string): Change {
    if (routine) return aSimChange(s, id, at, {});
    const kind = pick(KINDS);
    const automated = random() < 0.85;
    const testsPassed = automated
      ? pick<boolean | null>([
          [true, 0.9],
          [false, 0.03],
          [null, 0.07],
        ])
      : pick<boolean | null>([
          [null, 0.6],
          [true, 0.4],
        ]);
    const sizeLines =
      random() < 0.15
        ? null
        : Math.max(1, Math.round(Math.exp(Math.log(kind === 'deployment' ? 80 : 8) + 1.3 * normal())));
    const component = random() < 0.8 ? COMPONENTS[Math.floor(random() * COMPONENTS.length)]! : null;
    const configKeys =
      kind === 'config' || kind === 'feature_flag' ? [`key-${Math.floor(random() * 6)}`] : [];
    return aSimChange(s, id, at, {
      kind,
      automated,
      testsPassed,
      sizeLines,
      component,
      configKeys,
      rollout: pick(ROLLOUTS),
    });
  }

  const byName = new Map(services.map((s) => [s.name, s]));
  for (let change = queue.pop(); change; change = queue.pop()) {
    const s = byName.get(change.service)!;
    const t = change.startedAt;
    const local = localTime(t, s.timeZone);
    const weekend = local.weekday >= 5;
    const offHours = !weekend && (local.hour < 8 || local.hour >= 18);
    const inEpisode = episodes.get(s.name)!.some((e) => t >= e.from && t < e.to);
    const recent = incidentsOn.get(s.name)!.filter((o) => o > t - DAY && o <= t).length;
    const tests = change.pipeline?.testsPassed ?? null;
    const logOdds =
      Math.log(s.baseRate / (1 - s.baseRate)) +
      effects.kind[change.kind] +
      (change.sizeLines === null ? 0 : effects.sizeDoubling * Math.log2((change.sizeLines + 1) / 101)) +
      (offHours ? effects.offHours : 0) +
      (weekend ? effects.weekend : 0) +
      effects.rollout[change.rollout] +
      (change.automated ? 0 : effects.manual) +
      (tests === false ? effects.testsFailed : tests === null ? effects.noTests : 0) +
      (inEpisode ? effects.openProblem : 0) +
      effects.recentIncidents * Math.log2(1 + recent) +
      (change.component === s.fragileComponent ? effects.fragileComponent : 0) +
      (change.configKeys.includes(s.fragileConfigKey) ? effects.fragileConfigKey : 0);
    const probability = options.routine ? s.baseRate : sigmoid(logOdds);
    const failed = random() < probability;
    truth.set(change.id, { probability, failed });
    events.push({ type: 'change', at: t, value: change });
    const done = change.finishedAt ?? t;
    const verdict = random() < 0.8;
    const incident = failed && random() < 0.6;
    const rollback = failed && change.kind !== 'rollback' && random() < 0.35;
    if (verdict || (failed && !incident && !rollback)) {
      const v = aSimVerdict(change, failed ? 'fail' : 'pass', done + 20 * MINUTE);
      events.push({ type: 'verdict', at: v.decidedAt, value: v });
    }
    if (incident) {
      const opened = done + minutes((5 + random() * 85) * MINUTE);
      const restore = minutes((10 + Math.exp(Math.log(40) + normal())) * MINUTE);
      addIncident(events, incidentsOn, s, `inc-${change.id}`, opened, opened + restore, {
        changeId: change.id,
        probability: 0.55 + random() * 0.4,
        kind: change.kind,
      });
    }
    if (rollback) {
      const at = done + minutes((10 + random() * 50) * MINUTE);
      if (at < end) {
        queue.push(
          aSimChange(s, `rb-${change.id}`, at, {
            kind: 'rollback',
            rollbackOf: change.id,
            rollout: 'all_at_once',
            sizeLines: change.sizeLines,
            component: change.component,
          }),
        );
      }
    }
  }
  events.sort((a, b) => a.at - b.at || order(a) - order(b));
  return { services, events, truth };
}

const ORDER = { problem: 0, change: 1, verdict: 2, incident: 3 } as const;
const order = (e: HistoryEvent) => ORDER[e.type];

/** Whole minutes: canonical timestamps are integer milliseconds. */
function minutes(ms: number): number {
  return Math.round(ms / MINUTE) * MINUTE;
}

function expo(random: () => number, mean: number): number {
  return -Math.log(1 - random()) * mean;
}

function aSimChange(
  s: SimulatedService,
  id: string,
  at: number,
  o: Partial<
    Pick<Change, 'kind' | 'automated' | 'sizeLines' | 'component' | 'configKeys' | 'rollout' | 'rollbackOf'>
  > & {
    testsPassed?: boolean | null;
  },
): Change {
  const automated = o.automated ?? true;
  const testsPassed = o.testsPassed === undefined ? true : o.testsPassed;
  return {
    id,
    source: 'simulation',
    kind: o.kind ?? 'deployment',
    service: s.name,
    environment: 'production',
    version: null,
    previousVersion: null,
    startedAt: at,
    finishedAt: at + 5 * MINUTE,
    scope: 'service',
    scopeName: null,
    automated,
    initiator: automated ? 'ci' : 'someone',
    pipeline:
      automated || testsPassed !== null
        ? { name: 'deploy', runId: null, url: null, testsPassed, testsRun: null, testsFailed: null }
        : null,
    rollout: o.rollout ?? 'unknown',
    sizeLines: o.sizeLines === undefined ? 100 : o.sizeLines,
    component: o.component ?? null,
    configKeys: o.configKeys ?? [],
    rollbackOf: o.rollbackOf ?? null,
    links: [],
    labels: {},
    commitAt: at - Math.round(HOUR + ((id.length * 7919) % 47) * HOUR),
    team: s.team,
    content: null,
  };
}

function aSimVerdict(change: Change, outcome: 'pass' | 'fail', at: number): Verdict {
  const done = change.finishedAt ?? change.startedAt;
  return {
    id: `${change.id}/1`,
    changeId: change.id,
    service: change.service,
    environment: change.environment,
    outcome,
    score: outcome === 'fail' ? 5 : 95,
    look: 1,
    final: true,
    decidedAt: at,
    baselineStart: change.startedAt - 30 * MINUTE,
    baselineEnd: change.startedAt,
    observationStart: done,
    observationEnd: at,
    metrics: [],
    summary: outcome === 'fail' ? 'regression' : 'no regression',
    team: change.team,
  };
}

function addIncident(
  events: HistoryEvent[],
  incidentsOn: Map<string, number[]>,
  s: SimulatedService,
  id: string,
  openedAt: number,
  resolvedAt: number,
  suspect: { changeId: string; probability: number; kind: ChangeKind } | null,
): void {
  const suspects = suspect
    ? [
        {
          changeId: suspect.changeId,
          service: s.name,
          kind: suspect.kind,
          component: null,
          probability: suspect.probability,
          evidence: [],
        },
        {
          changeId: null,
          service: null,
          kind: null,
          component: null,
          probability: 1 - suspect.probability,
          evidence: [],
        },
      ]
    : [{ changeId: null, service: null, kind: null, component: null, probability: 1, evidence: [] }];
  const opened: Incident = {
    id,
    version: 1,
    event: 'opened',
    status: 'open',
    kind: suspect ? 'regression' : 'alert',
    title: `incident on ${s.name}`,
    summary: '',
    severity: 'high',
    service: s.name,
    services: [s.name],
    environment: 'production',
    openedAt,
    updatedAt: openedAt,
    resolvedAt: null,
    members: [],
    suspects,
    blastRadius: 1,
    actor: null,
    comment: null,
    team: s.team,
    labels: {},
    ...NO_RESPONDER_STATE,
  };
  const resolved: Incident = {
    ...opened,
    version: 2,
    event: 'resolved',
    status: 'resolved',
    updatedAt: resolvedAt,
    resolvedAt,
  };
  events.push(
    { type: 'incident', at: openedAt, value: opened },
    { type: 'incident', at: resolvedAt, value: resolved },
  );
  incidentsOn.get(s.name)!.push(openedAt);
}

function aSimProblem(id: string, s: SimulatedService, from: number, to: number): [Problem, Problem] {
  const open: Problem = {
    id,
    version: 1,
    signature: id,
    status: 'problem',
    title: `recurring errors on ${s.name}`,
    template: '',
    services: [s.name],
    members: [],
    count: 3,
    firstSeen: from,
    lastSeen: from,
    mttrMs: null,
    impact: 0,
    sharedFactors: [],
    periodMs: null,
    workaround: null,
    fixChangeId: null,
    reopened: false,
    actor: null,
    comment: null,
    updatedAt: from,
    team: s.team,
  };
  return [open, { ...open, version: 2, status: 'resolved', lastSeen: to, updatedAt: to }];
}
