// The live stream's credential for browsers: `?ticket=` (see stream-tickets.ts), redeemed here
// so the ScopeGuard checks the read scope of the token it was issued to. A request without a
// ticket is left to the guard (a bearer header, as non-browser clients send). A token in the URL
// (`?access_token=`, which proxies log) is refused with a pointer to tickets.
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { authenticateAs } from '#platform';
import { ApiError, badRequest } from '../http/api-error.js';
import { StreamTickets } from './stream-tickets.js';

const HOW =
  'get a ticket with POST /api/v1/stream/tickets (bearer token) and open the stream with ?ticket=<ticket>';

@Injectable()
export class StreamTicketMiddleware implements NestMiddleware {
  constructor(private readonly tickets: StreamTickets) {}

  use(request: Request, _response: Response, next: NextFunction): void {
    if (request.query.access_token !== undefined) {
      throw new ApiError(
        401,
        'auth.token-in-url',
        `tokens are not taken in the URL, where proxies log them: ${HOW}`,
      );
    }
    const ticket = request.query.ticket;
    if (ticket === undefined) return next();
    if (typeof ticket !== 'string') throw badRequest('ticket', 'give it once, as text');
    const result = this.tickets.redeem(ticket);
    if (!result.ok) throw new ApiError(401, 'auth.unauthorized', `${result.reason}: ${HOW}`);
    authenticateAs(request, result.token);
    next();
  }
}
