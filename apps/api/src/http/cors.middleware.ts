// CORS, closed by default: only origins listed in AFTERSHOCK_CORS_ORIGINS get CORS headers, so
// a page on any other origin cannot read the API with a token it got hold of. The headers are
// the `cors` package's (the one Nest's enableCors uses); what it does not do is refuse, so a
// preflight from an origin not listed is answered here: 403 in the error shape, no CORS headers
// (the browser then refuses the request).
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import cors from 'cors';
import type { NextFunction, Request, Response } from 'express';
import { API_CONFIG, type ApiConfig } from '../api.settings.js';

export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'x-aftershock-actor', 'last-event-id'];

@Injectable()
export class CorsMiddleware implements NestMiddleware {
  private readonly origins: ReadonlySet<string>;
  private readonly headers: ReturnType<typeof cors>;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    this.origins = new Set(config.corsOrigins);
    this.headers = cors({
      origin: [...this.origins],
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: ['Retry-After'],
      maxAge: 600,
      optionsSuccessStatus: 204,
    });
  }

  use(request: Request, response: Response, next: NextFunction): void {
    const origin = request.headers.origin;
    const preflight =
      request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (origin !== undefined && preflight && !this.origins.has(origin)) {
      response.vary('Origin');
      response.status(403).json({
        error: {
          code: 'cors.origin-not-allowed',
          reason: `origin ${origin} is not in AFTERSHOCK_CORS_ORIGINS`,
        },
      });
      return;
    }
    this.headers(request, response, next);
  }
}
