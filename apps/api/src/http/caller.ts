// Who did it: the actor written into commands. It is the name configured with the caller's token
// (never a piece of its secret), or — only for a token with the `delegate` scope, such as a
// shared UI or a chat-ops bot that authenticates its users itself — the person it names in the
// `x-aftershock-actor` header. Any other token naming someone else is refused with 403, and so
// is a person signed in with single sign-on (the actor is then always that person).
import type { Request } from 'express';
import { hasScope } from '#config';
import { nameTextProblem } from '#contracts';
import { callerToken } from '#platform';
import { sessionOf } from '../auth/session.middleware.js';
import { ApiError, badRequest } from './api-error.js';

export const ACTOR_HEADER = 'x-aftershock-actor';
const MAX_ACTOR_LENGTH = 200;

/** The actor of a command made with this request (after the ScopeGuard accepted its token). */
export function actorOf(request: Pick<Request, 'headers'>): string {
  const token = callerToken(request);
  if (!token) throw new ApiError(401, 'auth.unauthorized', 'no token was accepted for this request');
  const raw = request.headers[ACTOR_HEADER];
  const named = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!named) return token.name;
  if (sessionOf(request)) {
    throw new ApiError(
      403,
      'auth.forbidden',
      `a signed-in person acts as themselves: ${ACTOR_HEADER} is for tokens with the "delegate" scope (without the header, the actor is "${token.name}")`,
    );
  }
  if (!hasScope(token, 'delegate')) {
    throw new ApiError(
      403,
      'auth.forbidden',
      `token "${token.name}" may not act for others: ${ACTOR_HEADER} needs a token with the "delegate" scope (without the header, the actor is "${token.name}")`,
    );
  }
  const problem =
    named.length > MAX_ACTOR_LENGTH
      ? `is longer than ${MAX_ACTOR_LENGTH} characters`
      : nameTextProblem(named);
  if (problem)
    throw badRequest(ACTOR_HEADER, `must be 1 to ${MAX_ACTOR_LENGTH} printable characters: ${problem}`);
  return named;
}
