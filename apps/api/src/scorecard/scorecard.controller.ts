// /api/v1/scorecard: the service-management scorecard over a range, as JSON for the web UI, or
// as the report itself (Markdown or HTML) for `aftershock report`, a wiki or a mail.
import { Controller, Get, Header, Inject, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { scorecardHtml, scorecardMarkdown, type Clock, type Scorecard } from '#core';
import { CLOCK, RequireScope } from '#platform';
import { API_CONFIG, type ApiConfig } from '../api.settings.js';
import { parseEnum, parseName, parseRange, type Query as QueryParams } from '../http/query.js';
import { Documented } from '../openapi/documented.js';
import { ScorecardService } from './scorecard.service.js';

const DAY = 86_400_000;
export const REPORT_FORMATS = ['json', 'markdown', 'html'] as const;

@Controller('api/v1/scorecard')
@RequireScope('read')
export class ScorecardController {
  constructor(
    private readonly service: ScorecardService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Documented({
    summary:
      'the service-management scorecard per service and per team: SLO attainment and budget, DORA figures and bands, verification outcomes, time to acknowledge and resolve, problem backlog, recurring problems’ budget share, and the three actions the data supports most',
    query: ['from', 'to', 'service', 'team', 'reportFormat'],
    response: {
      'application/json': { schema: { $ref: '#/components/schemas/Scorecard' } },
      'text/markdown': {
        schema: { type: 'string' },
        description: 'the report in Markdown (format=markdown)',
      },
      'text/html': {
        schema: { type: 'string' },
        description: 'the report as a standalone page (format=html)',
      },
    },
    description:
      'Range default: the last 28 days. Links are the web UI’s routes (`#/…`), absolute under AFTERSHOCK_PUBLIC_URL when it is set.',
  })
  @Get()
  @Header('Cache-Control', 'no-store')
  async scorecard(
    @Query() query: QueryParams,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Scorecard | string> {
    const now = this.clock.now();
    const range = parseRange(query, now, 28 * DAY);
    const format = parseEnum(query, 'format', REPORT_FORMATS, 'json');
    const card = await this.service.scorecard({
      from: range.from,
      to: range.to,
      now,
      service: parseName(query, 'service'),
      team: parseName(query, 'team'),
    });
    if (format === 'json') return card;
    const options = { baseUrl: this.config.publicUrl };
    res.type(format === 'markdown' ? 'text/markdown; charset=utf-8' : 'text/html; charset=utf-8');
    return format === 'markdown' ? scorecardMarkdown(card, options) : scorecardHtml(card, options);
  }
}
