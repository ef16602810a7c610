// DORA figures per service, per team and for the fleet over any range, computed by the core
// (libs/core/src/dora) from the records in ClickHouse: the changes started in the range, and —
// because a failure may be found after the range ends — verdicts, incidents and rollbacks up to
// a week after it.
import { Inject, Injectable } from '@nestjs/common';
import type { Change, Incident, Verdict } from '#contracts';
import {
  CHANGE_FAILURE_DEFINITION,
  DORA_BANDS_SOURCE,
  doraFigures,
  teamOf,
  type DoraBand,
  type DoraFigures as CoreDoraFigures,
} from '#core';
import {
  collectScan,
  type ChangesRepository,
  type IncidentsRepository,
  type VerdictsRepository,
} from '#storage';
import { CHANGES_REPOSITORY, INCIDENTS_REPOSITORY, VERDICTS_REPOSITORY } from '../api.tokens.js';
import { RiskGate } from '../gate/risk-gate.js';

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

/** The figures of a group with its overall band. */
export type DoraRow = CoreDoraFigures & { readonly band: DoraBand | null };

export interface DoraView {
  readonly from: number;
  readonly to: number;
  readonly service: string | null;
  readonly team: string | null;
  readonly environment: string | null;
  readonly services: (DoraRow & { readonly service: string; readonly team: string | null })[];
  readonly teams: (DoraRow & { readonly team: string | null })[];
  readonly fleet: DoraRow | null;
  readonly definitions: { readonly changeFailure: string; readonly bands: string; readonly band: string };
}

@Injectable()
export class DoraService {
  constructor(
    @Inject(CHANGES_REPOSITORY) private readonly changes: ChangesRepository,
    @Inject(VERDICTS_REPOSITORY) private readonly verdicts: VerdictsRepository,
    @Inject(INCIDENTS_REPOSITORY) private readonly incidents: IncidentsRepository,
    private readonly gate: RiskGate,
  ) {}

  async figures(query: DoraQuery): Promise<DoraView> {
    const end = Math.max(query.to, Math.min(query.to + FAILURE_GRACE_MS, query.now + DAY));
    const range = { from: query.from, to: end, services: query.service ? [query.service] : undefined };
    const [changes, verdicts, incidents] = await Promise.all([
      collectScan(this.changes.scan(range)),
      collectScan(this.verdicts.scan(range)),
      collectScan(this.incidents.scan(range)),
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
      ...withBand(f),
      service: f.key ?? '',
      team: f.key === null ? null : serviceTeam(f.key),
    }));
    const fleet = doraFigures(records, { ...options, groupBy: 'fleet' })[0];
    return {
      from: query.from,
      to: query.to,
      service: query.service ?? null,
      team: query.team ?? null,
      environment: query.environment ?? null,
      services,
      teams: doraFigures(records, { ...options, groupBy: 'team' }).map((f) => ({
        ...withBand(f),
        team: f.key,
      })),
      fleet: fleet ? withBand(fleet) : null,
      definitions: { changeFailure: CHANGE_FAILURE_DEFINITION, bands: DORA_BANDS_SOURCE, band: OVERALL_BAND },
    };
  }
}

const BAND_ORDER: readonly DoraBand[] = ['elite', 'high', 'medium', 'low'];
export const OVERALL_BAND =
  'The overall band is the median of the bands of the figures that have one, the worse of the two middle ones when their number is even.';

/** The figures with their overall band (see OVERALL_BAND); null when no figure has a band. */
export function withBand(figures: CoreDoraFigures): DoraRow {
  const ranks = Object.values(figures.bands)
    .filter((b): b is DoraBand => b !== null)
    .map((b) => BAND_ORDER.indexOf(b))
    .sort((a, b) => a - b);
  const band = ranks.length === 0 ? null : BAND_ORDER[ranks[Math.floor(ranks.length / 2)]!]!;
  return { ...figures, band };
}
