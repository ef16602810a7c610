// The service-management scorecard: per service and per team over a period, what the service
// promised against what it delivered (SLO attainment and budget), how it changes (DORA figures
// and their 2021 bands, verification outcomes), how incidents are handled (time to acknowledge
// and to resolve), the problem backlog and its age, and the share of each SLO's budget that
// recurring problems spent — each figure with a link to its evidence — and the three actions
// the data supports most. Pure: the api gathers the inputs, renderers turn it into Markdown or
// HTML (render.ts).
//
// Ranking the actions: each candidate carries its weight in "budgets at stake" so different
// kinds compare — a problem's share of an SLO's budget is that share; an exhausted SLO weighs
// 1 plus its overspend; a change failure rate or a time to restore in the DORA "low" band weighs
// 0.5 ("medium" 0.25); an open problem weighs its age over 90 days (at most 1). Ties: the
// larger figure first, then by name, so the same data gives the same three every time.
import type { DoraBand } from '../dora/bands.js';
import { durations as doraDurations } from '../dora/dora.js';

export interface ScorecardSlo {
  readonly name: string;
  readonly service: string;
  readonly target: number;
  readonly sli: number | null;
  /** Share of the window's budget spent (above 1 once overspent). */
  readonly consumed: number;
  readonly window: string;
}

export interface ScorecardDora {
  readonly deploymentsPerDay: number;
  readonly leadTimeMedianMs: number | null;
  readonly changeFailureRate: number | null;
  readonly timeToRestoreMedianMs: number | null;
  readonly bands: {
    readonly deploymentFrequency: DoraBand;
    readonly leadTime: DoraBand | null;
    readonly changeFailureRate: DoraBand | null;
    readonly timeToRestore: DoraBand | null;
  };
  readonly band: DoraBand | null;
}

export interface ScorecardIncident {
  readonly id: string;
  readonly service: string;
  readonly openedAt: number;
  /** First acknowledgement (or resolution, when it was resolved without one); null while neither. */
  readonly respondedAt: number | null;
  readonly resolvedAt: number | null;
}

export interface ScorecardProblem {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly services: readonly string[];
  readonly firstSeen: number;
  readonly incidents: number;
  /** Budget its incidents spent of each SLO's window in force. */
  readonly spent: readonly { readonly slo: string; readonly spent: number }[];
}

export interface ScorecardInput {
  readonly from: number;
  readonly to: number;
  readonly now: number;
  /** Every service in scope, with its team. */
  readonly services: readonly { readonly service: string; readonly team: string | null }[];
  readonly slos: readonly ScorecardSlo[];
  readonly dora: ReadonlyMap<string, ScorecardDora>;
  readonly verifications: ReadonlyMap<string, { pass: number; fail: number; inconclusive: number }>;
  readonly incidents: readonly ScorecardIncident[];
  readonly problems: readonly ScorecardProblem[];
}

export type Attainment = 'met' | 'missed' | 'no-data';

export interface SloLine extends ScorecardSlo {
  /** SLI against target over the window. */
  readonly attainment: Attainment;
  /** Share of its spent budget that recurring problems spent (0 when none was spent). */
  readonly recurringShare: number;
  readonly link: string;
}

/** How many, and their median (null when none). */
export interface ResponseTimes {
  readonly count: number;
  readonly medianMs: number | null;
}

export interface ServiceCard {
  readonly service: string;
  readonly team: string | null;
  readonly slos: readonly SloLine[];
  readonly dora: ScorecardDora | null;
  readonly verifications: { readonly pass: number; readonly fail: number; readonly inconclusive: number };
  readonly incidents: {
    readonly count: number;
    readonly timeToAcknowledge: ResponseTimes;
    readonly timeToResolve: ResponseTimes;
    readonly link: string;
  };
  readonly problems: {
    /** Open problems (not resolved, verified or rejected) of the service. */
    readonly backlog: number;
    readonly oldestDays: number | null;
    readonly link: string;
  };
}

export interface TeamCard {
  readonly team: string | null;
  readonly services: readonly string[];
  readonly slosMet: number;
  readonly slos: number;
  readonly verifications: ServiceCard['verifications'];
  readonly incidents: number;
  readonly timeToAcknowledge: ResponseTimes;
  readonly timeToResolve: ResponseTimes;
  readonly backlog: number;
}

export interface ScorecardAction {
  readonly text: string;
  readonly link: string;
  /** Budgets at stake (see the header): what ranks the actions. */
  readonly weight: number;
}

export interface Scorecard {
  readonly from: number;
  readonly to: number;
  readonly services: readonly ServiceCard[];
  readonly teams: readonly TeamCard[];
  readonly actions: readonly ScorecardAction[];
  readonly references: { readonly dora: string; readonly slo: string };
}

const DAY = 86_400_000;
const OPEN_PROBLEM = new Set(['candidate', 'problem', 'known_error']);
const BAND_WEIGHT: Partial<Record<DoraBand, number>> = { low: 0.5, medium: 0.25 };

export const SCORECARD_REFERENCES = {
  dora: 'DORA State of DevOps 2021 performance bands (elite, high, medium, low)',
  slo: 'each SLO against its own target over its window (OpenSLO definitions)',
};

export function scorecard(input: ScorecardInput): Scorecard {
  const services = [...input.services].sort((a, b) => a.service.localeCompare(b.service));
  const recurring = recurringSpend(input.problems);
  const cards = services.map((s) => serviceCard(s.service, s.team, input, recurring));
  return {
    from: input.from,
    to: input.to,
    services: cards,
    teams: teamCards(cards, input),
    actions: actions(input, cards).slice(0, 3),
    references: SCORECARD_REFERENCES,
  };
}

/** Per SLO: the budget the problems' incidents spent, and by which problem. */
function recurringSpend(
  problems: readonly ScorecardProblem[],
): Map<string, { problem: ScorecardProblem; spent: number }[]> {
  const out = new Map<string, { problem: ScorecardProblem; spent: number }[]>();
  for (const p of problems)
    for (const s of p.spent) {
      if (s.spent <= 0) continue;
      const list = out.get(s.slo) ?? [];
      list.push({ problem: p, spent: s.spent });
      out.set(s.slo, list);
    }
  return out;
}

function serviceCard(
  service: string,
  team: string | null,
  input: ScorecardInput,
  recurring: Map<string, { problem: ScorecardProblem; spent: number }[]>,
): ServiceCard {
  const slos = input.slos
    .filter((s) => s.service === service)
    .map((s): SloLine => {
      const byProblems = (recurring.get(s.name) ?? []).reduce((a, b) => a + b.spent, 0);
      return {
        ...s,
        attainment: s.sli === null ? 'no-data' : s.sli >= s.target ? 'met' : 'missed',
        recurringShare: s.consumed > 0 ? Math.min(1, byProblems / s.consumed) : 0,
        link: `#/slos/${encodeURIComponent(s.name)}`,
      };
    });
  const incidents = input.incidents.filter((i) => i.service === service);
  const problems = input.problems.filter((p) => p.services.includes(service) && OPEN_PROBLEM.has(p.status));
  const oldest = problems.reduce((a, p) => Math.min(a, p.firstSeen), Infinity);
  return {
    service,
    team,
    slos,
    dora: input.dora.get(service) ?? null,
    verifications: input.verifications.get(service) ?? { pass: 0, fail: 0, inconclusive: 0 },
    incidents: {
      count: incidents.length,
      ...responseTimes(incidents),
      link: `#/incidents?service=${encodeURIComponent(service)}`,
    },
    problems: {
      backlog: problems.length,
      oldestDays: Number.isFinite(oldest) ? Math.floor((input.now - oldest) / DAY) : null,
      link: `#/problems?service=${encodeURIComponent(service)}`,
    },
  };
}

function responseTimes(incidents: readonly ScorecardIncident[]) {
  const ack = incidents.flatMap((i) => (i.respondedAt === null ? [] : [i.respondedAt - i.openedAt]));
  const resolve = incidents.flatMap((i) => (i.resolvedAt === null ? [] : [i.resolvedAt - i.openedAt]));
  return { timeToAcknowledge: durations(ack), timeToResolve: durations(resolve) };
}

function durations(values: readonly number[]): ResponseTimes {
  if (values.length === 0) return { count: 0, medianMs: null };
  return { count: values.length, medianMs: doraDurations(values).medianMs };
}

function teamCards(cards: readonly ServiceCard[], input: ScorecardInput): TeamCard[] {
  const teams = new Map<string | null, ServiceCard[]>();
  for (const c of cards) teams.set(c.team, [...(teams.get(c.team) ?? []), c]);
  return [...teams]
    .sort(([a], [b]) => (a ?? '\uffff').localeCompare(b ?? '\uffff'))
    .map(([team, members]) => {
      const names = new Set(members.map((m) => m.service));
      const slos = members.flatMap((m) => m.slos);
      const sum = (f: (c: ServiceCard) => number) => members.reduce((a, c) => a + f(c), 0);
      const backlog = input.problems.filter(
        (p) => OPEN_PROBLEM.has(p.status) && p.services.some((s) => names.has(s)),
      ).length;
      return {
        team,
        services: [...names],
        slosMet: slos.filter((s) => s.attainment === 'met').length,
        slos: slos.length,
        verifications: {
          pass: sum((c) => c.verifications.pass),
          fail: sum((c) => c.verifications.fail),
          inconclusive: sum((c) => c.verifications.inconclusive),
        },
        incidents: sum((c) => c.incidents.count),
        ...responseTimes(input.incidents.filter((i) => names.has(i.service))),
        backlog,
      };
    });
}

function actions(input: ScorecardInput, cards: readonly ServiceCard[]): ScorecardAction[] {
  const out: (ScorecardAction & { readonly tie: number })[] = [];
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  for (const slo of input.slos) {
    if (slo.consumed <= 0) continue;
    for (const p of input.problems) {
      const spent = p.spent.find((s) => s.slo === slo.name)?.spent ?? 0;
      if (spent <= 0 || !OPEN_PROBLEM.has(p.status)) continue;
      const share = Math.min(1, spent / slo.consumed);
      out.push({
        text: `Problem "${p.title}" accounts for ${pct(share)} of the budget ${slo.name} has spent (${p.incidents} incidents): resolve it`,
        link: `#/problems/${encodeURIComponent(p.id)}`,
        weight: spent,
        tie: share,
      });
    }
    if (slo.consumed >= 1)
      out.push({
        text: `${slo.name} has spent ${pct(slo.consumed)} of its ${slo.window} budget: hold changes that do not repair it (the gate's error-budget rule)`,
        link: `#/slos/${encodeURIComponent(slo.name)}`,
        weight: slo.consumed,
        tie: slo.consumed,
      });
  }
  for (const c of cards) {
    const d = c.dora;
    if (d?.changeFailureRate !== null && d?.bands.changeFailureRate && BAND_WEIGHT[d.bands.changeFailureRate])
      out.push({
        text: `${c.service} fails ${pct(d.changeFailureRate!)} of its changes (DORA ${d.bands.changeFailureRate}; elite and high ≤ 15%): verify them before full rollout`,
        link: `#/changes?service=${encodeURIComponent(c.service)}`,
        weight: BAND_WEIGHT[d.bands.changeFailureRate]!,
        tie: d.changeFailureRate!,
      });
    if (d?.timeToRestoreMedianMs != null && d.bands.timeToRestore && BAND_WEIGHT[d.bands.timeToRestore])
      out.push({
        text: `${c.service} takes ${hours(d.timeToRestoreMedianMs)} to restore service (median; DORA ${d.bands.timeToRestore}, elite < 1 h): rehearse its rollback`,
        link: c.incidents.link,
        weight: BAND_WEIGHT[d.bands.timeToRestore]!,
        tie: d.timeToRestoreMedianMs,
      });
  }
  for (const p of input.problems) {
    if (!OPEN_PROBLEM.has(p.status)) continue;
    const days = (input.now - p.firstSeen) / DAY;
    if (days < 30) continue;
    out.push({
      text: `Problem "${p.title}" has been open ${Math.floor(days)} days (${p.incidents} incidents): find its root cause or record a workaround`,
      link: `#/problems/${encodeURIComponent(p.id)}`,
      weight: Math.min(1, days / 90),
      tie: days,
    });
  }
  return out
    .sort((a, b) => b.weight - a.weight || b.tie - a.tie || a.text.localeCompare(b.text))
    .map(({ text, link, weight }) => ({ text, link, weight }));
}

function hours(ms: number): string {
  return ms >= DAY ? `${(ms / DAY).toFixed(1)} days` : `${(ms / 3_600_000).toFixed(1)} h`;
}
