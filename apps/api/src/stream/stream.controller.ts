// The live incident stream: GET /api/v1/stream/incidents — Server-Sent Events of incident
// versions as they are published (read scope), opened with a single-use ticket from
// POST /api/v1/stream/tickets (EventSource cannot send headers) or with a bearer header.
// Optional filters: service (primary or affected), environment.
import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { callerToken, RequireScope } from '#platform';
import { ApiError } from '../http/api-error.js';
import { parseName, type Query as QueryParams } from '../http/query.js';
import { IncidentStream } from './incident-stream.js';
import { StreamTickets, type StreamTicket } from './stream-tickets.js';
import { Documented } from '../openapi/documented.js';

export const STREAM_PATH = '/api/v1/stream/incidents';

@Controller('api/v1/stream')
@RequireScope('read')
export class StreamController {
  constructor(
    private readonly stream: IncidentStream,
    private readonly tickets: StreamTickets,
  ) {}

  @Documented({
    summary: 'a stream ticket: opens the live stream once, within 30 seconds',
    response: 'StreamTicket',
    description:
      'Tickets keep tokens out of URLs (where proxies log them): the ticket opens GET /api/v1/stream/incidents once, for the token that asked for it, and nothing else. No body is needed.',
  })
  @Post('tickets')
  @HttpCode(201)
  ticket(@Req() request: Request): StreamTicket & { url: string } {
    const token = callerToken(request)!;
    if (!this.tickets.issues(token)) {
      throw new ApiError(
        400,
        'stream.ticket-not-needed',
        `tickets are for access tokens: a signed-in browser opens ${STREAM_PATH} with its sign-in cookie`,
      );
    }
    const issued = this.tickets.issue(token);
    return { ...issued, url: `${STREAM_PATH}?ticket=${issued.ticket}` };
  }

  @Documented({
    summary: 'live stream of incident versions as Server-Sent Events',
    query: ['service', 'environment', 'ticket'],
    tooMany: 'TooManyStreams',
    response: {
      'text/event-stream': {
        schema: { type: 'string' },
        description:
          'One unnamed event ("message") per incident version: `id: <incident id>/<version>`, `data:` the Incident as JSON (schema Incident). A comment line (`: heartbeat …`) every 15 s.',
      },
    },
    description:
      'Only versions published after the connection opened. Open it with `?ticket=` (from POST /api/v1/stream/tickets) or a bearer header; a token in the URL (`access_token`) is refused. A token may hold STREAM_MAX_PER_TOKEN streams at once (default 10); more answer 429.',
  })
  @Get('incidents')
  incidents(@Query() query: QueryParams, @Req() request: Request, @Res() response: Response): void {
    const filter = { service: parseName(query, 'service'), environment: parseName(query, 'environment') };
    this.stream.open(response, filter, callerToken(request)!.name);
  }
}
