// DORA figures per service, per team and for the fleet over any range, computed by the core
// (libs/core/src/dora) from the records in ClickHouse: the changes started in the range, and —
// because a failure may be found after the range ends — verdicts, incidents and rollbacks up to
// a week after it.
import { Injectable } from '@nestjs/common';
import type { Change, Incident, Verdict } from '#contracts';
import {
  CHANGE_FAILURE_DEFINITION,
  DORA_BANDS_SOURCE,
  doraFigures,
  teamOf,
  type DoraFigures as CoreDoraFigures,
} from '#core';
import { RiskGate } from '../gate/risk-gate.js';
import { ApiQueries } from '../queries/api-queries.js';

const DAY = 86_400_000;
/** Failure evidence this long after the range still counts for changes in it. */
export const FAILURE_GRACE_MS = 7 * DAY;

export interface DoraQuery {
  readonly from: number;
  readonly to: number;
  readonly now: number;
  readonly service?: string;
  readonly team?: string;
  readonly environment?: string;
}

export interface DoraView {
  readonly from: number;
  readonly to: number;
  readonly service: string | null;
  readonly team: string | null;
  readonly environment: string | null;
  readonly services: (CoreDoraFigures & { readonly team: string | null })[];
  readonly teams: CoreDoraFigures[];
  readonly fleet: CoreDoraFigures | null;
  readonly definitions: { readonly changeFailure: string; readonly bands: string };
}

@Injectable()
export class DoraService {
  constructor(
    private readonly queries: ApiQueries,
    private readonly gate: RiskGate,
  ) {}

  async figures(query: DoraQuery): Promise<DoraView> {
    const end = Math.max(query.to, Math.min(query.to + FAILURE_GRACE_MS, query.now + DAY));
    const range = { from: query.from, to: end, services: query.service ? [query.service] : undefined };
    const [changes, verdicts, incidents] = await Promise.all([
      collect(this.queries.scanChanges(range)),
      collect(this.queries.scanVerdicts(range)),
      collect(this.queries.scanIncidents(range)),
    ]);
    const policy = this.gate.policy();
    const teamOfService = (service: string) => teamOf(policy, { service, team: null });
    const latestTeam = new Map<string, string | null>();
    for (const c of changes) latestTeam.set(c.service, c.team ?? latestTeam.get(c.service) ?? null);
    const serviceTeam = (service: string) => latestTeam.get(service) ?? teamOfService(service);
    const inTeam = (service: string, team: string | null) => (team ?? serviceTeam(service)) === query.team;
    const records = {
      changes: query.team ? changes.filter((c) => inTeam(c.service, c.team)) : changes,
      verdicts,
      incidents: query.team ? incidents.filter((i) => inTeam(i.service, i.team)) : incidents,
    } satisfies { changes: Change[]; verdicts: Verdict[]; incidents: Incident[] };
    const options = {
      from: query.from,
      to: query.to,
      environments: query.environment ? [query.environment] : undefined,
      teamOf: teamOfService,
    };
    const services = doraFigures(records, { ...options, groupBy: 'service' }).map((f) => ({
      ...f,
      team: f.key === null ? null : serviceTeam(f.key),
    }));
    return {
      from: query.from,
      to: query.to,
      service: query.service ?? null,
      team: query.team ?? null,
      environment: query.environment ?? null,
      services,
      teams: doraFigures(records, { ...options, groupBy: 'team' }),
      fleet: doraFigures(records, { ...options, groupBy: 'fleet' })[0] ?? null,
      definitions: { changeFailure: CHANGE_FAILURE_DEFINITION, bands: DORA_BANDS_SOURCE },
    };
  }
}

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}
