// Every error under /api/v1 leaves in the documented shape `{ error: { code, field?, reason } }`:
// errors the API raises already have it; Nest's own (an unknown route, a method not allowed)
// and unexpected failures are wrapped here. Other paths (health probes) keep Nest's default.
import { Catch, HttpException, Inject, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Logger } from '#observability';
import { LOGGER } from '#platform';
import { StoreError } from '#storage';
import { isErrorBody, type ErrorBody } from './api-error.js';

export const API_PREFIX = '/api/v1';

@Catch()
export class ApiExceptionFilter extends BaseExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return super.catch(exception, host);
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    if (!(request.path === API_PREFIX || request.path.startsWith(`${API_PREFIX}/`))) {
      return super.catch(exception, host);
    }
    const [status, body] = this.describe(exception, request);
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(status).json(body);
  }

  private describe(exception: unknown, request: Request): [number, ErrorBody] {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (isErrorBody(body)) return [status, body];
      if (status === 404) {
        return [
          404,
          { error: { code: 'route.not-found', reason: `no route ${request.method} ${request.path}` } },
        ];
      }
      return [status, { error: { code: `http.${status}`, reason: exception.message } }];
    }
    if (exception instanceof StoreError && exception.transient) {
      this.logger.warn('store unavailable', { path: request.path, error: exception });
      return [
        503,
        { error: { code: 'store.unavailable', reason: 'ClickHouse is not answering; try again' } },
      ];
    }
    this.logger.error('request failed', { method: request.method, path: request.path, error: exception });
    return [500, { error: { code: 'internal', reason: 'internal error (logged on the server)' } }];
  }
}
