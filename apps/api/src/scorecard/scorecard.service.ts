// The scorecard's inputs, gathered from what the other views already compute — DORA figures
// (DoraService), SLO budgets (SloBudgets), problems with the budget their incidents spent
// (ProblemsService) — plus the verdicts and incidents of the period, then handed to the core
// (libs/core/src/scorecard) that judges them and picks the actions.
import { Inject, Injectable } from '@nestjs/common';
import type { Catalog } from '#catalog';
import type { Verdict } from '#contracts';
import { scorecard, type Scorecard, type ScorecardDora, type ScorecardInput } from '#core';
import { collectScan, type IncidentsRepository, type VerdictsRepository } from '#storage';
import { INCIDENTS_REPOSITORY, SERVICE_CATALOG, VERDICTS_REPOSITORY } from '../api.tokens.js';
import { DoraService } from '../dora/dora.service.js';
import { ProblemsService } from '../problems/problems.service.js';
import { SloBudgets, strictest } from '../slo/slo-budgets.js';

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
      slos: sloViews
        .filter((v) => scoped.has(v.service) && v.objectives.length > 0)
        .map((v) => {
          const def = this.slos.definition(v.name);
          const target = def ? strictest(def).target : v.objectives[0]!.target;
          const o = v.objectives.find((x) => x.target === target) ?? v.objectives[0]!;
          return {
            name: v.name,
            service: v.service,
            target,
            sli: o.sli,
            consumed: o.consumed,
            window: v.window.text,
          };
        }),
      dora: new Map(
        dora.services
          .filter((s) => scoped.has(s.service))
          .map((s): [string, ScorecardDora] => [
            s.service,
            {
              deploymentsPerDay: s.deploymentsPerDay,
              leadTimeMedianMs: s.leadTime?.medianMs ?? null,
              changeFailureRate: s.changeFailureRate.rate,
              timeToRestoreMedianMs: s.timeToRestore?.medianMs ?? null,
              bands: s.bands,
              band: s.band,
            },
          ]),
      ),
      verifications: verificationCounts(verdicts, scoped),
      incidents: incidents
        .filter((i) => scoped.has(i.service))
        .map((i) => ({
          id: i.id,
          service: i.service,
          openedAt: i.openedAt,
          respondedAt: responses.get(i.id) ?? null,
          resolvedAt: i.resolvedAt,
        })),
      problems: problemPage.items
        .filter((p) => p.services.some((s) => scoped.has(s)))
        .map((p) => ({
          id: p.id,
          title: p.title,
          status: p.status,
          services: p.services,
          firstSeen: p.firstSeen,
          incidents: p.count,
          spent: p.budget.bySlo.map((b) => ({ slo: b.slo, spent: b.spent })),
        })),
    };
    return scorecard(input);
  }
}

/** Per service, the outcome of each change's last look (its final verdict once there is one). */
function verificationCounts(verdicts: readonly Verdict[], scoped: ReadonlySet<string>) {
  const last = new Map<string, Verdict>();
  for (const v of verdicts) {
    const known = last.get(v.changeId);
    if (!known || (!known.final && (v.final || v.decidedAt >= known.decidedAt))) last.set(v.changeId, v);
  }
  const out = new Map<string, { pass: number; fail: number; inconclusive: number }>();
  for (const v of last.values()) {
    if (!scoped.has(v.service)) continue;
    const counts = out.get(v.service) ?? { pass: 0, fail: 0, inconclusive: 0 };
    counts[v.outcome]++;
    out.set(v.service, counts);
  }
  return out;
}
