// Rate limit of the write endpoints (actions, the risk gate): a token bucket per token (by its name),
// API_WRITE_RATE requests per second with bursts of API_WRITE_BURST. Runs after the ScopeGuard,
// so only known tokens have buckets. Over the limit: 429 in the error shape with Retry-After.
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { API_CONFIG, type ApiConfig } from '../api.settings.js';
import { ApiError } from './api-error.js';
import { callerToken } from '#platform';
import { TokenBuckets } from './token-bucket.js';

/** The buckets, one provider shared by every route the guard protects. */
@Injectable()
export class WriteBuckets extends TokenBuckets {
  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    super({ ratePerSecond: config.writeRatePerSecond, burst: config.writeBurst });
  }
}

@Injectable()
export class WriteRateLimitGuard implements CanActivate {
  constructor(
    private readonly buckets: WriteBuckets,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const token = callerToken(request);
    const key = token ? `token:${token.name}` : `ip:${request.ip ?? ''}`;
    // A rate in real time (monotonic), whatever clock drives event time (the demo simulates one).
    const result = this.buckets.take(key, performance.now());
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
