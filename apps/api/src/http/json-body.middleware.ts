// Bodies of the API's POST routes: read as bytes up to HTTP_MAX_BODY_BYTES (over it, a 413 in
// the error shape, before anything else runs), then parsed as strict JSON — valid UTF-8, no
// absurd nesting — into `request.body`. An empty body is `{}` (actions without options).
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { DecodeError, parseJson } from '#contracts';
import { HTTP_LIMITS, type HttpLimits } from '#platform';
import type { ErrorBody } from './api-error.js';

@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly read: express.RequestHandler;

  constructor(@Inject(HTTP_LIMITS) private readonly limits: HttpLimits) {
    this.read = express.raw({ type: () => true, limit: limits.maxBodyBytes });
  }

  use(request: Request, response: Response, next: NextFunction): void {
    if (request.method !== 'POST' && request.method !== 'PUT' && request.method !== 'PATCH') return next();
    this.read(request, response, (error?: unknown) => {
      const fail = (status: number, body: ErrorBody) => void response.status(status).json(body);
      if (error) {
        const status = (error as { status?: number }).status;
        if (status === 413) {
          return fail(413, {
            error: {
              code: 'body.too-large',
              reason: `the body is larger than ${this.limits.maxBodyBytes} bytes (HTTP_MAX_BODY_BYTES)`,
            },
          });
        }
        return fail(status && status < 500 ? status : 400, {
          error: { code: 'body.unreadable', reason: (error as Error).message },
        });
      }
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (bytes.length === 0 || bytes.toString('utf8').trim() === '') {
        request.body = {};
        return next();
      }
      try {
        request.body = parseJson(bytes);
      } catch (cause) {
        if (!(cause instanceof DecodeError)) return next(cause);
        return fail(400, { error: { code: cause.code, field: '(body)', reason: cause.reason } });
      }
      next();
    });
  }
}
