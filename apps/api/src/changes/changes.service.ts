// Changes for people: a timeline (newest first, keyset-paged) with each change's verdict and
// risk class, and one change with every verification look and its assessment.
import { Inject, Injectable } from '@nestjs/common';
import type { Assessment, Change, Verdict } from '#contracts';
import type { Clock } from '#core';
import { CLOCK } from '#platform';
import type {
  AssessmentsRepository,
  ChangesFilter,
  ChangesPosition,
  ChangesRepository,
  VerdictsRepository,
} from '#storage';
import { ASSESSMENTS_REPOSITORY, CHANGES_REPOSITORY, VERDICTS_REPOSITORY } from '../api.tokens.js';
import { notFound } from '../http/api-error.js';
import { encodeCursor, type PageOf } from '../http/query.js';
import { SloBudgets, type BudgetSpent } from '../slo/slo-budgets.js';

export interface ChangeListItem extends Change {
  /** The latest look of its verification (the final one once there is one); null before any. */
  readonly verdict: Verdict | null;
  /** Its risk assessment; null when none is recorded. */
  readonly assessment: Assessment | null;
}

export interface ChangeDetailView {
  readonly change: Change;
  readonly verdicts: Verdict[];
  readonly assessment: Assessment | null;
  /**
   * A failed change: the SLO budget of its service its regression burned, from the start of its
   * observation until the next change of the service replaced it (a rollback, a fix), or now.
   * Empty when it did not fail or no SLO applies.
   */
  readonly budgets: BudgetSpent[];
}

/** Later changes of the service looked at for the one that ended a regression. */
const NEXT_CHANGES = 500;

export type ChangesCursor = ChangesPosition;

@Injectable()
export class ChangesService {
  constructor(
    @Inject(CHANGES_REPOSITORY) private readonly changes: ChangesRepository,
    @Inject(VERDICTS_REPOSITORY) private readonly verdicts: VerdictsRepository,
    @Inject(ASSESSMENTS_REPOSITORY) private readonly assessments: AssessmentsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly slos: SloBudgets,
  ) {}

  async list(filter: ChangesFilter, limit: number, after?: ChangesCursor): Promise<PageOf<ChangeListItem>> {
    const rows = await this.changes.list({ ...filter, limit: limit + 1, after });
    const page = rows.slice(0, limit);
    const ids = page.map((c) => c.id);
    const [verdicts, assessments] = await Promise.all([
      this.verdicts.byChanges(ids),
      this.assessments.latestByChanges(ids),
    ]);
    const latest = new Map<string, Verdict>();
    for (const v of verdicts) {
      const known = latest.get(v.changeId);
      if (!known || (!known.final && (v.final || v.look > known.look))) latest.set(v.changeId, v);
    }
    const risk = new Map(assessments.map((a) => [a.changeId, a]));
    const items = page.map((change): ChangeListItem => {
      return { ...change, verdict: latest.get(change.id) ?? null, assessment: risk.get(change.id) ?? null };
    });
    const last = page.at(-1);
    return {
      items,
      next: rows.length > limit && last ? encodeCursor('changes', { t: last.startedAt, i: last.id }) : null,
    };
  }

  async detail(id: string): Promise<ChangeDetailView> {
    const change = await this.changes.get(id);
    if (!change) throw notFound('change', id);
    const [verdicts, assessments] = await Promise.all([
      this.verdicts.byChange(id),
      this.assessments.byChange(id),
    ]);
    return {
      change,
      verdicts,
      assessment: assessments[0] ?? null,
      budgets: await this.regressionBudgets(change, verdicts),
    };
  }

  private async regressionBudgets(change: Change, verdicts: readonly Verdict[]): Promise<BudgetSpent[]> {
    const last = verdicts.find((v) => v.final) ?? verdicts.at(-1);
    if (last?.outcome !== 'fail') return [];
    const now = this.clock.now();
    const later = await this.changes.list({
      from: change.startedAt + 1,
      to: now + 1,
      services: [change.service],
      environment: change.environment,
      limit: NEXT_CHANGES,
    });
    const end = later.reduce((a, c) => Math.min(a, c.startedAt), now);
    return this.slos.spentBy([change.service], last.observationStart, end, now);
  }
}
