// Rate limit of the write endpoints (actions, the risk gate): a token bucket per bearer token,
// API_WRITE_RATE requests per second with bursts of API_WRITE_BURST. Runs after the ScopeGuard,
// so only known tokens have buckets. Over the limit: 429 in the error shape with Retry-After.
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import type { Clock } from '#core';
import { CLOCK } from '#platform';
import { API_CONFIG, type ApiConfig } from '../api.settings.js';
import { ApiError } from './api-error.js';
import { bearerSecret } from './caller.js';
import { TokenBuckets } from './token-bucket.js';

@Injectable()
export class WriteRateLimitGuard implements CanActivate {
  private readonly buckets: TokenBuckets;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.buckets = new TokenBuckets({ ratePerSecond: config.writeRatePerSecond, burst: config.writeBurst });
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const secret = bearerSecret(request);
    const key = secret ? createHash('sha256').update(secret).digest('hex') : `ip:${request.ip ?? ''}`;
    const result = this.buckets.take(key, this.clock.now());
    if (result.ok) return true;
    const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
    http.getResponse<Response>().setHeader('Retry-After', String(seconds));
    throw new ApiError(
      429,
      'rate-limited',
      `more than ${this.config.writeRatePerSecond} writes per second (bursts of ${this.config.writeBurst}) with this token; retry after ${seconds} s`,
    );
  }
}
