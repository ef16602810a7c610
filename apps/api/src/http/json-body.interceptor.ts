// Bodies of the API's POST routes: read as bytes up to HTTP_MAX_BODY_BYTES (over it, a 413 in
// the error shape) once the guards have accepted the caller's token, then parsed as strict JSON
// — valid UTF-8, no absurd nesting — into `request.body`. An empty body is `{}` (actions
// without options).
import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { DecodeError, parseJson } from '#contracts';
import { BodyRefused, HTTP_LIMITS, readBody, type HttpLimits } from '#platform';
import { ApiError } from './api-error.js';

@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  constructor(@Inject(HTTP_LIMITS) private readonly limits: HttpLimits) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    if (request.method !== 'POST' && request.method !== 'PUT' && request.method !== 'PATCH')
      return next.handle();
    let bytes: Buffer;
    try {
      bytes = await readBody(request, http.getResponse<Response>(), this.limits.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyRefused) throw new ApiError(error.status, error.code, error.reason);
      throw error;
    }
    if (bytes.length === 0 || bytes.toString('utf8').trim() === '') {
      request.body = {};
      return next.handle();
    }
    try {
      request.body = parseJson(bytes);
    } catch (cause) {
      if (!(cause instanceof DecodeError)) throw cause;
      throw new ApiError(400, cause.code, cause.reason, '(body)');
    }
    return next.handle();
  }
}
