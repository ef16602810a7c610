// /api/v1/incidents: the triage list, one incident's detail, and the actions people take on it
// (202 once the command is on the bus; the correlator applies it and emits the next version).
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { IncidentCommand, Severity } from '#contracts';
import { INCIDENT_STATUS_VALUES, SEVERITY_VALUES } from '#contracts/enums';
import { parseInstantText, type Clock } from '#core';
import { CLOCK, RequireScope } from '#platform';
import { TABLES } from '#storage';
import { badRequest } from '../http/api-error.js';
import { readBody } from '../http/body.js';
import { actorOf } from '../http/caller.js';
import {
  inInstantRange,
  parseEnum,
  parseEnumList,
  parseLimit,
  parseName,
  parseOffsetCursor,
  parseOptionalInteger,
  parseRange,
  type PageOf,
  type Query as QueryParams,
} from '../http/query.js';
import { WriteRoute } from '../http/write-route.js';
import { ReadCache, readKey } from '../http/read-cache.js';
import { SloBudgets } from '../slo/slo-budgets.js';
import {
  INCIDENT_ACTION_BODY,
  INCIDENT_BODIES,
  incidentActionDoc,
  MERGE_NOTE,
  SNOOZE_NOTE,
  SPLIT_NOTE,
  type IncidentRoute,
  type PersonAction,
} from './incident-bodies.js';
import {
  IncidentsService,
  MAX_SERIES_RANGE_MS,
  type IncidentDetailView,
  type IncidentListItem,
  type IncidentSeriesView,
  type SimilarIncidentsView,
} from './incidents.service.js';
import { Documented } from '../openapi/documented.js';

const DAY = 86_400_000;
/** What the list is read from. */
const INCIDENT_TABLES = [TABLES.incidents];

/** `snoozed=true|false`: only the incidents snoozed now, or only those that are not. */
function snoozedFilter(query: QueryParams, now: number): { snoozed?: { is: boolean; at: number } } {
  const value = parseEnum(query, 'snoozed', ['true', 'false', 'any'] as const, 'any');
  return value === 'any' ? {} : { snoozed: { is: value === 'true', at: now } };
}

/** A snooze's end as given: ISO 8601 or epoch milliseconds (400 naming `until` otherwise). */
function parseUntil(text: string): number {
  const ms = parseInstantText(text);
  if (ms === undefined || !inInstantRange(ms))
    throw badRequest('until', `"${text}" is not an ISO 8601 date-time or epoch milliseconds`);
  return ms;
}

@Controller('api/v1/incidents')
@RequireScope('read')
export class IncidentsController {
  constructor(
    private readonly service: IncidentsService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reads: ReadCache,
    private readonly slos: SloBudgets,
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
      'assignee',
      'snoozed',
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
    const incidents = () =>
      this.service.list(
        {
          from: range.from,
          to: range.to,
          service: parseName(query, 'service'),
          environment: parseName(query, 'environment'),
          statuses: parseEnumList(query, 'status', INCIDENT_STATUS_VALUES),
          severities: parseEnumList(query, 'severity', SEVERITY_VALUES),
          text: parseName(query, 'q'),
          change: parseName(query, 'change'),
          assignee: parseName(query, 'assignee'),
          ...snoozedFilter(query, this.clock.now()),
        },
        parseLimit(query),
        parseOffsetCursor(query, 'incidents'),
        parseEnum(query, 'sort', ['rank', 'budget'] as const, 'rank'),
      );
    // The budgets each incident spent come from the SLO definitions and the clock, not from a table.
    const uses = [this.slos.definitions()];
    return this.reads.read(readKey('incidents', query), { tables: INCIDENT_TABLES, uses }, incidents);
  }

  @Documented({
    summary: 'one incident with its timeline, the changes, verdicts and metrics around it',
    response: 'IncidentDetail',
    notFound: true,
    query: ['points'],
  })
  @Get(':id')
  detail(@Param('id') id: string, @Query() query: QueryParams): Promise<IncidentDetailView> {
    return this.service.detail(id, parseOptionalInteger(query, 'points', 10, 100_000));
  }

  @Documented({
    summary: 'the metric series of one incident over a range (a wider or narrower look than the detail’s)',
    query: ['from', 'to', 'points'],
    response: 'IncidentSeries',
    notFound: true,
    description:
      'Without `from` and `to`: the detail’s range (2 h before it opened to its last change, at least 1 h after it opened). At most 2 days; the resolution follows the range (raw points, 1-minute or 1-hour means).',
  })
  @Get(':id/series')
  series(@Param('id') id: string, @Query() query: QueryParams): Promise<IncidentSeriesView> {
    const points = parseOptionalInteger(query, 'points', 10, 100_000);
    if (query['from'] === undefined && query['to'] === undefined)
      return this.service.series(id, undefined, points);
    const range = parseRange(query, this.clock.now(), DAY);
    if (range.to - range.from > MAX_SERIES_RANGE_MS)
      // Name the bound the caller gave: with only `from`, the range runs to now.
      throw badRequest(
        query['to'] === undefined ? 'from' : 'to',
        `the range is longer than ${MAX_SERIES_RANGE_MS / DAY} days`,
      );
    return this.service.series(id, range, points);
  }

  @Documented({
    summary:
      'incidents like this one: in the same problem, with the same signature, or whose likely cause changed the same service',
    response: 'SimilarIncidents',
    notFound: true,
    description:
      'Same signature: the same alert names on the same primary service, or the same title once numbers and ids are masked. At most 10, newest first, the incident itself aside; each with why it is listed and, when resolved, how it ended.',
  })
  @Get(':id/similar')
  similar(@Param('id') id: string): Promise<SimilarIncidentsView> {
    return this.service.similar(id);
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

  @Documented(incidentActionDoc('assign it to someone (assignee required)', 'assign'))
  @Post(':id/assign')
  @HttpCode(202)
  @WriteRoute()
  assign(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'assign', body, request);
  }

  @Documented(incidentActionDoc('take the assignee off it (comment optional)', 'unassign'))
  @Post(':id/unassign')
  @HttpCode(202)
  @WriteRoute()
  unassign(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'unassign', body, request);
  }

  @Documented(incidentActionDoc('snooze it until a time (until required)', 'snooze', SNOOZE_NOTE))
  @Post(':id/snooze')
  @HttpCode(202)
  @WriteRoute()
  snooze(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'snooze', body, request);
  }

  @Documented(incidentActionDoc('end its snooze now (comment optional)', 'unsnooze'))
  @Post(':id/unsnooze')
  @HttpCode(202)
  @WriteRoute()
  unsnooze(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'unsnooze', body, request);
  }

  @Documented(
    incidentActionDoc('merge it into another incident as a duplicate (into required)', 'merge', MERGE_NOTE),
  )
  @Post(':id/merge')
  @HttpCode(202)
  @WriteRoute()
  merge(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'merge', body, request);
  }

  @Documented(
    incidentActionDoc(
      'split members out into a new incident (refs or service required)',
      'split',
      SPLIT_NOTE,
    ),
  )
  @Post(':id/split')
  @HttpCode(202)
  @WriteRoute()
  split(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'split', body, request);
  }

  private async act(
    id: string,
    route: IncidentRoute,
    body: unknown,
    request: Request,
  ): Promise<{ command: IncidentCommand }> {
    const action: PersonAction = route === 'unassign' ? 'assign' : route;
    const fields: {
      comment?: string;
      severity?: Severity;
      assignee?: string;
      until?: string;
      into?: string;
      refs?: string[];
      service?: string;
    } = readBody(INCIDENT_BODIES[INCIDENT_ACTION_BODY[route]], body);
    const command = await this.service.act(id, {
      action,
      actor: actorOf(request),
      comment: fields.comment ?? null,
      severity: fields.severity ?? null,
      assignee: fields.assignee ?? null,
      until: fields.until === undefined ? null : parseUntil(fields.until),
      into: fields.into ?? null,
      refs: fields.refs ?? [],
      splitService: fields.service ?? null,
    });
    return { command };
  }
}
