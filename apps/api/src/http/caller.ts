// Who is calling: the bearer token (already checked by the ScopeGuard) and the actor name
// written into commands — the `x-aftershock-actor` header where a UI or pipeline names the
// person, else the token's hint.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { AccessToken } from '#config';
import { badRequest } from './api-error.js';

export const ACTOR_HEADER = 'x-aftershock-actor';
const MAX_ACTOR_LENGTH = 200;

export function bearerSecret(request: Pick<Request, 'headers'>): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() || undefined : undefined;
}

export function callerToken(
  tokens: readonly AccessToken[],
  request: Pick<Request, 'headers'>,
): AccessToken | undefined {
  const secret = bearerSecret(request);
  if (secret === undefined) return undefined;
  const digest = createHash('sha256').update(secret).digest();
  return tokens.find((t) => timingSafeEqual(t.digest, digest));
}

/** The actor of a command: the header when given (checked), else `token:<hint>…`. */
export function actorOf(tokens: readonly AccessToken[], request: Pick<Request, 'headers'>): string {
  const raw = request.headers[ACTOR_HEADER];
  const named = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (named) {
    if (
      named.length > MAX_ACTOR_LENGTH ||
      [...named].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
    ) {
      throw badRequest(ACTOR_HEADER, `must be 1 to ${MAX_ACTOR_LENGTH} printable characters`);
    }
    return named;
  }
  const token = callerToken(tokens, request);
  return token ? `token:${token.hint}…` : 'anonymous';
}
