// CORS, closed by default: only origins listed in AFTERSHOCK_CORS_ORIGINS get CORS headers, so
// a page on any other origin cannot read the API with a token it got hold of. Preflights from a
// listed origin are answered 204 with what the API accepts; from any other origin, 403 in the
// error shape (and no CORS headers, so the browser refuses the request).
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { API_CONFIG, type ApiConfig } from '../api.settings.js';

export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'x-aftershock-actor', 'last-event-id'];
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const EXPOSED_HEADERS = 'Retry-After';
const PREFLIGHT_MAX_AGE_S = 600;

@Injectable()
export class CorsMiddleware implements NestMiddleware {
  private readonly origins: ReadonlySet<string>;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    this.origins = new Set(config.corsOrigins);
  }

  use(request: Request, response: Response, next: NextFunction): void {
    const origin = request.headers.origin;
    const preflight =
      request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (origin === undefined) return next();
    response.vary('Origin');
    const allowed = this.origins.has(origin);
    if (!preflight) {
      if (allowed) {
        response.setHeader('Access-Control-Allow-Origin', origin);
        response.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
      }
      return next();
    }
    if (!allowed) {
      response.status(403).json({
        error: {
          code: 'cors.origin-not-allowed',
          reason: `origin ${origin} is not in AFTERSHOCK_CORS_ORIGINS`,
        },
      });
      return;
    }
    response.setHeader('Access-Control-Allow-Origin', origin);
    response.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
    response.setHeader('Access-Control-Allow-Headers', CORS_ALLOWED_HEADERS.join(', '));
    response.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_S));
    response.status(204).end();
  }
}
