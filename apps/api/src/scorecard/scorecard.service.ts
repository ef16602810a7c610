// The scorecard's inputs, gathered from what the other views already compute — DORA figures
// (DoraService), SLO budgets (SloBudgets), problems with the budget their incidents spent
// (ProblemsService) — plus the verdicts and incidents of the period, then handed to the core
// (libs/core/src/scorecard) that judges them and picks the actions.
import { Inject, Injectable } from '@nestjs/common';
import type { Catalog } from '#catalog';
import { scorecard, type Scorecard, type ScorecardInput } from '#core';
import { collectScan, type IncidentsRepository, type VerdictsRepository } from '#storage';
import { INCIDENTS_REPOSITORY, SERVICE_CATALOG, VERDICTS_REPOSITORY } from '../api.tokens.js';
import { DoraService } from '../dora/dora.service.js';
import { ProblemsService } from '../problems/problems.service.js';
import { SloBudgets } from '../slo/slo-budgets.js';
import { scorecardDora, scorecardProblem, scorecardSlo, verificationCounts } from './scorecard-input.js';

/** Problems considered (the ones with most impact first). */
const MAX_PROBLEMS = 500;

export interface ScorecardQuery {
  readonly from: number;
  readonly to: number;
  readonly now: number;
  readonly service?: string;
  readonly team?: string;
}

@Injectable()
export class ScorecardService {
  constructor(
    private readonly dora: DoraService,
    private readonly slos: SloBudgets,
    private readonly problems: ProblemsService,
    @Inject(VERDICTS_REPOSITORY) private readonly verdicts: VerdictsRepository,
    @Inject(INCIDENTS_REPOSITORY) private readonly incidents: IncidentsRepository,
    @Inject(SERVICE_CATALOG) private readonly catalog: Catalog | undefined,
  ) {}

  async scorecard(query: ScorecardQuery): Promise<Scorecard> {
    const { from, to, now } = query;
    const [dora, sloViews, problemPage, verdicts, incidents] = await Promise.all([
      this.dora.figures(query),
      this.slos.views(now, query.service),
      this.problems.list({ from, to, activeOnly: false, service: query.service }, 'budget', MAX_PROBLEMS, 0),
      collectScan(this.verdicts.scan({ from, to, services: query.service ? [query.service] : undefined })),
      collectScan(this.incidents.scan({ from, to, services: query.service ? [query.service] : undefined })),
    ]);
    // The services in scope: DORA's (with their teams), and those only SLOs or incidents name;
    // a service no change or policy gives a team takes the service catalog's.
    const catalogTeam = new Map((this.catalog?.services ?? []).map((s) => [s.name, s.team ?? null]));
    const teams = new Map(
      dora.services.map((s) => [s.service, s.team ?? catalogTeam.get(s.service) ?? null]),
    );
    const inScope = (service: string) => !query.team || teams.get(service) === query.team;
    for (const name of [...sloViews.map((v) => v.service), ...incidents.map((i) => i.service)])
      if (!teams.has(name)) teams.set(name, catalogTeam.get(name) ?? null);
    const services = [...teams].filter(([s]) => inScope(s)).map(([service, team]) => ({ service, team }));
    const scoped = new Set(services.map((s) => s.service));

    const responses = await this.incidents.firstResponses(incidents.map((i) => i.id));
    const input: ScorecardInput = {
      from,
      to,
      now,
      services,
      slos: sloViews.flatMap((v) => {
        const slo = scoped.has(v.service) ? scorecardSlo(v) : undefined;
        return slo ? [slo] : [];
      }),
      dora: new Map(
        dora.services.filter((s) => scoped.has(s.service)).map((s) => [s.service, scorecardDora(s)]),
      ),
      verifications: verificationCounts(verdicts),
      incidents: incidents
        .filter((i) => scoped.has(i.service))
        .map((i) => ({
          id: i.id,
          service: i.service,
          openedAt: i.openedAt,
          respondedAt: responses.get(i.id) ?? null,
          resolvedAt: i.resolvedAt,
        })),
      problems: problemPage.items.filter((p) => p.services.some((s) => scoped.has(s))).map(scorecardProblem),
    };
    return scorecard(input);
  }
}
