// A real OpenID provider for tests (the `oidc-provider` package, certified by the OpenID
// Foundation) on a loopback port: discovery, the authorization endpoint with its login and
// consent pages (its development interactions: any password is accepted for a known account),
// the token and userinfo endpoints, JWKS and RP-initiated logout. PKCE is required of every
// client. Two clients: the one under test, and another, whose ID tokens the provider can be told
// to hand the first (a real, validly signed token for the wrong audience).
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { freePort } from '../free-port.js';

export interface TestAccount {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly groups: readonly string[];
}

export interface TestOidcProviderOptions {
  /** The client's redirect URI (…/auth/callback) and where it may send people after sign-out. */
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  readonly accounts: readonly TestAccount[];
}

export interface TestOidcProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly otherClientId: string;
  /** The next token response carries an ID token for the other client: same person, same nonce. */
  substituteAudienceOnce(): void;
  close(): Promise<void>;
}

export const TEST_CLIENT_ID = 'aftershock';
const OTHER_CLIENT_ID = 'another-app';
export const ID_TOKEN_TTL_S = 60;

export async function startTestOidcProvider(options: TestOidcProviderOptions): Promise<TestOidcProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientSecret = `test-client-secret-${process.pid}-0123456789`;
  const accounts = new Map(options.accounts.map((a) => [a.id, a]));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
      {
        client_id: OTHER_CLIENT_ID,
        client_secret: `${clientSecret}-other`,
        redirect_uris: ['http://127.0.0.1:9/callback'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [`test-cookie-key-${process.pid}-0123456789abcdef`] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    pkce: { required: () => true },
    // Short, so a test can judge one expired by moving its clock minutes, not hours, ahead.
    ttl: { IdToken: ID_TOKEN_TTL_S, AccessToken: 600, Grant: 3600, Session: 3600, Interaction: 600 },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: { body: unknown }, form: string) => {
          ctx.body = `<!doctype html><html lang="en"><title>Sign out</title><h1>Sign out of the test provider?</h1>${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button></html>`;
        },
      },
    },
    findAccount: (_ctx: unknown, id: string) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          name: account.name,
          preferred_username: id,
          email: account.email,
          email_verified: true,
          groups: [...account.groups],
        }),
      };
    },
  });
  let substitute = false;
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (!substitute || ctx.path !== '/token' || typeof body?.id_token !== 'string') return;
    substitute = false;
    const payload = JSON.parse(Buffer.from(body.id_token.split('.')[1]!, 'base64url').toString()) as {
      sub: string;
      nonce?: string;
    };
    const other = await provider.Client.find(OTHER_CLIENT_ID);
    const token = new provider.IdToken({ sub: payload.sub }, { ctx, client: other });
    token.set('sub', payload.sub);
    if (payload.nonce) token.set('nonce', payload.nonce);
    body.id_token = await token.issue({ use: 'idtoken' });
  });
  // The provider's own complaints (a refused code exchange) are what tests provoke: not logged.
  provider.on('server_error', () => undefined);
  server.on('request', provider.callback());
  return {
    issuer,
    clientId: TEST_CLIENT_ID,
    clientSecret,
    otherClientId: OTHER_CLIENT_ID,
    substituteAudienceOnce: () => {
      substitute = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The provider as the app sees it in a test: its public URL, the provider, and its settings. */
export interface SsoTestSetup {
  /** The free loopback port the app is to serve on, and its public URL there. */
  readonly port: number;
  readonly url: string;
  readonly provider: TestOidcProvider;
  /** The app's settings (environment variables) that sign people in at the provider, "Test IdP". */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Starts a provider for an app to be served on a free loopback port: the client's redirect URI is
 * the app's /auth/callback, sign-out returns to its root, and `groupScopes` maps groups to scopes.
 */
export async function startSsoTestProvider(
  accounts: readonly TestAccount[],
  groupScopes: Readonly<Record<string, readonly string[]>>,
): Promise<SsoTestSetup> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const provider = await startTestOidcProvider({
    redirectUri: `${url}/auth/callback`,
    postLogoutRedirectUri: `${url}/`,
    accounts,
  });
  const env = {
    AFTERSHOCK_PUBLIC_URL: url,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_PROVIDER_NAME: 'Test IdP',
    OIDC_SCOPES: 'openid,profile,email,groups',
    OIDC_GROUP_SCOPES: JSON.stringify(groupScopes),
  };
  return { port, url, provider, env };
}
