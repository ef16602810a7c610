// /api/v1/incidents: the triage list, one incident's detail, and the actions people take on it
// (202 once the command is on the bus; the correlator applies it and emits the next version).
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { IncidentAction, IncidentCommand, Severity } from '#contracts';
import { INCIDENT_STATUS_VALUES, SEVERITY_VALUES } from '#contracts/enums';
import type { Clock } from '#core';
import { CLOCK, RequireScope } from '#platform';
import { badRequest } from '../http/api-error.js';
import { readBody } from '../http/body.js';
import { actorOf } from '../http/caller.js';
import {
  parseEnum,
  parseEnumList,
  parseLimit,
  parseName,
  parseOffsetCursor,
  parseRange,
  type PageOf,
  type Query as QueryParams,
} from '../http/query.js';
import { WriteRoute } from '../http/write-route.js';
import { INCIDENT_ACTION_BODY, INCIDENT_BODIES, incidentActionDoc } from './incident-bodies.js';
import {
  IncidentsService,
  MAX_SERIES_RANGE_MS,
  type IncidentDetailView,
  type IncidentListItem,
  type IncidentSeriesView,
} from './incidents.service.js';
import { Documented } from '../openapi/documented.js';

const DAY = 86_400_000;

@Controller('api/v1/incidents')
@RequireScope('read')
export class IncidentsController {
  constructor(
    private readonly service: IncidentsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Documented({
    summary:
      'incidents open at some time in the range (newest version of each): open first, most severe first, newest first',
    query: [
      'from',
      'to',
      'service',
      'environment',
      'incidentStatus',
      'severity',
      'q',
      'change',
      'incidentSort',
      'limit',
      'cursor',
    ],
    response: 'IncidentPage',
    description:
      'Range defaults: the last 7 days up to a day ahead. An incident counts when it opened before `to` and was not resolved before `from`.',
  })
  @Get()
  list(@Query() query: QueryParams): Promise<PageOf<IncidentListItem>> {
    const range = parseRange(query, this.clock.now(), 7 * DAY, DAY);
    return this.service.list(
      {
        from: range.from,
        to: range.to,
        service: parseName(query, 'service'),
        environment: parseName(query, 'environment'),
        statuses: parseEnumList(query, 'status', INCIDENT_STATUS_VALUES),
        severities: parseEnumList(query, 'severity', SEVERITY_VALUES),
        text: parseName(query, 'q'),
        change: parseName(query, 'change'),
      },
      parseLimit(query),
      parseOffsetCursor(query, 'incidents'),
      parseEnum(query, 'sort', ['rank', 'budget'] as const, 'rank'),
    );
  }

  @Documented({
    summary: 'one incident with its timeline, the changes, verdicts and metrics around it',
    response: 'IncidentDetail',
    notFound: true,
  })
  @Get(':id')
  detail(@Param('id') id: string): Promise<IncidentDetailView> {
    return this.service.detail(id);
  }

  @Documented({
    summary: 'the metric series of one incident over a range (a wider or narrower look than the detail’s)',
    query: ['from', 'to'],
    response: 'IncidentSeries',
    notFound: true,
    description:
      'Without `from` and `to`: the detail’s range (2 h before it opened to its last change, at least 1 h after it opened). At most 2 days; the resolution follows the range (raw points, 1-minute or 1-hour means).',
  })
  @Get(':id/series')
  series(@Param('id') id: string, @Query() query: QueryParams): Promise<IncidentSeriesView> {
    if (query['from'] === undefined && query['to'] === undefined) return this.service.series(id);
    const range = parseRange(query, this.clock.now(), DAY);
    if (range.to - range.from > MAX_SERIES_RANGE_MS)
      throw badRequest('to', `the range is longer than ${MAX_SERIES_RANGE_MS / DAY} days`);
    return this.service.series(id, range);
  }

  @Documented(incidentActionDoc('acknowledge (comment optional)', 'acknowledge'))
  @Post(':id/acknowledge')
  @HttpCode(202)
  @WriteRoute()
  acknowledge(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'acknowledge', body, request);
  }

  @Documented(incidentActionDoc('resolve (comment optional)', 'resolve'))
  @Post(':id/resolve')
  @HttpCode(202)
  @WriteRoute()
  resolve(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'resolve', body, request);
  }

  @Documented(incidentActionDoc('comment (comment required)', 'comment'))
  @Post(':id/comment')
  @HttpCode(202)
  @WriteRoute()
  comment(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'comment', body, request);
  }

  @Documented(incidentActionDoc('reassign the severity (severity required)', 'severity'))
  @Post(':id/severity')
  @HttpCode(202)
  @WriteRoute()
  severity(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'severity', body, request);
  }

  private async act(
    id: string,
    action: IncidentAction,
    body: unknown,
    request: Request,
  ): Promise<{ command: IncidentCommand }> {
    const fields: { comment?: string; severity?: Severity } = readBody(
      INCIDENT_BODIES[INCIDENT_ACTION_BODY[action]],
      body,
    );
    const comment = fields.comment ?? null;
    const severity = fields.severity ?? null;
    const actor = actorOf(request);
    return { command: await this.service.act(id, { action, actor, comment, severity }) };
  }
}
