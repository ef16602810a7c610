// /api/v1/slos: every SLO with its budget and burn rates now, and one SLO with its burn-down.
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import type { Clock } from '#core';
import { CLOCK, RequireScope } from '#platform';
import { notFound } from '../http/api-error.js';
import { parseName, type Query as QueryParams } from '../http/query.js';
import { Documented } from '../openapi/documented.js';
import { SloBudgets, type SloDetailView, type SloView } from './slo-budgets.js';

@Controller('api/v1/slos')
@RequireScope('read')
export class SlosController {
  constructor(
    private readonly budgets: SloBudgets,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Documented({
    summary: 'every SLO (AFTERSHOCK_SLO_PATH) with its budget per objective and its burn-rate tiers now',
    query: ['service'],
    response: 'SloList',
    description:
      'Budgets are counted from the stored telemetry up to the last whole minute; an SLO whose window needs data no longer kept carries the reason in `error`.',
  })
  @Get()
  async list(@Query() query: QueryParams): Promise<{ items: SloView[] }> {
    return { items: await this.budgets.views(this.clock.now(), parseName(query, 'service')) };
  }

  @Documented({
    summary: 'one SLO: its budget, burn-rate tiers and the remaining budget through its window so far',
    response: 'SloDetail',
    notFound: true,
  })
  @Get(':name')
  async detail(@Param('name') name: string): Promise<SloDetailView> {
    const detail = await this.budgets.detail(name, this.clock.now());
    if (!detail) throw notFound('slo', name);
    return detail;
  }
}
