// Single sign-on settings (OpenID Connect, authorization code flow with PKCE). SSO is on when
// OIDC_ISSUER is set; then the client, the public URL (the redirect URI is derived from it) and
// the group → scopes mapping are required. Every problem is reported at once, each under the
// variable at fault, like every other setting; the client secret is never echoed.
import { ConfigError, setting, SCOPES, type Scope } from '#config';

/** Scopes a group may grant a person: `ingest` is for producers' tokens, `delegate` for services that act for people. */
export const PERSON_SCOPES = ['read', 'write', 'admin'] as const satisfies readonly Scope[];
/** The group of everyone the provider signs in. */
export const EVERYONE = '*';

export const ssoSettings = {
  issuer: setting.optionalString(
    'OIDC_ISSUER',
    'OpenID provider’s issuer URL (its discovery document is <issuer>/.well-known/openid-configuration); set: single sign-on is on',
  ),
  clientId: setting.optionalString('OIDC_CLIENT_ID', 'client id registered with the provider'),
  clientSecret: setting.optionalString(
    'OIDC_CLIENT_SECRET',
    'client secret (confidential client); unset: a public client, protected by PKCE alone',
  ),
  providerName: setting.optionalString(
    'OIDC_PROVIDER_NAME',
    'name on the sign-in button ("Sign in with <name>"); default: the issuer’s host',
  ),
  scopes: setting.list('OIDC_SCOPES', {
    default: ['openid', 'profile', 'email'],
    description: 'scopes asked of the provider (add the one that releases the groups claim, e.g. groups)',
  }),
  groupsClaim: setting.string('OIDC_GROUPS_CLAIM', {
    default: 'groups',
    description: 'claim holding the person’s groups (a dotted path for nested ones, e.g. realm_access.roles)',
  }),
  groupScopes: setting.optionalString(
    'OIDC_GROUP_SCOPES',
    'JSON object: group → scopes, e.g. {"sre":["read","write"],"viewers":["read"]}; "*" is everyone signed in',
  ),
  sessionTtlMs: setting.duration('OIDC_SESSION_TTL', {
    default: 8 * 3_600_000,
    description: 'how long a sign-in lasts before the person signs in again',
  }),
};

export interface SsoConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly providerName: string;
  readonly scopes: readonly string[];
  readonly groupsClaim: string;
  readonly groupScopes: ReadonlyMap<string, readonly Scope[]>;
  readonly sessionTtlMs: number;
  /** Where the provider sends the browser back: <public origin>/auth/callback. */
  readonly redirectUri: string;
  /** Where people open the UI (the public URL's origin); the provider sends them here after sign-out. */
  readonly publicOrigin: string;
  /** Cookies are Secure (and __Host- named) when the public URL is https. */
  readonly secureCookies: boolean;
  /** http: issuers are taken only on a loopback host (a provider on the same machine, tests). */
  readonly insecureIssuer: boolean;
}

type Problems = { setting: string; problem: string }[];
type SsoLoaded = {
  readonly [K in keyof typeof ssoSettings]: ReturnType<(typeof ssoSettings)[K]['read']>;
};

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/**
 * The SSO configuration from loaded settings and the public URL, or undefined when SSO is off.
 * Throws one ConfigError naming every variable at fault.
 */
export function ssoConfig(loaded: SsoLoaded, publicUrl: string | undefined): SsoConfig | undefined {
  const problems: Problems = [];
  const fail = (setting: string, problem: string) => problems.push({ setting, problem });
  if (loaded.issuer === undefined) {
    for (const [key, value] of [
      ['OIDC_CLIENT_ID', loaded.clientId],
      ['OIDC_CLIENT_SECRET', loaded.clientSecret],
      ['OIDC_GROUP_SCOPES', loaded.groupScopes],
    ] as const) {
      if (value !== undefined) fail(key, 'is set, but single sign-on is off: set OIDC_ISSUER too');
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return undefined;
  }
  const issuer = parseUrl(loaded.issuer);
  if (!issuer) fail('OIDC_ISSUER', `"${loaded.issuer}" is not a URL`);
  else if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && LOOPBACK.test(issuer.hostname)))
    fail('OIDC_ISSUER', 'must be https (http only on localhost, for a provider on this machine)');
  else if (issuer.search || issuer.hash) fail('OIDC_ISSUER', 'must not have a query or fragment');
  if (!loaded.clientId) fail('OIDC_CLIENT_ID', 'is required with OIDC_ISSUER');
  const publicUrlParsed = publicUrl === undefined ? undefined : parseUrl(publicUrl);
  if (!publicUrlParsed)
    fail(
      'AFTERSHOCK_PUBLIC_URL',
      'is required with OIDC_ISSUER: the provider sends people back to <AFTERSHOCK_PUBLIC_URL>/auth/callback',
    );
  else if (!/^https?:$/.test(publicUrlParsed.protocol))
    fail('AFTERSHOCK_PUBLIC_URL', 'must be an http or https URL');
  if (!loaded.scopes.includes('openid'))
    fail('OIDC_SCOPES', `must include openid (got ${loaded.scopes.join(' ')})`);
  if (!loaded.groupsClaim.split('.').every(Boolean))
    fail('OIDC_GROUPS_CLAIM', `"${loaded.groupsClaim}" is not a claim name or dotted path`);
  const groupScopes = parseGroupScopes(loaded.groupScopes, fail);
  if (problems.length > 0) throw new ConfigError(problems);
  const origin = publicUrlParsed!.origin;
  return {
    issuer: loaded.issuer,
    clientId: loaded.clientId!,
    clientSecret: loaded.clientSecret,
    providerName: loaded.providerName ?? issuer!.host,
    scopes: loaded.scopes,
    groupsClaim: loaded.groupsClaim,
    groupScopes,
    sessionTtlMs: loaded.sessionTtlMs,
    redirectUri: `${origin}/auth/callback`,
    publicOrigin: origin,
    secureCookies: publicUrlParsed!.protocol === 'https:',
    insecureIssuer: issuer!.protocol === 'http:',
  };
}

/** OIDC_GROUP_SCOPES: `{"<group>": ["read", "write"], …}`, each problem named by its group. */
export function parseGroupScopes(
  text: string | undefined,
  fail: (setting: string, problem: string) => void,
): Map<string, Scope[]> {
  const map = new Map<string, Scope[]>();
  const variable = 'OIDC_GROUP_SCOPES';
  if (text === undefined) {
    fail(
      variable,
      'is required with OIDC_ISSUER: which groups get which scopes, e.g. {"sre":["read","write"],"viewers":["read"]}',
    );
    return map;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(variable, `is not JSON: ${(error as Error).message}`);
    return map;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    fail(variable, 'must be a JSON object of group → list of scopes');
    return map;
  }
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length === 0) fail(variable, 'names no group: nobody could do anything');
  for (const [group, scopes] of entries) {
    if (group.trim() === '') {
      fail(variable, 'a group name is empty');
      continue;
    }
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => typeof s === 'string')) {
      fail(variable, `group "${group}": give a non-empty list of scopes, e.g. ["read"]`);
      continue;
    }
    const unknown = scopes.find((s) => !(PERSON_SCOPES as readonly string[]).includes(s));
    if (unknown !== undefined) {
      const why = (SCOPES as readonly string[]).includes(unknown)
        ? ' (ingest is for producers’ tokens; a person acts as themselves, never for others)'
        : '';
      fail(
        variable,
        `group "${group}": "${unknown}" is not a scope a person may get${why}; use ${PERSON_SCOPES.join(', ')}`,
      );
      continue;
    }
    map.set(group, [...new Set(scopes as Scope[])]);
  }
  return map;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
