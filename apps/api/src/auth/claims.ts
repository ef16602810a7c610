// From a signed-in person's claims (the validated ID token, and the provider's userinfo where the
// token leaves something out) to who they are and what they may do: their groups from the
// configured claim (a dotted path reaches nested claims such as Keycloak's realm_access.roles),
// the union of the scopes OIDC_GROUP_SCOPES gives those groups (and everyone, under "*").
import type { Scope } from '#config';
import { nameTextProblem } from '#contracts';
import type { Person } from './sessions.js';
import { EVERYONE } from './sso.settings.js';

const MAX_ACTOR_LENGTH = 200;

export type Claims = Readonly<Record<string, unknown>>;

/** The value at a dotted path (`realm_access.roles`); a claim whose own name has dots wins. */
export function claimAt(claims: Claims, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The groups in the claim: a list of names, or one name; anything else is none. */
export function groupsOf(claims: Claims, path: string): string[] | undefined {
  const value = claimAt(claims, path);
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return undefined;
}

/** The scopes the groups give (in the order of SCOPES a reader expects: read before write). */
export function scopesOf(groups: readonly string[], mapping: ReadonlyMap<string, readonly Scope[]>): Scope[] {
  const granted = new Set<Scope>(mapping.get(EVERYONE) ?? []);
  for (const group of groups) for (const scope of mapping.get(group) ?? []) granted.add(scope);
  return (['read', 'write', 'admin'] as const).filter((s) => granted.has(s));
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

const usable = (value: string | undefined): string | undefined =>
  value !== undefined && value.length <= MAX_ACTOR_LENGTH && nameTextProblem(value) === undefined
    ? value
    : undefined;

/** Who signed in. The actor (what history records) is their e-mail, else user name, else subject. */
export function personOf(claims: Claims, groupsClaim: string): Person {
  const subject = text(claims.sub) ?? '';
  const email = usable(text(claims.email));
  const username = usable(text(claims.preferred_username));
  const actor = email ?? username ?? usable(subject) ?? 'unnamed';
  return {
    actor,
    name: usable(text(claims.name)) ?? username ?? actor,
    email,
    subject,
    groups: groupsOf(claims, groupsClaim) ?? [],
  };
}
