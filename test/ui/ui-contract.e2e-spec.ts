// The web UI in a real browser (Debian's Chromium) against a stand-in that answers the documented
// REST contract from fixed records: every page, what a person sees on it, and the actions.
// ui.e2e-spec.ts runs the same steps against the real all-in-one app.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, afterEach, before, describe, it } from 'node:test';
import { startContractStub, type ContractStub } from './support/contract-stub.js';
import { openBrowser, type UiSession } from './support/browser.js';
import {
  acknowledge,
  goTo,
  incidentCharts,
  onCallCards,
  shows,
  signIn,
  suspects,
  tableRows,
  timeline,
} from './support/pages.js';

const TOKEN = 'ui-contract-read-write-0123456789';

describe('web UI on the API contract', () => {
  let stub: ContractStub;
  let ui: UiSession;

  before(async () => {
    stub = await startContractStub(TOKEN);
    ui = await openBrowser();
  });
  after(async () => {
    await ui?.close();
    await stub?.close();
  });

  afterEach(() => {
    // What the stub answered is what the real api documents: otherwise these checks pin a UI
    // to a contract nothing serves.
    assert.deepEqual(stub.offContract, []);
  });

  it('asks for a token, then lists open incidents most severe first with top suspect and confidence', async () => {
    const { page } = ui;
    // A token the server does not know: the prompt comes back and says why.
    await page.goto(`${stub.url}/`);
    const dialog = page.getByRole('dialog', { name: 'Sign in to Aftershock' });
    await page.getByLabel('Access token').fill('not-a-token-the-server-knows');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await dialog.getByText('The server refused the token: unknown token').waitFor();
    await signIn(page, stub.url, TOKEN, 'ana@shop.example');
    const cards = await onCallCards(page);
    assert.deepEqual(
      cards.map((c) => c.title),
      [
        'checkout: error ratio and latency regressed after v2.14.0',
        'HighLatency on payments',
        'HighLatency on recommendation (flapping)',
      ],
    );
    assert.match(cards[0]!.suspect, /deployment demo-deploy-checkout-v2\.14\.0 on checkout 81% confidence/);
    assert.match(cards[0]!.facts, /Blast radius 2 services/i);
    assert.match(cards[0]!.facts, /Age \d+ min ago/i);
    assert.match(cards[2]!.suspect, /No change suspected 86%/);
    await page.locator('#stream-state[data-state="live"]').waitFor();
    assert.equal(
      await page.locator('.recent-list li').count(),
      3,
      'the nightly incidents, recently resolved',
    );
    await ui.screenshot('contract-oncall');

    // The stream drops; the page says so, reconnects after a backoff, and is live again.
    stub.dropStreams();
    await page
      .locator('#stream-state[data-state="retrying"]', { hasText: /Reconnecting in \d+ s/ })
      .waitFor();
    await page.locator('#stream-state[data-state="live"]').waitFor({ timeout: 10_000 });
    assert.deepEqual(ui.errors, []);
  });

  it('shows an incident: charts with windows and change markers, ranked suspects with evidence, timeline; acknowledges it', async () => {
    const { page } = ui;
    await page
      .getByRole('link', { name: 'checkout: error ratio and latency regressed after v2.14.0' })
      .click();
    await page.getByRole('heading', { level: 1, name: /checkout: error ratio/ }).waitFor();
    const charts = await incidentCharts(page);
    assert.equal(charts.count, 3);
    assert.match(charts.caption, /checkout — error ratio/);
    assert.equal(charts.baseline, 3, "baseline shaded on every chart (frontend: the top suspect's windows)");
    assert.equal(charts.observation, 3);
    assert.ok(charts.changeMarkers >= 6, `change markers: ${charts.changeMarkers}`);
    assert.ok(
      charts.markerTitles.some((t) =>
        /^demo-deploy-checkout-v2\.14\.0: deployment of checkout v2\.14\.0 at .* UTC — suspect, 81%$/.test(t),
      ),
      charts.markerTitles.join('\n'),
    );
    assert.ok(
      charts.axisLabels.every((l) => /^\d\d:\d\d$|^\d+ \w{3}$/.test(l)),
      charts.axisLabels.join(','),
    );
    const ranked = await suspects(page);
    assert.deepEqual(
      ranked.map((s) => [s.name, s.probability]),
      [
        ['demo-deploy-checkout-v2.14.0', '81%'],
        ['demo-config-payments-fraud-timeout', '11%'],
        ['No change (another cause)', '8%'],
      ],
    );
    assert.match(
      ranked[0]!.evidence[0]!,
      /^Verification verdict its own verification failed: error ratio 0\.4% → 8\.8% strongly for$/,
    );
    assert.ok(ranked[1]!.evidence.some((e) => /against$/.test(e)));
    const entries = await timeline(page);
    assert.match(
      entries[0]!,
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d Verdict: verification failed: v2\.14\.0 on checkout$/,
    );
    assert.match(
      entries[1]!,
      /Incident opened critical post-deploy regression on checkout · top suspect demo-deploy-checkout-v2\.14\.0 at 81%/,
    );
    assert.ok(entries.some((e) => /Alert: HighLatency on frontend/.test(e)));
    assert.ok(entries.some((e) => /Updated .*frontend|Alert: HighErrorRate on checkout/.test(e)));
    await ui.screenshot('contract-incident');

    const said = await acknowledge(page, 'Rolling back v2.14.0');
    assert.match(said, /Acknowledged by ana@shop\.example/);
    assert.deepEqual(stub.posts.at(-1), {
      path: '/api/v1/incidents/inc-checkout-regression/acknowledge',
      body: { comment: 'Rolling back v2.14.0' },
      actor: 'ana@shop.example',
    });
    const after = await timeline(page);
    assert.match(after.at(-1)!, /Acknowledged by ana@shop\.example .*“Rolling back v2\.14\.0”/);
    assert.equal(await page.getByRole('button', { name: 'Acknowledge' }).isDisabled(), true);
    await ui.screenshot('contract-incident-acknowledged');

    // Back on the list, the stream has already moved it to acknowledged.
    await goTo(page, 'On call', 'On call');
    const cards = await onCallCards(page);
    assert.match(cards[0]!.title, /checkout/);
    assert.equal(await page.locator('.incident-card').first().getAttribute('data-status'), 'acknowledged');
    assert.deepEqual(ui.errors, []);
  });

  it('shows changes per service, coloured by verdict and labelled with risk class', async () => {
    const { page } = ui;
    await goTo(page, 'Changes', 'Changes');
    const rows = await tableRows(page, page.locator('table.changes-table'), 'the changes table');
    assert.equal(rows.length, 15);
    const bad = page.locator('.change-dot[data-change-id="demo-deploy-checkout-v2.14.0"]');
    await bad.and(page.locator('.verdict-fail.risk-high')).waitFor();
    assert.equal((await bad.innerText()).trim(), 'H');
    assert.ok(
      rows.some((r) => /checkout deployment v2\.14\.0 FAIL HIGH RISK REVIEW/i.test(r)),
      rows.join('\n'),
    );
    assert.ok((await page.locator('.swimlanes .lane:not(.lane-axis)').count()) >= 5);
    await bad.click();
    const detail = await page.locator('#change-detail').innerText();
    assert.match(detail, /error ratio rose from 0\.4% to 8\.8%/);
    assert.match(detail, /31% chance of an incident/);
    await ui.screenshot('contract-changes');
    assert.deepEqual(ui.errors, []);
  });

  it('ranks problems by impact or count with shared factors and schedule; the detail charts recurrence and runs the lifecycle', async () => {
    const { page } = ui;
    await goTo(page, 'Problems', 'Problems');
    const cards = await shows(page, page.locator('.problem-card'), 'the problems list');
    assert.equal(await cards.count(), 2);
    const first = await cards.first().innerText();
    assert.match(first, /BatchJobFailed on reporting/);
    assert.match(first, /CANDIDATE/i);
    assert.match(first, /every day at 02:00 UTC/);
    assert.match(first, /Hour of day\s+02:00 UTC\s+100%/);
    await page.getByRole('radio', { name: 'Repeats' }).check();
    await page.waitForURL(/sort=count/);
    await page.locator('.problem-card').first().filter({ hasText: 'Redis timeouts' }).waitFor();
    await ui.screenshot('contract-problems');

    await page.getByRole('link', { name: /BatchJobFailed on reporting/ }).click();
    await page.getByRole('heading', { name: 'Recurrence' }).waitFor();
    assert.equal(await page.locator('svg.bar-chart .bar').count(), 4);
    assert.equal(await page.locator('section[aria-labelledby="members-h"] tbody tr').count(), 3);
    await page.getByRole('button', { name: 'Confirm as problem' }).click();
    await page.locator('.stepper li.current', { hasText: 'problem' }).waitFor();
    await page.getByLabel('Workaround').fill('Rerun the export with --batch-size 500');
    await page.getByRole('button', { name: 'Record known error' }).click();
    await page.locator('.stepper li.current', { hasText: 'known error' }).waitFor();
    assert.match(await page.locator('main').innerText(), /Rerun the export with --batch-size 500/);
    await ui.screenshot('contract-problem');
    assert.deepEqual(
      stub.posts.slice(-2).map((p) => p.path),
      [
        '/api/v1/problems/prb-reporting-nightly-export/confirm',
        '/api/v1/problems/prb-reporting-nightly-export/known-error',
      ],
    );
    assert.deepEqual(ui.errors, []);
  });

  it('shows DORA figures per service and per team', async () => {
    const { page } = ui;
    await goTo(page, 'DORA', 'DORA metrics');
    const services = await tableRows(page, page.locator('#dora-services'), 'the DORA service table');
    const teams = await tableRows(page, page.locator('#dora-teams'), 'the DORA team table');
    assert.equal(services.length, 7);
    assert.equal(teams.length, 3);
    assert.match(services[0]!, /^checkout 4\.2 HIGH 48 min · 2\.1 h 5% \(6\/126\) — ELITE$/i);
    assert.match(
      teams[0]!,
      /^payments 1\.37 ELITE 2\.5 h · 20 h HIGH 12% \(5\/41\) ELITE 40 min ELITE ELITE$/i,
    );
    assert.match(await page.locator('.tiles').innerText(), /Change failure rate\s+7% \(8 of 119\)/i);
    await ui.screenshot('contract-dora');
    assert.deepEqual(ui.errors, []);
  });

  it('shows the scorecard: the actions first, teams and services with bands; downloads the report', async () => {
    const { page } = ui;
    await goTo(page, 'Scorecard', 'Scorecard');
    const actions = await shows(page, page.locator('.actions-list li'), 'the scorecard actions');
    const first = (await actions.allInnerTexts())[0] ?? '';
    assert.ok(first.length > 0, 'at least one action');
    const teams = await tableRows(page, page.locator('#scorecard-teams'), 'the scorecard team table');
    assert.ok(
      teams.some((t) => /^payments /i.test(t)),
      teams.join('\n'),
    );
    const services = await tableRows(
      page,
      page.locator('#scorecard-services'),
      'the scorecard service table',
    );
    assert.ok(
      services.some((t) => /^checkout 4\.20 /i.test(t)),
      services.join('\n'),
    );
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download Markdown' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'scorecard.md');
    const text = await readFile((await download.path())!, 'utf8');
    assert.match(text, /^# Service-management scorecard\n/);
    assert.ok(text.includes(first.split(':')[0]!), 'the report opens with the same actions');
    await ui.screenshot('contract-scorecard');
    assert.deepEqual(ui.errors, []);
  });

  it('fits a phone screen', async () => {
    const { page } = ui;
    await page.setViewportSize({ width: 390, height: 844 });
    await goTo(page, 'On call', 'On call');
    await onCallCards(page);
    await ui.screenshot('contract-oncall-phone');
    await page.setViewportSize({ width: 1400, height: 1000 });
  });
});
