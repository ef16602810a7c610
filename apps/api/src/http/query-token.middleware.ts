// EventSource cannot send headers, so the live stream also takes its bearer token as
// `?access_token=`; this copies it where the ScopeGuard looks. A header, when present, wins.
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

@Injectable()
export class QueryTokenMiddleware implements NestMiddleware {
  use(request: Request, _response: Response, next: NextFunction): void {
    const token = request.query.access_token;
    if (request.headers.authorization === undefined && typeof token === 'string' && token !== '') {
      request.headers.authorization = `Bearer ${token}`;
    }
    next();
  }
}
