// Access tokens from configuration: `AFTERSHOCK_TOKENS=ingest:<secret>,read+write:<secret>@2027-01-01T00:00:00Z`.
// Each entry grants scopes (ingest, read, write, admin) to a secret, optionally until an expiry.
// Ingest tokens are separate from read access: a producer's token cannot read incidents.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from './settings.js';

export const SCOPES = ['ingest', 'read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface AccessToken {
  readonly scopes: ReadonlySet<Scope>;
  readonly digest: Buffer;
  readonly expiresAt: number | undefined;
  /** First characters of the secret, for logs. */
  readonly hint: string;
}

const digest = (secret: string) => createHash('sha256').update(secret).digest();

export function parseTokens(spec: string | undefined, variable = 'AFTERSHOCK_TOKENS'): AccessToken[] {
  if (!spec?.trim()) return [];
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, index) => {
      const match = /^([a-z+]+):([^@\s]{16,})(?:@(.+))?$/.exec(entry);
      const problem = (text: string) =>
        new ConfigError([{ setting: variable, problem: `entry ${index + 1}: ${text}` }]);
      if (!match) throw problem('expected <scope[+scope]>:<secret of 16+ characters>[@<ISO expiry>]');
      const scopes = match[1]!.split('+');
      const unknown = scopes.find((s) => !(SCOPES as readonly string[]).includes(s));
      if (unknown) throw problem(`unknown scope "${unknown}" (use ${SCOPES.join(', ')})`);
      const expiresAt = match[3] === undefined ? undefined : Date.parse(match[3]);
      if (expiresAt !== undefined && Number.isNaN(expiresAt))
        throw problem(`"${match[3]}" is not an ISO date`);
      return {
        scopes: new Set(scopes as Scope[]),
        digest: digest(match[2]!),
        expiresAt,
        hint: match[2]!.slice(0, 4),
      };
    });
}

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
  const presented = digest(secret);
  const token = tokens.find((t) => timingSafeEqual(t.digest, presented));
  if (!token) return { ok: false, status: 401, reason: 'unknown token' };
  if (token.expiresAt !== undefined && token.expiresAt <= now)
    return { ok: false, status: 401, reason: 'token expired' };
  if (!token.scopes.has(scope) && !token.scopes.has('admin')) {
    return { ok: false, status: 403, reason: `token lacks the "${scope}" scope` };
  }
  return { ok: true, token };
}
