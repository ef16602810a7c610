// /api/v1/slos: every SLO with its budget and burn rates now, and one SLO with its burn-down;
// SLOs written and deleted through the api (a file's SLO is changed in its file).
import { Body, Controller, Delete, Get, Inject, Param, Put, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { Clock } from '#core';
import { CLOCK, RequireScope } from '#platform';
import { readBody } from '../http/body.js';
import { actorOf } from '../http/caller.js';
import { notFound } from '../http/api-error.js';
import { parseName, type Query as QueryParams } from '../http/query.js';
import { WriteRoute } from '../http/write-route.js';
import { Documented } from '../openapi/documented.js';
import { SloBudgets, type SloDetailView, type SloView } from './slo-budgets.js';
import { SLO_BODIES } from './slo-bodies.js';
import { SloDefinitionsService, type SloDeleted } from './slo-definitions.service.js';

const WRITE_NOTE =
  'Published on aftershock.slo-definitions.v1 (a compacted topic keyed by the name, read whole by the api and the correlator); the answer comes once the bus holds it, and this api serves it from then on. The correlator alerts on it within seconds. ';

@Controller('api/v1/slos')
@RequireScope('read')
export class SlosController {
  constructor(
    private readonly budgets: SloBudgets,
    private readonly definitions: SloDefinitionsService,
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

  @Documented({
    summary: 'write an SLO: its OpenSLO v1 documents, checked as the server loads SLOs; the budget now',
    body: 'SloDefinitionBody',
    response: 'Slo',
    conflict: true,
    description:
      WRITE_NOTE +
      'The documents must be valid OpenSLO v1, computable by Aftershock (400 naming the object and field otherwise, at the level that failed), self-contained, and define exactly the SLO named in the path. A name defined in a file of AFTERSHOCK_SLO_PATH answers 409.',
  })
  @Put(':name')
  @WriteRoute()
  async put(@Param('name') name: string, @Body() body: unknown, @Req() request: Request): Promise<SloView> {
    const { openslo } = readBody(SLO_BODIES.SloDefinitionBody, body);
    await this.definitions.put(name, openslo, actorOf(request));
    return (await this.budgets.views(this.clock.now())).find((v) => v.name === name)!;
  }

  @Documented({
    summary: 'delete an SLO written through the api',
    response: 'SloDeleted',
    notFound: true,
    conflict: true,
    description: WRITE_NOTE + 'An SLO defined in a file answers 409: delete it from the file.',
  })
  @Delete(':name')
  @WriteRoute()
  delete(@Param('name') name: string, @Req() request: Request): Promise<SloDeleted> {
    return this.definitions.delete(name, actorOf(request));
  }
}
