// /api/v1/problems: rankings, recurrence per week, one problem, and the lifecycle actions
// (202 once the command is on the bus; the problems app applies it and emits the next version).
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { ProblemAction, ProblemCommand, ProblemStatus } from '#contracts';
import type { Clock } from '#core';
import { CLOCK, RequireScope } from '#platform';
import { bodyObject, optionalText, requiredText } from '../http/body.js';
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
import {
  ProblemsService,
  type ProblemDetailView,
  type RankedProblem,
  type RecurrenceView,
} from './problems.service.js';

export const PROBLEM_STATUSES: readonly ProblemStatus[] = [
  'candidate',
  'problem',
  'known_error',
  'resolved',
  'verified',
  'rejected',
];
export const PROBLEM_SORTS = ['impact', 'count', 'growth'] as const;
const DAY = 86_400_000;

@Controller('api/v1/problems')
@RequireScope('read')
export class ProblemsController {
  constructor(
    private readonly service: ProblemsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  list(@Query() query: QueryParams): Promise<PageOf<RankedProblem>> {
    const range = parseRange(query, this.clock.now(), 30 * DAY);
    return this.service.list(
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
  }

  // Before ':id', so "trend" is not read as a problem id.
  @Get('trend')
  trend(@Query() query: QueryParams): Promise<RecurrenceView> {
    const range = parseRange(query, this.clock.now(), 12 * 7 * DAY);
    return this.service.recurrence(range.from, range.to, parseName(query, 'service'));
  }

  @Get(':id')
  detail(@Param('id') id: string): Promise<ProblemDetailView> {
    return this.service.detail(id);
  }

  @Post(':id/confirm')
  @HttpCode(202)
  @WriteRoute()
  confirm(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'confirm', body, request);
  }

  @Post(':id/reject')
  @HttpCode(202)
  @WriteRoute()
  reject(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'reject', body, request);
  }

  @Post(':id/known-error')
  @HttpCode(202)
  @WriteRoute()
  knownError(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'known_error', body, request);
  }

  @Post(':id/resolve')
  @HttpCode(202)
  @WriteRoute()
  resolve(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'resolve', body, request);
  }

  private async act(
    id: string,
    action: ProblemAction,
    body: unknown,
    request: Request,
  ): Promise<{ command: ProblemCommand }> {
    const fields = bodyObject(body);
    const workaround =
      action === 'known_error'
        ? requiredText(fields, 'workaround', 'to record a known error')
        : optionalText(fields, 'workaround');
    const fixChangeId =
      action === 'resolve'
        ? requiredText(fields, 'fixChangeId', 'to resolve a problem (the change that fixed it)', 512)
        : optionalText(fields, 'fixChangeId', 512);
    const comment = optionalText(fields, 'comment');
    const actor = actorOf(request);
    return { command: await this.service.act(id, { action, actor, workaround, fixChangeId, comment }) };
  }
}
