// Single sign-on in a real browser (Debian's Chromium) against the real all-in-one app and a real
// OpenID provider (oidc-provider, started here): a link to an incident, as a notification sends,
// lands on the sign-in dialog; "Sign in with Test IdP" goes through the provider's login and
// consent pages and comes back to that incident, signed in as the person; they acknowledge it
// (a write with the session's CSRF token) and sign out, here and at the provider.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually } from '#testing';
import {
  startSsoTestProvider,
  type TestOidcProvider,
} from '../../libs/testing/src/oidc/test-oidc-provider.js';
import { freshDataDir, startProcess, type AppProcess } from '../support/app-process.js';
import { openBrowser, type UiSession } from './support/browser.js';
import { acknowledge, shows } from './support/pages.js';
import { cartDeployThenErrors } from './support/signals.js';

const READ = 'sso-e2e-read-0123456789abcdef';
const INGEST = 'sso-e2e-ingest-0123456789abcdef';

describe('single sign-on in the browser, through a real OpenID provider', { timeout: 150_000 }, () => {
  let provider: TestOidcProvider;
  let app: AppProcess;
  let url: string;
  let ui: UiSession;
  let incidentId: string;

  before(async () => {
    const sso = await startSsoTestProvider(
      [{ id: 'alice', name: 'Alice Example', email: 'alice@example.test', groups: ['sre'] }],
      { sre: ['read', 'write'] },
    );
    ({ url, provider } = sso);
    const dir = freshDataDir();
    app = startProcess(
      'bin/aftershock.js',
      ['start', '--port', String(sso.port), '--data-dir', join(dir, 'data')],
      { AFTERSHOCK_TOKENS: `reader=read:${READ},producer=ingest:${INGEST}`, ...sso.env },
    );
    await app.waitForLog((l) => /all-in-one is (ready|running)/.test(String(l.nonJson ?? '')));
    // An incident to link to: a deploy of cart, then its errors.
    await cartDeployThenErrors(url, INGEST, 'sso-e2e', Date.now());
    incidentId = await eventually(async () => {
      const response = await fetch(`${url}/api/v1/incidents`, {
        headers: { authorization: `Bearer ${READ}` },
      });
      const page = (await response.json()) as { items: { id: string }[] };
      const found = page.items.find((i) => JSON.stringify(i).includes('"cart"'));
      assert.ok(found, 'the cart incident is open');
      return found.id;
    }, 60_000);
    ui = await openBrowser();
  });

  after(async () => {
    await ui?.close();
    await app?.stop();
    await provider?.close();
  });

  it('signs in through the provider’s login page and lands on the deep-linked incident', async () => {
    const { page } = ui;
    await page.goto(`${url}/incidents/${incidentId}`);
    const dialog = page.getByRole('dialog', { name: 'Sign in to Aftershock' });
    await dialog.waitFor();
    await page.getByLabel('Access token').waitFor(); // kept for machines and tests
    await ui.screenshot('sso-sign-in-dialog');
    await dialog.getByRole('link', { name: 'Sign in with Test IdP' }).click();

    // The provider's own pages: login, then consent for this client.
    await page.locator('input[name="login"]').fill('alice');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.waitForURL(`${url}/#/incidents/${incidentId}`);
    await shows(page, page.getByRole('heading', { level: 1, name: /cart/i }), 'the deep-linked incident');
    await page.locator('#signed-in-as', { hasText: 'Signed in as Alice Example' }).waitFor();
    assert.equal(await dialog.isVisible(), false);
    await page.locator('#stream-state[data-state="live"]').waitFor();
    await ui.screenshot('sso-incident');
  });

  it('acts as the person: an acknowledgement made with the session is recorded as theirs', async () => {
    const { page } = ui;
    await acknowledge(page, 'looking into it (signed in with SSO)');
    const detail = await eventually(async () => {
      const response = await fetch(`${url}/api/v1/incidents/${incidentId}`, {
        headers: { authorization: `Bearer ${READ}` },
      });
      const body = (await response.json()) as { incident: { status: string } };
      assert.equal(body.incident.status, 'acknowledged');
      return body;
    }, 20_000);
    assert.match(JSON.stringify(detail), /alice@example\.test/);
  });

  it('signs out here and at the provider, and asks to sign in again', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${url}/`);
    const dialog = page.getByRole('dialog', { name: 'Sign in to Aftershock' });
    await dialog.getByRole('link', { name: 'Sign in with Test IdP' }).waitFor();
    const session = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
    assert.equal(session, 401);
    assert.deepEqual(ui.errors, []);
  });
});
