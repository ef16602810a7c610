// Access tokens from configuration:
//   AFTERSHOCK_TOKENS=ci-gate=write:<secret>,grafana=read:<secret>@2027-01-01T00:00:00Z,ui=read+write+delegate:<secret>
// Each entry names a token, grants it scopes (ingest, read, write, admin, delegate) and gives its
// secret, optionally until an expiry. The name is what history shows as the actor of what the
// token did; it is never derived from the secret. Ingest tokens are separate from read access: a
// producer's token cannot read incidents. `delegate` lets a token name the person it acts for
// (a shared UI or a chat-ops bot that authenticates its users itself); admin implies every scope.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from './settings.js';

export const SCOPES = ['ingest', 'read', 'write', 'admin', 'delegate'] as const;
export type Scope = (typeof SCOPES)[number];

export interface AccessToken {
  /** Who the token is: shown as the actor of what it does, in logs and in history. */
  readonly name: string;
  readonly scopes: ReadonlySet<Scope>;
  readonly digest: Buffer;
  readonly expiresAt: number | undefined;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const ENTRY = /^(?:([^=:\s]+)=)?([a-z+]+):([^@\s]{16,})(?:@(.+))?$/;

const digest = (secret: string) => createHash('sha256').update(secret).digest();

export function parseTokens(spec: string | undefined, variable = 'AFTERSHOCK_TOKENS'): AccessToken[] {
  if (!spec?.trim()) return [];
  const tokens = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, index) => {
      const problem = (text: string) =>
        new ConfigError([{ setting: variable, problem: `entry ${index + 1}: ${text}` }]);
      const match = ENTRY.exec(entry);
      if (!match) {
        throw problem('expected [<name>=]<scope[+scope]>:<secret of 16+ characters>[@<ISO expiry>]');
      }
      const [, givenName, scopeList, secret, expiry] = match;
      // Without a name, the token's place in the list: never a piece of its secret.
      const name = givenName ?? `token-${index + 1}`;
      if (!NAME.test(name)) {
        throw problem(
          `the name "${name}" is not 1 to 64 letters, digits and . _ @ - (starting with a letter or digit)`,
        );
      }
      const scopes = scopeList!.split('+');
      const unknown = scopes.find((s) => !(SCOPES as readonly string[]).includes(s));
      if (unknown) throw problem(`unknown scope "${unknown}" (use ${SCOPES.join(', ')})`);
      const expiresAt = expiry === undefined ? undefined : Date.parse(expiry);
      if (expiresAt !== undefined && Number.isNaN(expiresAt)) throw problem(`"${expiry}" is not an ISO date`);
      return { name, scopes: new Set(scopes as Scope[]), digest: digest(secret!), expiresAt };
    });
  const names = new Set<string>();
  for (const token of tokens) {
    if (names.has(token.name)) {
      throw new ConfigError([
        { setting: variable, problem: `the name "${token.name}" is given to two tokens` },
      ]);
    }
    names.add(token.name);
  }
  return tokens;
}

/**
 * The secret of an `Authorization: Bearer <secret>` header. The scheme is case-insensitive
 * (RFC 7235), so `bearer` and `BEARER` are the same.
 */
export function bearerSecret(authorization: string | readonly string[] | undefined): string | undefined {
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = typeof header === 'string' ? /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  return match?.[1];
}

/** The configured token with this secret (compared in constant time), if any. */
export function findToken(tokens: readonly AccessToken[], secret: string): AccessToken | undefined {
  const presented = digest(secret);
  let found: AccessToken | undefined;
  // Every digest is compared, so the time taken does not say which entry matched.
  for (const token of tokens) if (timingSafeEqual(token.digest, presented)) found = token;
  return found;
}

export const hasScope = (token: AccessToken, scope: Scope) =>
  token.scopes.has(scope) || token.scopes.has('admin');

export type TokenCheck =
  | { readonly ok: true; readonly token: AccessToken }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

/** Checks a bearer secret for a scope; `admin` implies every scope. */
export function checkToken(
  tokens: readonly AccessToken[],
  secret: string | undefined,
  scope: Scope,
  now: number,
): TokenCheck {
  if (!secret)
    return { ok: false, status: 401, reason: 'missing bearer token (Authorization: Bearer <token>)' };
  const token = findToken(tokens, secret);
  if (!token) return { ok: false, status: 401, reason: 'unknown token' };
  return checkGrant(token, scope, now);
}

/** Checks a known token (found by its secret or by a credential standing for it) for a scope. */
export function checkGrant(token: AccessToken, scope: Scope, now: number): TokenCheck {
  if (token.expiresAt !== undefined && token.expiresAt <= now)
    return { ok: false, status: 401, reason: 'token expired' };
  if (!hasScope(token, scope)) {
    return { ok: false, status: 403, reason: `token "${token.name}" lacks the "${scope}" scope` };
  }
  return { ok: true, token };
}
