// /api/v1/incidents: the triage list, one incident's detail, and the actions people take on it
// (202 once the command is on the bus; the correlator applies it and emits the next version).
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { IncidentAction, IncidentCommand } from '#contracts';
import { INCIDENT_STATUS_VALUES, SEVERITY_VALUES } from '#contracts/enums';
import type { Clock } from '#core';
import { CLOCK, RequireScope } from '#platform';
import { bodyObject, optionalEnum, optionalText, requiredText } from '../http/body.js';
import { actorOf } from '../http/caller.js';
import {
  parseEnumList,
  parseLimit,
  parseName,
  parseOffsetCursor,
  parseRange,
  type PageOf,
  type Query as QueryParams,
} from '../http/query.js';
import { WriteRoute } from '../http/write-route.js';
import { IncidentsService, type IncidentDetailView } from './incidents.service.js';
import type { Incident } from '#contracts';

const DAY = 86_400_000;

@Controller('api/v1/incidents')
@RequireScope('read')
export class IncidentsController {
  constructor(
    private readonly service: IncidentsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  list(@Query() query: QueryParams): Promise<PageOf<Incident>> {
    const range = parseRange(query, this.clock.now(), 7 * DAY, DAY);
    return this.service.list(
      {
        from: range.from,
        to: range.to,
        service: parseName(query, 'service'),
        environment: parseName(query, 'environment'),
        statuses: parseEnumList(query, 'status', INCIDENT_STATUS_VALUES),
        severities: parseEnumList(query, 'severity', SEVERITY_VALUES),
      },
      parseLimit(query),
      parseOffsetCursor(query, 'incidents'),
    );
  }

  @Get(':id')
  detail(@Param('id') id: string): Promise<IncidentDetailView> {
    return this.service.detail(id);
  }

  @Post(':id/acknowledge')
  @HttpCode(202)
  @WriteRoute()
  acknowledge(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'acknowledge', body, request);
  }

  @Post(':id/resolve')
  @HttpCode(202)
  @WriteRoute()
  resolve(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'resolve', body, request);
  }

  @Post(':id/comment')
  @HttpCode(202)
  @WriteRoute()
  comment(@Param('id') id: string, @Body() body: unknown, @Req() request: Request) {
    return this.act(id, 'comment', body, request);
  }

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
    const fields = bodyObject(body);
    const comment =
      action === 'comment' ? requiredText(fields, 'comment', 'to comment') : optionalText(fields, 'comment');
    const severity = optionalEnum(fields, 'severity', SEVERITY_VALUES);
    if (action === 'severity' && severity === null) {
      requiredText(fields, 'severity', `to change the severity (one of ${SEVERITY_VALUES.join(', ')})`);
    }
    const actor = actorOf(request);
    return { command: await this.service.act(id, { action, actor, comment, severity }) };
  }
}
