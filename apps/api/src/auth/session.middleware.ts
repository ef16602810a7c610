// A signed-in browser's requests: the session cookie stands for an access token named after the
// person, with the scopes their groups give (the ScopeGuard then checks the route's scope as for
// any token). A bearer header wins over the cookie, so machines are unaffected.
//
// Writes made with a session are protected against cross-site request forgery by a synchronizer
// token: every request that is not GET/HEAD/OPTIONS must carry the session's own random token in
// X-CSRF-Token (the UI reads it from GET /api/v1/session, which another origin cannot read: CORS
// never allows credentials here), and an Origin header, when the browser sends one, must be the
// public URL's. SameSite=Lax alone is not enough: it treats every subdomain of the site as the
// same site (a compromised or user-content host next door could post), and browsers and
// proxies differ in how they apply it. A token kept on the server, unlike a double-submit
// cookie, cannot be planted by a sibling subdomain that can set cookies for the parent domain.
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { bearerSecret } from '#config';
import { authenticateAs, callerToken, refuseCredential } from '#platform';
import { ApiError } from '../http/api-error.js';
import { clearCookie, cookieName, cookieValue, SESSION_COOKIE } from './cookies.js';
import { csrfMatches, type Session } from './sessions.js';
import { sessionToken, SsoService } from './sso.service.js';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SESSION = Symbol.for('aftershock.api.session');

/** The single sign-on session the request was made with, if it was. */
export function sessionOf(request: object): Session | undefined {
  return (request as { [SESSION]?: Session })[SESSION];
}

@Injectable()
export class SessionMiddleware implements NestMiddleware {
  constructor(@Inject(SsoService) private readonly sso: SsoService) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const config = this.sso.config;
    if (!config || callerToken(request) || bearerSecret(request.headers.authorization)) return next();
    const name = cookieName(SESSION_COOKIE, config.secureCookies);
    const id = cookieValue(request, name);
    if (!id) return next();
    const found = this.sso.store.session(id);
    if (!found.ok) {
      clearCookie(response, name, config.secureCookies);
      refuseCredential(
        request,
        found.reason === 'expired'
          ? 'your sign-in has expired: sign in again'
          : 'your sign-in is not known here (you signed out, or the server restarted): sign in again',
      );
      return next();
    }
    const session = found.session;
    if (!SAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      if (!csrfMatches(session, Array.isArray(header) ? header[0] : header)) {
        throw new ApiError(
          403,
          'auth.csrf',
          `a write made with a sign-in cookie needs the session's ${CSRF_HEADER} header (from GET /api/v1/session)`,
        );
      }
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== config.publicOrigin) {
        throw new ApiError(
          403,
          'auth.csrf',
          `a write made with a sign-in cookie from ${origin}, not from ${config.publicOrigin}`,
        );
      }
    }
    authenticateAs(request, sessionToken(session));
    (request as { [SESSION]?: Session })[SESSION] = session;
    next();
  }
}
