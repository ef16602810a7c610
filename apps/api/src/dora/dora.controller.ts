// /api/v1/dora: deployment frequency, lead time, change failure rate and time to restore, with
// their DORA bands, per service and per team over a range.
import { Controller, Get, Inject, Query } from '@nestjs/common';
import type { Clock } from '#core';
import { CLOCK, RequireScope } from '#platform';
import { TABLES } from '#storage';
import { RiskGate } from '../gate/risk-gate.js';
import { ReadCache, readKey } from '../http/read-cache.js';
import { parseName, parseRange, type Query as QueryParams } from '../http/query.js';
import { DoraService, type DoraView } from './dora.service.js';
import { Documented } from '../openapi/documented.js';

const DAY = 86_400_000;
/** What the figures are computed from. */
const DORA_TABLES = [TABLES.changes, TABLES.verdicts, TABLES.incidents];

@Controller('api/v1/dora')
@RequireScope('read')
export class DoraController {
  constructor(
    private readonly service: DoraService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reads: ReadCache,
    private readonly gate: RiskGate,
  ) {}

  @Documented({
    summary: 'DORA figures per service, per team and for the fleet over the range, with their bands',
    query: ['service', 'team', 'environment', 'from', 'to'],
    response: 'Dora',
    description: 'Range default: the last 30 days.',
  })
  @Get()
  figures(@Query() query: QueryParams): Promise<DoraView> {
    const now = this.clock.now();
    const range = parseRange(query, now, 30 * DAY);
    const figures = () =>
      this.service.figures({
        from: range.from,
        to: range.to,
        now,
        service: parseName(query, 'service'),
        team: parseName(query, 'team'),
        environment: parseName(query, 'environment'),
      });
    // Teams come from the policy when changes do not say.
    const uses = [this.gate.policy()];
    return this.reads.read(readKey('dora', query), { tables: DORA_TABLES, uses }, figures);
  }
}
