// GET /api/v1/stream/incidents — Server-Sent Events of incident versions as they are published
// (read scope; the token may come as `?access_token=` because EventSource cannot send headers).
// Optional filters: service (primary or affected), environment.
import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { RequireScope } from '#platform';
import { parseName, type Query as QueryParams } from '../http/query.js';
import { IncidentStream } from './incident-stream.js';

@Controller('api/v1/stream')
@RequireScope('read')
export class StreamController {
  constructor(private readonly stream: IncidentStream) {}

  @Get('incidents')
  incidents(@Query() query: QueryParams, @Res() response: Response): void {
    const filter = { service: parseName(query, 'service'), environment: parseName(query, 'environment') };
    this.stream.open(response, filter);
  }
}
