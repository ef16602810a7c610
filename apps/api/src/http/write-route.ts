// What every write route of the API shares: the write scope, the per-token rate limit and a
// JSON body read only after both (a refused caller's body is never read).
import { applyDecorators, UseGuards, UseInterceptors } from '@nestjs/common';
import { RequireScope } from '#platform';
import { JsonBodyInterceptor } from './json-body.interceptor.js';
import { WriteRateLimitGuard } from './write-rate-limit.guard.js';

export const WriteRoute = () =>
  applyDecorators(
    RequireScope('write'),
    UseGuards(WriteRateLimitGuard),
    UseInterceptors(JsonBodyInterceptor),
  );
