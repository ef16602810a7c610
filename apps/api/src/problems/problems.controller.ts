// /api/v1/problems: rankings, recurrence per week, one problem, and the lifecycle actions
// and linking or unlinking an incident by hand (202 once the command is on the bus; the problems
// app applies it and emits the next version).
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { ProblemAction, ProblemCommand, ProblemStatus } from '#contracts';
import type { Clock } from '#core';
import { CLOCK, RequireScope } from '#platform';
import { TABLES } from '#storage';
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
import { ReadCache, readKey } from '../http/read-cache.js';
import { SloBudgets } from '../slo/slo-budgets.js';
import { PROBLEM_ACTION_BODY, PROBLEM_BODIES, problemActionDoc } from './problem-bodies.js';
import {
  ProblemsService,
  type ProblemDetailView,
  type RankedProblem,
  type RecurrenceView,
} from './problems.service.js';
import { Documented } from '../openapi/documented.js';

export const PROBLEM_STATUSES: readonly ProblemStatus[] = [
  'candidate',
  'problem',
  'known_error',
  'resolved',
  'verified',
  'rejected',
];
export const PROBLEM_SORTS = ['impact', 'count', 'growth', 'budget'] as const;
const DAY = 86_400_000;
/** What the ranking is read from. */
const PROBLEM_TABLES = [TABLES.problems, TABLES.incidents];

@Controller('api/v1/problems')
@RequireScope('read')
export class ProblemsController {
  constructor(
    private readonly service: ProblemsService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reads: ReadCache,
    private readonly slos: SloBudgets,
  ) {}

  @Documented({
    summary: 'problems ranked by impact, by recurrence in the range, or by growth against the range before',
    query: ['problemSort', 'from', 'to', 'service', 'problemStatus', 'limit', 'cursor'],
    response: 'ProblemPage',
    description:
      'The range (default: the last 30 days) sets the counts of `window`; when `from` or `to` is given, only problems with a member incident in the range are listed.',
  })
  @Get()
  list(@Query() query: QueryParams): Promise<PageOf<RankedProblem>> {
    const range = parseRange(query, this.clock.now(), 30 * DAY);
    const problems = () =>
      this.service.list(
        {
          from: range.from,
          to: range.to,
          activeOnly: range.explicit,
          service: parseName(query, 'service'),
          statuses: parseEnumList(query, 'status', PROBLEM_STATUSES),
        },
        parseEnum(query, 'sort', PROBLEM_SORTS, 'impact'),
        parseLimit(query),
        parseOffsetCursor(query, 'problems'),
      );
    // Their budgets come from the SLO definitions and the clock, not from a table.
    const uses = [this.slos.definitions()];
    return this.reads.read(readKey('problems', query), { tables: PROBLEM_TABLES, uses }, problems);
  }

  // Before ':id', so "trend" is not read as a problem id.
  @Documented({
    summary: 'recurrence per week: problem member incidents opened each week',
    query: ['service', 'from', 'to'],
    response: 'Recurrence',
    description: 'Range default: the last 12 weeks.',
  })
  @Get('trend')
  trend(@Query() query: QueryParams): Promise<RecurrenceView> {
    const range = parseRange(query, this.clock.now(), 12 * 7 * DAY);
    return this.service.recurrence(range.from, range.to, parseName(query, 'service'));
  }

  @Documented({
    summary: 'one problem with its member incidents, its versions and its weekly recurrence',
    response: 'ProblemDetail',
    notFound: true,
  })
  @Get(':id')
  detail(@Param('id') id: string): Promise<ProblemDetailView> {
    return this.service.detail(id);
  }

  @Documented(problemActionDoc('confirm a candidate as a problem', 'confirm'))
  @Post(':id/confirm')
  @HttpCode(202)
  @WriteRoute()
  confirm(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'confirm', body, request);
  }

  @Documented(problemActionDoc('reject a candidate', 'reject'))
  @Post(':id/reject')
  @HttpCode(202)
  @WriteRoute()
  reject(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'reject', body, request);
  }

  @Documented(problemActionDoc('record a known error (workaround required)', 'known_error'))
  @Post(':id/known-error')
  @HttpCode(202)
  @WriteRoute()
  knownError(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'known_error', body, request);
  }

  @Documented(problemActionDoc('resolve (fixChangeId required)', 'resolve'))
  @Post(':id/resolve')
  @HttpCode(202)
  @WriteRoute()
  resolve(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'resolve', body, request);
  }

  @Documented(problemActionDoc('link an incident to the problem by hand', 'link'))
  @Post(':id/link')
  @HttpCode(202)
  @WriteRoute()
  link(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'link', body, request);
  }

  @Documented(problemActionDoc('unlink an incident from the problem by hand', 'unlink'))
  @Post(':id/unlink')
  @HttpCode(202)
  @WriteRoute()
  unlink(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'unlink', body, request);
  }

  private async act(
    id: string,
    action: ProblemAction,
    body: unknown,
    request: Request,
  ): Promise<{ command: ProblemCommand }> {
    const fields: { workaround?: string; fixChangeId?: string; incidentId?: string; comment?: string } =
      readBody(PROBLEM_BODIES[PROBLEM_ACTION_BODY[action]], body);
    const workaround = fields.workaround ?? null;
    const fixChangeId = fields.fixChangeId ?? null;
    const incidentId = fields.incidentId ?? null;
    const comment = fields.comment ?? null;
    const actor = actorOf(request);
    return {
      command: await this.service.act(id, { action, actor, workaround, fixChangeId, incidentId, comment }),
    };
  }
}
