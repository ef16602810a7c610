// Bearer-token auth for HTTP routes: `@RequireScope('ingest')` on a controller or handler.
import {
  CanActivate,
  HttpException,
  Inject,
  Injectable,
  SetMetadata,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { checkToken, type AccessToken, type Scope } from '#config';
import type { Clock } from '#core';
import { CLOCK } from './tokens.js';

export const ACCESS_TOKENS = Symbol.for('aftershock.AccessTokens');
const SCOPE_KEY = 'aftershock:scope';

export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);

@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ACCESS_TOKENS) private readonly tokens: readonly AccessToken[],
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!scope) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    const header = request.headers.authorization;
    const secret = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const result = checkToken(this.tokens, secret, scope, this.clock.now());
    if (!result.ok) {
      throw new HttpException(
        {
          error: {
            code: `auth.${result.status === 401 ? 'unauthorized' : 'forbidden'}`,
            reason: result.reason,
          },
        },
        result.status,
      );
    }
    return true;
  }
}
