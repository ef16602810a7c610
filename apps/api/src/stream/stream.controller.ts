// The live incident stream: GET /api/v1/stream/incidents — Server-Sent Events of incident
// versions as they are published (read scope), opened with a single-use ticket from
// POST /api/v1/stream/tickets (EventSource cannot send headers) or with a bearer header.
// Optional filters: service (primary or affected), environment.
import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { callerToken, RequireScope } from '#platform';
import { parseName, type Query as QueryParams } from '../http/query.js';
import { IncidentStream } from './incident-stream.js';
import { StreamTickets, type StreamTicket } from './stream-tickets.js';

export const STREAM_PATH = '/api/v1/stream/incidents';

@Controller('api/v1/stream')
@RequireScope('read')
export class StreamController {
  constructor(
    private readonly stream: IncidentStream,
    private readonly tickets: StreamTickets,
  ) {}

  @Post('tickets')
  @HttpCode(201)
  ticket(@Req() request: Request): StreamTicket & { url: string } {
    const issued = this.tickets.issue(callerToken(request)!);
    return { ...issued, url: `${STREAM_PATH}?ticket=${issued.ticket}` };
  }

  @Get('incidents')
  incidents(@Query() query: QueryParams, @Req() request: Request, @Res() response: Response): void {
    const filter = { service: parseName(query, 'service'), environment: parseName(query, 'environment') };
    this.stream.open(response, filter, callerToken(request)!.name);
  }
}
