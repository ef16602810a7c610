// Problems for problem managers: rankings by impact, by recurrence in a range or by growth
// against the range before it; one problem with its member incidents, its recorded versions and
// its weekly recurrence; recurrence per week across problems; and the ITIL lifecycle actions,
// and linking or unlinking incidents by hand, each published as a ProblemCommand for the problems app.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Incident, Problem, ProblemAction, ProblemCommand, ProblemStatus } from '#contracts';
import { ALLOWED_FROM, type Clock } from '#core';
import { CLOCK } from '#platform';
import type {
  ChangesRepository,
  IncidentsRepository,
  ProblemRanking,
  ProblemSort,
  ProblemsRepository,
} from '#storage';
import { SloBudgets, type BudgetSpent } from '../slo/slo-budgets.js';
import { CHANGES_REPOSITORY, INCIDENTS_REPOSITORY, PROBLEMS_REPOSITORY } from '../api.tokens.js';
import { CommandsPublisher } from '../commands.publisher.js';
import { badRequest, conflict, notFound } from '../http/api-error.js';
import { offsetPage, type PageOf } from '../http/query.js';
import { weekName, weeklySeries } from './weeks.js';

export interface RankedProblem extends Problem {
  /** Member incidents opened in the range and in the range of equal length before it. */
  readonly window: {
    readonly from: number;
    readonly to: number;
    readonly count: number;
    readonly previous: number;
    readonly growth: number;
  };
  /** SLO budget its member incidents spent of the windows in force. */
  readonly budget: { readonly spent: number; readonly bySlo: BudgetSpent[] };
}

/** Sorting by budget ranks at most this many problems (those with most impact first). */
const BUDGET_SORT_MAX = 500;

export interface WeekCount {
  readonly week: string;
  readonly count: number;
}

export interface ProblemDetailView {
  readonly problem: Problem;
  readonly members: Incident[];
  readonly timeline: Problem[];
  readonly trend: WeekCount[];
}

export interface RecurrenceView {
  readonly from: number;
  readonly to: number;
  readonly service: string | null;
  readonly trend: (WeekCount & { readonly problems: number })[];
}

export interface ProblemListFilter {
  readonly from: number;
  readonly to: number;
  /** Only problems with a member incident in the range. */
  readonly activeOnly: boolean;
  readonly service?: string;
  readonly statuses?: readonly ProblemStatus[];
}

export interface ProblemActionInput {
  readonly action: ProblemAction;
  readonly actor: string;
  readonly workaround: string | null;
  readonly fixChangeId: string | null;
  /** link and unlink: the incident. */
  readonly incidentId: string | null;
  readonly comment: string | null;
}

@Injectable()
export class ProblemsService {
  constructor(
    private readonly commands: CommandsPublisher,
    @Inject(PROBLEMS_REPOSITORY) private readonly problems: ProblemsRepository,
    @Inject(INCIDENTS_REPOSITORY) private readonly incidents: IncidentsRepository,
    @Inject(CHANGES_REPOSITORY) private readonly changes: ChangesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly slos: SloBudgets,
  ) {}

  async list(
    filter: ProblemListFilter,
    sort: ProblemSort | 'budget',
    limit: number,
    offset: number,
  ): Promise<PageOf<RankedProblem>> {
    if (sort !== 'budget') {
      const ranking = await this.problems.ranked({ ...filter, sort, limit: limit + 1, offset });
      const page = offsetPage(ranking, limit, offset, 'problems');
      return { items: await this.ranked(page.items, filter), next: page.next };
    }
    const ranking = await this.problems.ranked({
      ...filter,
      sort: 'impact',
      limit: BUDGET_SORT_MAX,
      offset: 0,
    });
    const items = (await this.ranked(ranking, filter)).sort(
      (a, b) => b.budget.spent - a.budget.spent || b.window.count - a.window.count,
    );
    return offsetPage(items.slice(offset, offset + limit + 1), limit, offset, 'problems');
  }

  private async ranked(
    ranking: readonly ProblemRanking[],
    filter: ProblemListFilter,
  ): Promise<RankedProblem[]> {
    const problems = await this.problems.byIds(ranking.map((r) => r.id));
    const byId = new Map(problems.map((p) => [p.id, p]));
    const incidents = new Map(
      (await this.incidents.byIds([...new Set(problems.flatMap((p) => p.members))])).map((i) => [i.id, i]),
    );
    const now = this.clock.now();
    return Promise.all(
      ranking.flatMap((r) => {
        const problem = byId.get(r.id);
        if (!problem) return [];
        const members = problem.members.flatMap((id) => incidents.get(id) ?? []);
        return [
          this.budgetOf(members, now).then((budget) => ({
            ...problem,
            window: {
              from: filter.from,
              to: filter.to,
              count: r.inRange,
              previous: r.previous,
              growth: r.growth,
            },
            budget,
          })),
        ];
      }),
    );
  }

  /** What its incidents spent of each SLO's budget in force, summed per SLO. */
  private async budgetOf(members: readonly Incident[], now: number): Promise<RankedProblem['budget']> {
    const bySlo = new Map<string, BudgetSpent>();
    for (const incident of members) {
      const from = Math.min(incident.openedAt, ...incident.members.map((m) => m.at));
      for (const b of await this.slos.spentBy(
        incident.services,
        from,
        incident.resolvedAt ?? now,
        now,
        true,
      )) {
        const sum = bySlo.get(b.slo);
        bySlo.set(b.slo, sum ? { ...sum, spent: sum.spent + b.spent } : b);
      }
    }
    const list = [...bySlo.values()].sort((a, b) => b.spent - a.spent);
    return { spent: list.reduce((a, b) => a + b.spent, 0), bySlo: list };
  }

  async detail(id: string): Promise<ProblemDetailView> {
    const problem = await this.problems.get(id);
    if (!problem) throw notFound('problem', id);
    const [members, versions] = await Promise.all([
      this.incidents.byIds(problem.members),
      this.problems.versions(id),
    ]);
    const timeline = new Map(versions.filter((v) => v.version <= problem.version).map((v) => [v.version, v]));
    timeline.set(problem.version, problem);
    const counts = new Map<string, { count: number }>();
    for (const incident of members) {
      const week = weekName(incident.openedAt);
      counts.set(week, { count: (counts.get(week)?.count ?? 0) + 1 });
    }
    const opened = members.map((m) => m.openedAt);
    const trend =
      opened.length === 0
        ? []
        : weeklySeries(Math.min(...opened), Math.max(...opened), counts, () => ({ count: 0 }));
    return {
      problem,
      members: members.sort((a, b) => b.openedAt - a.openedAt || a.id.localeCompare(b.id)),
      timeline: [...timeline.values()].sort((a, b) => a.version - b.version),
      trend,
    };
  }

  async recurrence(from: number, to: number, service?: string): Promise<RecurrenceView> {
    const rows = await this.problems.weeklyRecurrence(from, to, service);
    const counts = new Map(rows.map((r) => [r.week, { count: r.incidents, problems: r.problems }]));
    return {
      from,
      to,
      service: service ?? null,
      trend: weeklySeries(from, to - 1, counts, () => ({ count: 0, problems: 0 })),
    };
  }

  async act(id: string, input: ProblemActionInput): Promise<ProblemCommand> {
    const problem = await this.problems.get(id);
    if (!problem) throw notFound('problem', id);
    // "Fixed by" must name a change Aftershock has on record, so the problem links to it.
    if (input.fixChangeId !== null && !(await this.changes.get(input.fixChangeId))) {
      throw badRequest(
        'fixChangeId',
        `no change with id "${input.fixChangeId}" is on record`,
        'request.unknown-change',
      );
    }
    const allowed = ALLOWED_FROM[input.action];
    if (!allowed.includes(problem.status)) {
      const from = allowed.filter((s) => s !== 'cluster').join(', ');
      throw conflict(
        `the problem is ${problem.status}: ${input.action} applies only to a problem that is ${from}`,
        'problem.command-not-applicable',
      );
    }
    if (input.action === 'link' || input.action === 'unlink') await this.checkLink(problem, input);
    return this.commands.problem({
      id: `pcmd_${randomUUID()}`,
      problemId: problem.id,
      action: input.action,
      actor: input.actor,
      at: this.clock.now(),
      workaround: input.workaround,
      fixChangeId: input.fixChangeId,
      comment: input.comment,
      incidentId: input.incidentId,
    });
  }

  /** A link names a recorded incident that is not a member yet; an unlink, a member that is not the last. */
  private async checkLink(problem: Problem, input: ProblemActionInput): Promise<void> {
    const incidentId = input.incidentId;
    if (incidentId === null) throw badRequest('incidentId', `required to ${input.action} an incident`);
    if (!(await this.incidents.get(incidentId))) throw notFound('incident', incidentId);
    const member = problem.members.includes(incidentId);
    if (input.action === 'link' && member)
      throw conflict(`incident ${incidentId} is already a member of ${problem.id}`, 'problem.already-linked');
    if (input.action === 'unlink' && !member)
      throw conflict(`incident ${incidentId} is not a member of ${problem.id}`, 'problem.not-linked');
    if (input.action === 'unlink' && problem.members.length === 1)
      throw conflict(
        `incident ${incidentId} is the only member of ${problem.id}: reject the problem instead`,
        'problem.last-member',
      );
  }
}
