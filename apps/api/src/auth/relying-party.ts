// The OpenID Connect relying party, on openid-client: the provider's discovery document (fetched
// on the first sign-in, not at start, so the api starts while the provider is down; kept once
// fetched), the authorization URL (code flow, PKCE S256, state, nonce), the code exchange with
// the ID token's checks (signature, issuer, audience, expiry, nonce) and the end-session URL.
// Time is the injected clock's: the ID token's expiry is judged by it (openid-client's clock
// skew is the clock's distance from the machine's).
import * as oidc from 'openid-client';
import type { Clock } from '#core';
import type { Claims } from './claims.js';
import type { SsoConfig } from './sso.settings.js';

export interface SignInChecks {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
}

export interface SignedIn {
  /** The ID token's claims, completed from userinfo where the token leaves the groups out. */
  readonly claims: Claims;
  readonly idToken: string;
}

export class RelyingParty {
  private discovered: Promise<oidc.ServerMetadata> | undefined;
  private jwks: oidc.ExportedJWKSCache | undefined;

  constructor(
    private readonly config: SsoConfig,
    private readonly clock: Clock,
  ) {}

  async authorizationUrl(checks: SignInChecks): Promise<URL> {
    const configuration = await this.configuration();
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.redirectUri,
      scope: this.config.scopes.join(' '),
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.verifier),
      code_challenge_method: 'S256',
      state: checks.state,
      nonce: checks.nonce,
    });
  }

  /** Exchanges the code of this callback query and checks the ID token; throws why not. */
  async finish(query: URLSearchParams, checks: SignInChecks): Promise<SignedIn> {
    const configuration = await this.configuration();
    const callback = new URL(this.config.redirectUri);
    callback.search = query.toString();
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const idTokenClaims = tokens.claims();
      if (!tokens.id_token || !idTokenClaims) throw new Error('the provider sent no ID token');
      let claims: Claims = idTokenClaims;
      // Many providers release groups (and the e-mail) at userinfo only, not in the ID token.
      const missing = !(this.config.groupsClaim.split('.')[0]! in claims) || claims.email === undefined;
      if (missing && configuration.serverMetadata().userinfo_endpoint) {
        const info = await oidc.fetchUserInfo(configuration, tokens.access_token, idTokenClaims.sub);
        claims = { ...info, ...idTokenClaims, ...pick(info, this.config.groupsClaim) };
      }
      return { claims, idToken: tokens.id_token };
    } finally {
      this.jwks = oidc.getJwksCache(configuration);
    }
  }

  /** The provider's sign-out URL for this ID token, if the provider has an end-session endpoint. */
  async endSessionUrl(idToken: string): Promise<URL | undefined> {
    const configuration = await this.configuration();
    if (!configuration.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(configuration, {
      id_token_hint: idToken,
      post_logout_redirect_uri: `${this.config.publicOrigin}/`,
      client_id: this.config.clientId,
    });
  }

  /** A configuration with the clock's current skew (openid-client takes it at construction). */
  private async configuration(): Promise<oidc.Configuration> {
    this.discovered ??= this.discover().catch((error: unknown) => {
      this.discovered = undefined; // the next sign-in tries again
      throw error;
    });
    const server = await this.discovered;
    const configuration = new oidc.Configuration(
      server,
      this.config.clientId,
      {
        client_secret: this.config.clientSecret,
        [oidc.clockSkew]: Math.round((this.clock.now() - Date.now()) / 1000),
      },
      this.config.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(this.config.clientSecret),
    );
    if (this.config.insecureIssuer) oidc.allowInsecureRequests(configuration);
    if (this.jwks) oidc.setJwksCache(configuration, this.jwks);
    return configuration;
  }

  private async discover(): Promise<oidc.ServerMetadata> {
    const execute = this.config.insecureIssuer ? [oidc.allowInsecureRequests] : [];
    const discovered = await oidc.discovery(
      new URL(this.config.issuer),
      this.config.clientId,
      undefined,
      undefined,
      {
        execute,
      },
    );
    return discovered.serverMetadata();
  }
}

/** The top-level claim the groups path starts at, from userinfo (it wins over the ID token's). */
function pick(info: Claims, path: string): Claims {
  const top = path.split('.')[0]!;
  return top in info ? { [top]: info[top] } : {};
}
