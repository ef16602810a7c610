// Single sign-on, start to end: a sign-in starts (state, nonce and PKCE verifier remembered
// against the browser's sign-in cookie), comes back (the state used up, the browser checked, the
// code exchanged and the ID token checked, the groups mapped to scopes) and becomes a session;
// a session stands for an access token named after the person; sign-out ends it. Nothing
// secret (codes, tokens, cookies) is logged: sign-ins are logged by the person's actor name.
import { Inject, Injectable } from '@nestjs/common';
import type { AccessToken } from '#config';
import type { Clock } from '#core';
import type { Logger } from '#observability';
import { LOGGER } from '#platform';
import { API_CONFIG, type ApiConfig } from '../api.settings.js';
import { personOf, scopesOf } from './claims.js';
import { RelyingParty } from './relying-party.js';
import { randomId, SsoStore, type Session } from './sessions.js';
import type { SsoConfig } from './sso.settings.js';

/** Sessions and ID tokens live in real time, whatever clock drives event time (the demo simulates one). */
export const SSO_CLOCK = Symbol.for('aftershock.api.SsoClock');
export const wallClock: Clock = { now: () => Date.now() };

/** Why a sign-in or sign-out was refused: an HTTP status, a stable code and words for a person. */
export class AuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const MAX_RETURN_LENGTH = 2_000;

/**
 * Where to send the person after signing in: a path of this site (its hash too), never another
 * origin (`//evil.example`, `/\evil.example`) and never back into /auth or the API.
 */
export function returnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_RETURN_LENGTH) return '/';
  // eslint-disable-next-line no-control-regex
  if (!/^\/(?![/\\])/.test(value) || /[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  const base = 'https://aftershock.invalid';
  const url = new URL(value, base);
  if (url.origin !== base || /^\/(auth|api)(\/|$)/.test(url.pathname)) return '/';
  return url.pathname + url.search + url.hash;
}

@Injectable()
export class SsoService {
  readonly config: SsoConfig | undefined;
  readonly store: SsoStore;
  private readonly party: RelyingParty | undefined;

  constructor(
    @Inject(API_CONFIG) api: ApiConfig,
    @Inject(SSO_CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.config = api.sso;
    this.store = new SsoStore(clock);
    this.party = api.sso ? new RelyingParty(api.sso, clock) : undefined;
  }

  /** Starts a sign-in for this browser (its sign-in cookie, or a new one): the provider's URL. */
  async start(returnTo: unknown, browser: string | undefined): Promise<{ url: URL; browser: string }> {
    const party = this.enabled();
    const checks = { state: randomId(), nonce: randomId(), verifier: randomId() };
    const binding = browser ?? randomId();
    let url: URL;
    try {
      url = await party.authorizationUrl(checks);
    } catch (error) {
      this.logger.warn('single sign-on: the provider could not be reached', { reason: messageOf(error) });
      throw new AuthFailure(
        503,
        'auth.provider-unavailable',
        `${this.config!.providerName} could not be reached; try again shortly`,
      );
    }
    this.store.startSignIn(checks.state, {
      browser: binding,
      nonce: checks.nonce,
      verifier: checks.verifier,
      returnTo: returnPath(returnTo),
    });
    return { url, browser: binding };
  }

  /** The provider's answer (the callback's query) → a session, or an AuthFailure saying why not. */
  async finish(
    query: URLSearchParams,
    browser: string | undefined,
  ): Promise<{ id: string; session: Session; returnTo: string }> {
    const party = this.enabled();
    const state = query.get('state');
    const signIn = state ? this.store.takeSignIn(state) : undefined;
    if (!signIn) {
      throw new AuthFailure(
        400,
        'auth.bad-state',
        'this sign-in is not one this server started, was used already or is over 10 minutes old: sign in again',
      );
    }
    if (browser !== signIn.browser) {
      throw new AuthFailure(
        400,
        'auth.bad-state',
        'this sign-in was started in another browser: sign in again',
      );
    }
    const providerError = query.get('error');
    if (providerError) {
      const description = query.get('error_description');
      throw new AuthFailure(
        401,
        'auth.provider-refused',
        `${this.config!.providerName} did not sign you in: ${printable(description ?? providerError)}`,
      );
    }
    let signedIn;
    try {
      signedIn = await party.finish(query, { state: state!, ...signIn });
    } catch (error) {
      this.logger.warn('single sign-on: sign-in refused', { reason: messageOf(error) });
      throw new AuthFailure(
        401,
        'auth.sign-in-refused',
        `the sign-in could not be verified: ${messageOf(error)}`,
      );
    }
    const config = this.config!;
    const person = personOf(signedIn.claims, config.groupsClaim);
    const scopes = scopesOf(person.groups, config.groupScopes);
    if (scopes.length === 0) {
      this.logger.warn('single sign-on: a person with no mapped group signed in', {
        actor: person.actor,
        groups: person.groups,
      });
      throw new AuthFailure(
        403,
        'auth.no-scope',
        `${person.name} is signed in at ${config.providerName}, but none of their groups (${person.groups.join(', ') || 'none'}) is given a scope in OIDC_GROUP_SCOPES: ask an administrator`,
      );
    }
    const { id, session } = this.store.createSession(
      { person, scopes, idToken: signedIn.idToken },
      config.sessionTtlMs,
    );
    this.logger.info('single sign-on: signed in', { actor: person.actor, groups: person.groups, scopes });
    return { id, session, returnTo: signIn.returnTo };
  }

  /** Ends the session; answers where the browser goes next (the provider's sign-out, when it has one). */
  async end(id: string | undefined): Promise<string> {
    const ended = id ? this.store.endSession(id) : undefined;
    if (!ended || !this.party) return '/';
    this.logger.info('single sign-on: signed out', { actor: ended.person.actor });
    try {
      return (await this.party.endSessionUrl(ended.idToken))?.toString() ?? '/';
    } catch (error) {
      this.logger.warn('single sign-on: no sign-out at the provider', { reason: messageOf(error) });
      return '/';
    }
  }

  private enabled(): RelyingParty {
    if (!this.party)
      throw new AuthFailure(404, 'auth.sso-off', 'single sign-on is not configured (OIDC_ISSUER)');
    return this.party;
  }
}

/** The access token a session stands for: named after the person, with their scopes. */
export function sessionToken(session: Session): AccessToken {
  // No digest: no secret finds it; the session cookie authenticated it. Expiry is the session's,
  // checked by the session middleware in real time.
  return {
    name: session.person.actor,
    scopes: new Set(session.scopes),
    digest: Buffer.alloc(0),
    expiresAt: undefined,
  };
}

/** The error's message with its causes' (openid-client wraps the precise check that failed). */
function messageOf(error: unknown): string {
  const parts: string[] = [];
  for (let at: unknown = error, depth = 0; at instanceof Error && depth < 3; at = at.cause, depth++) {
    if (!parts.includes(at.message)) parts.push(at.message);
  }
  return printable(parts.length > 0 ? parts.join(': ') : String(error));
}

/** Text from outside, fit to put in an answer: one line, bounded. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 300);
}
