// Bearer-token auth for HTTP routes: `@RequireScope('ingest')` on a controller or handler. A
// route that authenticates its callers itself (a webhook signed with a shared secret, which
// cannot send a bearer token) says so with `@AuthenticatedByHandler()`. A middleware may
// authenticate a request by another credential that stands for a token (the live stream's
// single-use ticket) with `authenticateAs`; the guard then checks that token's scope. The guard
// runs before any body is read, so an unauthenticated caller cannot make the server read megabytes.
import {
  CanActivate,
  HttpException,
  Inject,
  Injectable,
  SetMetadata,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { bearerSecret, checkGrant, checkToken, type AccessToken, type Scope } from '#config';
import type { Clock } from '#core';
import { CLOCK } from './tokens.js';

export const ACCESS_TOKENS = Symbol.for('aftershock.AccessTokens');
const SCOPE_KEY = 'aftershock:scope';
const BY_HANDLER = 'handler';

export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);
/** The handler authenticates the caller itself (e.g. by a webhook signature); no bearer token. */
export const AuthenticatedByHandler = () => SetMetadata(SCOPE_KEY, BY_HANDLER);

/** The scope a route's decorators require (its handler's, else its controller's); undefined: public. */
export function requiredScope(controller: object, handler: object): Scope | undefined {
  const scope = (Reflect.getMetadata(SCOPE_KEY, handler) ??
    Reflect.getMetadata(SCOPE_KEY, controller)) as unknown;
  return typeof scope === 'string' && scope !== BY_HANDLER ? (scope as Scope) : undefined;
}

const CALLER = Symbol.for('aftershock.caller');

/** The token the guard accepted for this request (undefined on public routes). */
export function callerToken(request: object): AccessToken | undefined {
  return (request as { [CALLER]?: AccessToken })[CALLER];
}

const REFUSED = Symbol.for('aftershock.refused-credential');

/**
 * Notes why a credential other than a bearer token (an expired session) was not accepted: a
 * route that needs a token then answers 401 with this reason instead of "missing bearer token".
 */
export function refuseCredential(request: object, reason: string): void {
  (request as { [REFUSED]?: string })[REFUSED] = reason;
}

/** Marks a request as made with `token`, authenticated by a credential other than a bearer token. */
export function authenticateAs(request: object, token: AccessToken): void {
  (request as { [CALLER]?: AccessToken })[CALLER] = token;
}

@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ACCESS_TOKENS) private readonly tokens: readonly AccessToken[],
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.getAllAndOverride<Scope | typeof BY_HANDLER | undefined>(SCOPE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!scope || scope === BY_HANDLER) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    // A credential standing for a token (a stream ticket) was checked by a middleware already.
    const already = callerToken(request);
    const secret = bearerSecret(request.headers.authorization);
    const refused = (request as { [REFUSED]?: string })[REFUSED];
    const result = already
      ? checkGrant(already, scope, this.clock.now())
      : !secret && refused
        ? ({ ok: false, status: 401, reason: refused } as const)
        : checkToken(this.tokens, secret, scope, this.clock.now());
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
    authenticateAs(request, result.token);
    return true;
  }
}

/** Whether any route of the app needs a bearer token (then running without tokens is worth a warning). */
export function servesTokenRoutes(app: INestApplication): boolean {
  const needsToken = (target: object) => {
    const scope = Reflect.getMetadata(SCOPE_KEY, target) as unknown;
    return typeof scope === 'string' && scope !== BY_HANDLER;
  };
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const handlers = Object.values(Object.getOwnPropertyDescriptors(controller.prototype)).flatMap((d) =>
        typeof d.value === 'function' ? [d.value as object] : [],
      );
      if ([controller, ...handlers].some(needsToken)) return true;
    }
  }
  return false;
}
