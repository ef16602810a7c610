// Single sign-on against a real OpenID provider (oidc-provider, started here on a loopback port):
// the api's auth module, session middleware, scope guard and session route in a Nest app of their
// own (no bus or store needed), driven over HTTP like a browser — redirects followed by hand,
// cookies kept — through the provider's login and consent pages. Then what must be refused: an
// ID token for another client, an expired ID token, an expired session, a state that is not the
// sign-in's, a code without its PKCE verifier, writes without the CSRF token.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import 'reflect-metadata';
import { Controller, Get, Module, Post, Req, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Request } from 'express';
import { parseTokens } from '#config';
import { createLogger } from '#observability';
import { InfraModule, RequireScope } from '#platform';
import { HttpBrowser, signInAtProvider, type Hop } from '../../../../libs/testing/src/oidc/http-browser.js';
import {
  ID_TOKEN_TTL_S,
  startSsoTestProvider,
  type TestOidcProvider,
} from '../../../../libs/testing/src/oidc/test-oidc-provider.js';
import { API_CONFIG, loadApiConfig } from '../api.settings.js';
import { actorOf } from '../http/caller.js';
import { WriteRoute } from '../http/write-route.js';
import { WriteBuckets, WriteRateLimitGuard } from '../http/write-rate-limit.guard.js';
import { SessionController } from '../session/session.controller.js';
import { SsoModule } from './sso.module.js';

const MACHINE = 'machine-token-0123456789abcdef';
const RETURN_TO = '/#/incidents/inc_1';
const HOUR = 3_600_000;

/** A read route and a write route of the api's kinds (the real guard, rate limit and body reading). */
@Controller('api/v1/probe')
class ProbeController {
  @Get()
  @RequireScope('read')
  read(@Req() request: Request) {
    return { actor: actorOf(request) };
  }

  @Post()
  @WriteRoute()
  write(@Req() request: Request) {
    return { actor: actorOf(request) };
  }
}

interface Answer {
  readonly error?: { readonly code: string; readonly reason: string };
  readonly [key: string]: unknown;
}

describe('single sign-on with a real OpenID provider', { timeout: 60_000 }, () => {
  let provider: TestOidcProvider;
  let app: INestApplication;
  let url: string;
  const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };
  const logs: string[] = [];

  before(async () => {
    const sso = await startSsoTestProvider(
      [
        { id: 'alice', name: 'Alice Example', email: 'alice@example.test', groups: ['sre', 'staff'] },
        { id: 'victor', name: 'Victor Viewer', email: 'victor@example.test', groups: ['viewers'] },
        { id: 'mallory', name: 'Mallory', email: 'mallory@example.test', groups: ['marketing'] },
      ],
      { sre: ['read', 'write'], viewers: ['read'] },
    );
    ({ url, provider } = sso);
    const config = loadApiConfig({ ...sso.env, OIDC_SESSION_TTL: '1h' });
    const logger = createLogger({ level: 'debug', sink: (line) => logs.push(line) });

    @Module({
      imports: [
        InfraModule.forRoot({
          app: { name: 'api', version: 'test' },
          logger,
          tokens: parseTokens(`machine=read+write:${MACHINE}`),
          settings: new Map([[API_CONFIG, config]]),
        }),
        SsoModule.register(clock),
      ],
      controllers: [SessionController, ProbeController],
      providers: [WriteBuckets, WriteRateLimitGuard],
    })
    class TestModule {}

    app = await NestFactory.create(TestModule, { logger: false, bodyParser: false });
    await app.listen(sso.port, '127.0.0.1');
  });

  after(async () => {
    await app?.close();
    await provider?.close();
  });

  /** From /auth/login to the provider's login page. */
  async function startSignIn(browser: HttpBrowser, returnTo = RETURN_TO) {
    const started = await browser.follow(`${url}/auth/login?return=${encodeURIComponent(returnTo)}`);
    return { authorize: started.hops[0]!, loginPage: started.last };
  }

  /** Signs in up to the provider's redirect back to the callback (not followed). */
  async function upToCallback(browser: HttpBrowser, account: string): Promise<string> {
    const { loginPage } = await startSignIn(browser);
    const result = await signInAtProvider(browser, loginPage, account, (l) =>
      l.startsWith(`${url}/auth/callback`),
    );
    assert.ok(
      result.stoppedAt,
      `the provider sent the browser back: ${result.last.status} ${result.last.url}`,
    );
    return result.stoppedAt;
  }

  /** Signs in all the way; answers the hop that sent the browser back to the page it came from. */
  async function signIn(browser: HttpBrowser, account: string): Promise<Hop> {
    const callback = await upToCallback(browser, account);
    return browser.request('GET', callback);
  }

  async function call(
    browser: HttpBrowser,
    method: string,
    path: string,
    headers: Record<string, string> = {},
  ) {
    const hop = await browser.request(method, `${url}${path}`, {
      headers: {
        accept: 'application/json',
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
    });
    return { status: hop.status, json: hop.text ? (JSON.parse(hop.text) as Answer) : undefined, hop };
  }

  it('signs in with the code flow and PKCE through the provider’s pages, maps groups to scopes and returns to the deep link', async () => {
    const browser = new HttpBrowser();
    const methods = await call(browser, 'GET', '/auth/methods');
    assert.deepEqual(methods.json, { sso: { provider: 'Test IdP', login: '/auth/login' } });

    const { authorize, loginPage } = await startSignIn(browser);
    assert.equal(authorize.status, 303);
    const request = new URL(authorize.location!);
    assert.equal(request.origin + request.pathname, `${provider.issuer}/auth`);
    assert.equal(request.searchParams.get('response_type'), 'code');
    assert.equal(request.searchParams.get('code_challenge_method'), 'S256');
    assert.match(request.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(request.searchParams.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(request.searchParams.get('nonce') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.equal(request.searchParams.get('redirect_uri'), `${url}/auth/callback`);
    assert.match(loginPage.text, /name="login"/, 'the provider’s login page');

    const back = await signIn(browser, 'alice');
    assert.equal(back.status, 303, back.text);
    assert.equal(back.location, `${url}${RETURN_TO}`, 'back at the deep link, its hash kept');
    const cookie = browser.setCookies.find((c) => c.startsWith('aftershock-session='));
    assert.ok(cookie, browser.setCookies.join('\n'));
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Lax/);
    assert.match(cookie, /; Path=\//);
    assert.match(cookie, /; Max-Age=3600/);
    assert.doesNotMatch(cookie, /; Secure/, 'not Secure: the public URL is http');

    const session = await call(browser, 'GET', '/api/v1/session');
    assert.equal(session.status, 200, session.hop.text);
    assert.equal(session.json!.kind, 'person');
    assert.equal(session.json!.token, 'alice@example.test');
    assert.deepEqual(session.json!.scopes, ['read', 'write']);
    assert.equal(session.json!.actsForOthers, false);
    assert.deepEqual(session.json!.person, {
      name: 'Alice Example',
      email: 'alice@example.test',
      groups: ['sre', 'staff'],
    });
    const csrf = session.json!.csrfToken as string;
    assert.match(csrf, /^[A-Za-z0-9_-]{43}$/);

    assert.deepEqual((await call(browser, 'GET', '/api/v1/probe')).json, { actor: 'alice@example.test' });
    const write = await call(browser, 'POST', '/api/v1/probe', { 'x-csrf-token': csrf, origin: url });
    assert.equal(write.status, 201, write.hop.text);
    assert.deepEqual(write.json, { actor: 'alice@example.test' }, 'the person is the actor');

    // Cross-site request forgery: the cookie alone does not write.
    const forged = await call(browser, 'POST', '/api/v1/probe');
    assert.equal(forged.status, 403);
    assert.equal(forged.json!.error!.code, 'auth.csrf');
    const wrongToken = await call(browser, 'POST', '/api/v1/probe', { 'x-csrf-token': `${csrf.slice(1)}x` });
    assert.equal(wrongToken.status, 403);
    const otherOrigin = await call(browser, 'POST', '/api/v1/probe', {
      'x-csrf-token': csrf,
      origin: 'https://evil.example',
    });
    assert.equal(otherOrigin.status, 403);
    assert.equal(otherOrigin.json!.error!.code, 'auth.csrf');
    // A person acts as themselves.
    const naming = await call(browser, 'POST', '/api/v1/probe', {
      'x-csrf-token': csrf,
      'x-aftershock-actor': 'bob',
    });
    assert.equal(naming.status, 403);
  });

  it('lets a read-only group read and refuses it a write', async () => {
    const browser = new HttpBrowser();
    assert.equal((await signIn(browser, 'victor')).status, 303);
    const session = await call(browser, 'GET', '/api/v1/session');
    assert.deepEqual(session.json!.scopes, ['read']);
    const read = await call(browser, 'GET', '/api/v1/probe');
    assert.equal(read.status, 200);
    assert.deepEqual(read.json, { actor: 'victor@example.test' });
    const write = await call(browser, 'POST', '/api/v1/probe', {
      'x-csrf-token': session.json!.csrfToken as string,
    });
    assert.equal(write.status, 403, write.hop.text);
    assert.equal(write.json!.error!.code, 'auth.forbidden');
    assert.match(write.json!.error!.reason, /lacks the "write" scope/);
  });

  it('does not sign in a person none of whose groups has a scope', async () => {
    const browser = new HttpBrowser();
    const back = await signIn(browser, 'mallory');
    assert.equal(back.status, 403);
    assert.match(back.text, /Sign-in failed/);
    assert.match(back.text, /none of their groups \(marketing\)/);
    assert.equal((await call(browser, 'GET', '/api/v1/session')).status, 401);
  });

  it('signs out: the session ends here and at the provider, whose next sign-in asks for the login again', async () => {
    const browser = new HttpBrowser();
    await signIn(browser, 'alice');
    const csrf = (await call(browser, 'GET', '/api/v1/session')).json!.csrfToken as string;
    const forged = await call(browser, 'POST', '/auth/logout');
    assert.equal(forged.status, 403, 'signing out needs the CSRF token too');
    assert.equal((await call(browser, 'GET', '/api/v1/session')).status, 200, 'still signed in');

    const out = await call(browser, 'POST', '/auth/logout', { 'x-csrf-token': csrf });
    assert.equal(out.status, 200, out.hop.text);
    const endSession = new URL(out.json!.redirect as string);
    assert.equal(endSession.origin + endSession.pathname, `${provider.issuer}/session/end`);
    assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${url}/`);
    assert.ok(endSession.searchParams.get('id_token_hint'));
    const after = await call(browser, 'GET', '/api/v1/session');
    assert.equal(after.status, 401);
    assert.match(after.json!.error!.reason, /missing bearer token/, 'the cookie was cleared');

    // The provider's sign-out page, confirmed: back to the UI.
    const confirm = await browser.request('GET', endSession.toString());
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.text)?.[1];
    const action = /id="op.logoutForm" method="post" action="([^"]+)"/.exec(confirm.text)?.[1];
    assert.ok(xsrf && action, confirm.text.slice(0, 300));
    const done = await browser.follow(new URL(action, provider.issuer).toString(), {
      method: 'POST',
      form: { xsrf, logout: 'yes' },
      stopAt: (l) => l.startsWith(url),
    });
    assert.equal(done.stoppedAt, `${url}/`);
    const again = await startSignIn(browser);
    assert.match(again.loginPage.text, /name="login"/, 'signed out at the provider too');
  });

  it('refuses an ID token issued to another client (wrong audience)', async () => {
    const browser = new HttpBrowser();
    const callback = await upToCallback(browser, 'alice');
    provider.substituteAudienceOnce();
    const back = await call(browser, 'GET', callback.slice(url.length));
    assert.equal(back.status, 401, back.hop.text);
    assert.equal(back.json!.error!.code, 'auth.sign-in-refused');
    assert.match(back.json!.error!.reason, /aud/);
    assert.equal((await call(browser, 'GET', '/api/v1/session')).status, 401);
  });

  it('refuses an expired ID token', async () => {
    const browser = new HttpBrowser();
    const callback = await upToCallback(browser, 'alice');
    // Past the token's lifetime and openid-client's 30 s of tolerance; within the sign-in's 10 minutes.
    clock.offsetMs = (ID_TOKEN_TTL_S + 120) * 1000;
    try {
      const back = await call(browser, 'GET', callback.slice(url.length));
      assert.equal(back.status, 401, back.hop.text);
      assert.equal(back.json!.error!.code, 'auth.sign-in-refused');
      assert.match(back.json!.error!.reason, /exp/);
    } finally {
      clock.offsetMs = 0;
    }
  });

  it('ends an expired session: 401 saying so, and the cookie cleared', async () => {
    const browser = new HttpBrowser();
    await signIn(browser, 'victor');
    assert.equal((await call(browser, 'GET', '/api/v1/probe')).status, 200);
    clock.offsetMs = HOUR + 1000;
    try {
      const late = await call(browser, 'GET', '/api/v1/probe');
      assert.equal(late.status, 401);
      assert.match(late.json!.error!.reason, /sign-in has expired/);
      assert.match(
        late.hop.headers.get('set-cookie') ?? '',
        /aftershock-session=;.*Expires=Thu, 01 Jan 1970/,
      );
    } finally {
      clock.offsetMs = 0;
    }
    assert.equal((await call(browser, 'GET', '/api/v1/probe')).status, 401, 'gone for good');
  });

  it('refuses a callback whose state is not the sign-in’s, is used twice, or comes from another browser', async () => {
    const browser = new HttpBrowser();
    const callback = new URL(await upToCallback(browser, 'alice'));
    const forged = new URL(callback);
    forged.searchParams.set('state', 'x'.repeat(43));
    const bad = await call(browser, 'GET', forged.pathname + forged.search);
    assert.equal(bad.status, 400);
    assert.equal(bad.json!.error!.code, 'auth.bad-state');

    const elsewhere = new HttpBrowser();
    const stolen = await call(elsewhere, 'GET', callback.pathname + callback.search);
    assert.equal(stolen.status, 400, 'a browser that did not start the sign-in');
    assert.match(stolen.json!.error!.reason, /another browser/);
    // The state was used up by that attempt: the right browser cannot use it after it either.
    const replay = await call(browser, 'GET', callback.pathname + callback.search);
    assert.equal(replay.status, 400);
    assert.equal(replay.json!.error!.code, 'auth.bad-state');
  });

  it('a code is worthless without its PKCE verifier', async () => {
    const browser = new HttpBrowser();
    const callback = new URL(await upToCallback(browser, 'alice'));
    const code = callback.searchParams.get('code')!;
    const exchange = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${provider.clientId}:${provider.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: `${url}/auth/callback`,
      }),
    });
    assert.equal(exchange.status, 400);
    const answer = (await exchange.json()) as { error: string };
    assert.equal(answer.error, 'invalid_grant', JSON.stringify(answer));
    // The same code, with the verifier the api kept for this browser's sign-in: accepted.
    const back = await browser.request('GET', callback.toString());
    assert.equal(back.status, 303, back.text);
    assert.equal(back.location, `${url}${RETURN_TO}`);
  });

  it('keeps bearer tokens working for machines, cookie or not, without a CSRF token', async () => {
    const browser = new HttpBrowser();
    await signIn(browser, 'victor');
    const read = await call(browser, 'GET', '/api/v1/probe', { authorization: `Bearer ${MACHINE}` });
    assert.deepEqual(read.json, { actor: 'machine' }, 'the bearer token wins over the cookie');
    const write = await call(browser, 'POST', '/api/v1/probe', { authorization: `Bearer ${MACHINE}` });
    assert.equal(write.status, 201, write.hop.text);
    assert.deepEqual(write.json, { actor: 'machine' });
  });

  it('writes no code, token, cookie or secret into the logs', () => {
    const text = logs.join('\n');
    assert.match(text, /single sign-on: signed in/);
    assert.doesNotMatch(text, new RegExp(provider.clientSecret));
    assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{20,}/, 'no JWT');
    assert.doesNotMatch(text, /code=|aftershock-session=|code_verifier/);
  });
});
