// The web UI in a real browser (Debian's Chromium, driven by playwright-core) against the real
// all-in-one app with the demo day streamed in (`aftershock start --demo`): a person signs in,
// watches a new incident arrive live on the on-call view, reads the bad deploy's incident (its
// metrics with the verification windows and the changes marked, the ranked suspects and their
// evidence, the timeline), acknowledges an incident, and looks at the changes, the nightly
// problem candidate and DORA. Screenshots go to reports/screenshots/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshDataDir, startProcess, type AppProcess } from '../support/app-process.js';
import { openBrowser, type UiSession } from './support/browser.js';
import { seriousViolations } from './support/accessibility.js';
import {
  acknowledge,
  goTo,
  incidentCharts,
  onCallCards,
  shows,
  signIn,
  sloBurnDown,
  suspects,
  tableRows,
  timeline,
  openPage,
} from './support/pages.js';
import { cartDeployThenErrors } from './support/signals.js';

const READ_WRITE = 'ui-e2e-read-write-0123456789';
const INGEST = 'ui-e2e-ingest-0123456789abcdef';
const DAY = 86_400_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const BAD_DEPLOY = 'demo-deploy-checkout-v2.14.0';

describe('web UI on the running all-in-one app with the demo day', { timeout: 150_000 }, () => {
  let app: AppProcess;
  let url: string;
  let ui: UiSession;
  /** Where the demo leaves its simulated clock: midnight UTC after the demo day (it prints which), + 2 h. */
  let demoClock: number;

  before(async () => {
    const dir = freshDataDir();
    app = startProcess(
      'bin/aftershock.js',
      ['start', '--demo', '--speed', '200000', '--port', '0', '--data-dir', join(dir, 'data')],
      // The UI's token may name the person it acts for (delegate): actions are recorded as theirs.
      { AFTERSHOCK_TOKENS: `ui-test=read+write+delegate:${READ_WRITE},producer=ingest:${INGEST}` },
    );
    // The demo prints the UI's URL first, its summary once the day has streamed in.
    const open = await app.waitForLog((l) => /^Open the UI/.test(String(l.nonJson ?? '')));
    url = /^Open the UI: (\S+)\//.exec(String(open.nonJson))![1]!;
    const streaming = await app.waitForLog((l) => /^Streaming the demo day/.test(String(l.nonJson ?? '')));
    const day = /demo day (\d{4}-\d\d-\d\d)/.exec(String(streaming.nonJson))![1]!;
    demoClock = Date.parse(`${day}T00:00:00Z`) + DAY + 2 * HOUR;
    await app.waitForLog((l) => /^Aftershock keeps running/.test(String(l.nonJson ?? '')));
    ui = await openBrowser();
  });

  after(async () => {
    await ui?.close();
    await app?.stop();
  });

  it('signs in, and a new incident appears live on the on-call view with its top suspect and confidence', async () => {
    const { page } = ui;
    await signIn(page, url, READ_WRITE, 'UI test');
    await shows(page, page.getByRole('heading', { level: 1, name: 'On call' }), 'the on-call page');
    await page.locator('#signed-in-as', { hasText: 'Signed in as ui-test for UI test' }).waitFor();
    await page.locator('#stream-state[data-state="live"]').waitFor();
    // The demo's incidents are all resolved by now: they are listed as recently resolved.
    const recent = await shows(page, page.locator('.recent-list li'), 'the recently resolved incidents');
    assert.ok((await recent.count()) >= 3, `recently resolved: ${await recent.count()}`);

    // A deploy of cart, then its errors: sent while the page is open, shown without a reload.
    // The demo's (simulated) clock stands at the demo's end + 2 h: the alert fires then, and as
    // nothing moves event time on afterwards, its incident stays open.
    await cartDeployThenErrors(url, INGEST, 'ui-e2e', demoClock);
    await page
      .locator('.incident-card', { hasText: 'cart' })
      .waitFor({ timeout: 20_000 })
      .catch(() => {
        throw new assert.AssertionError({
          message: 'no incident on cart arrived on the on-call view within 20 s',
        });
      });
    const card = (await onCallCards(page)).find((c) => /cart/.test(c.title))!;
    assert.match(card.suspect, /ui-e2e-deploy-cart-v3\.1\.0 on cart \d+% confidence/);
    assert.match(card.facts, /blast radius 1 service/i);
    // The stream carries no budget: the list is asked again; no SLO of the demo shop is on cart.
    await page
      .locator('.incident-card', { hasText: 'cart' })
      .locator('.card-budget', { hasText: 'no SLO' })
      .waitFor({ timeout: 20_000 });
    await ui.screenshot('ui-oncall');
    assert.deepEqual(ui.errors, []);
  });

  it("shows the bad deploy's incident: metric charts with shaded windows and change markers, suspects with evidence, timeline", async () => {
    const { page } = ui;
    // The recently resolved list names each incident's top suspect: the bad deploy's is there.
    const row = await shows(
      page,
      page.locator('.recent-list li', { hasText: BAD_DEPLOY }),
      "the bad deploy's incident among the recently resolved",
    );
    await row.getByRole('link').first().click();
    await shows(
      page,
      page.getByRole('heading', { level: 1, name: /checkout/i }),
      'the checkout incident page',
    );
    const ranked = await suspects(page);
    assert.equal(ranked[0]!.name, BAD_DEPLOY);
    assert.match(ranked[0]!.probability, /^[<>]?\d+%$/);
    assert.ok(ranked[0]!.evidence.length >= 2, JSON.stringify(ranked[0]));
    assert.ok(ranked[0]!.evidence.every((e) => /(for|against|neutral)$/.test(e)));
    const charts = await incidentCharts(page);
    assert.ok(charts.count >= 1);
    assert.ok(charts.series >= 1, 'a plotted series');
    assert.ok(charts.baseline >= 1 && charts.observation >= 1, JSON.stringify(charts));
    assert.ok(
      charts.markerTitles.some((t) => t.startsWith(`${BAD_DEPLOY}: deployment of checkout v2.14.0 at `)),
      charts.markerTitles.join('\n'),
    );
    assert.equal(charts.services[0], 'checkout', "the suspect's service is charted first");
    // The bad deploy's marker can be hovered, though the incident opened minutes after it.
    const strip = page.locator('.metric-figure').first().locator('.marker-strip');
    await strip.getByRole('button', { name: new RegExp(`^${BAD_DEPLOY.replaceAll('.', '\\.')}: `) }).hover();
    await strip
      .getByRole('tooltip')
      .filter({ hasText: `${BAD_DEPLOY}: deployment of checkout v2.14.0 at ` })
      .waitFor();
    // An hour either side, from the api's series route; kept in the URL.
    await page.getByRole('radio', { name: '±1 h' }).check();
    await page.waitForURL(/\?range=1h$/);
    await page.locator('.chart-status', { hasText: /^Showing / }).waitFor();
    const wider = await incidentCharts(page);
    assert.deepEqual(wider.ranges[0], [charts.ranges[0]![0] - HOUR, charts.ranges[0]![1] + HOUR]);
    assert.ok(wider.series >= 1, 'a plotted series over the wider range');
    const entries = await timeline(page);
    assert.ok(
      entries.some((e) => /Incident opened/.test(e)),
      entries.join('\n'),
    );
    assert.ok(
      entries.some((e) => /Resolved/.test(e)),
      entries.join('\n'),
    );
    await ui.screenshot('ui-incident');
    assert.deepEqual(ui.errors, []);

    // The same page from a path URL, as a notification links to it: styled, with its suspects.
    const hash = new URL(page.url()).hash;
    await page.goto(`${url}${hash.slice(1)}`);
    await shows(
      page,
      page.getByRole('heading', { level: 1, name: /checkout/i }),
      'the checkout incident page from its path URL',
    );
    assert.equal((await suspects(page))[0]!.name, BAD_DEPLOY);
    assert.equal(
      await page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--radius').trim()"),
      '8px',
      'the page is styled (its stylesheet loaded)',
    );
    assert.deepEqual(ui.errors, []);
  });

  it('acknowledges an incident with a comment and shows the new state when it arrives', async () => {
    const { page } = ui;
    await goTo(page, 'On call', 'On call');
    const card = await shows(
      page,
      page.locator('.incident-card', { hasText: 'cart' }),
      'the open cart incident',
    );
    await card.getByRole('link').first().click();
    await shows(page, page.getByRole('heading', { level: 1, name: /cart/ }), 'the cart incident page');
    const said = await acknowledge(page, 'Looking at the cart deploy');
    assert.match(said, /Acknowledged by UI test/);
    const entries = await timeline(page);
    assert.ok(
      entries.some((e) => /Acknowledged by UI test .*Looking at the cart deploy/.test(e)),
      entries.join('\n'),
    );
    await ui.screenshot('ui-incident-acknowledged');
    assert.deepEqual(ui.errors, []);
  });

  it('keeps the severity a person picked while live updates arrive, and sets it', async () => {
    const { page } = ui;
    const select = page.locator('#action-severity');
    const button = page.getByRole('button', { name: 'Set severity' });
    assert.equal(await select.inputValue(), 'critical');
    assert.ok(await button.isDisabled(), 'setting the severity it has is not offered');
    await select.selectOption('warning');
    assert.ok(await button.isEnabled());
    // Someone else comments meanwhile: a new version arrives live.
    const timelineBefore = (await timeline(page)).length;
    const id = new URL(page.url()).hash.split('/').pop()!;
    const commented = await fetch(`${url}/api/v1/incidents/${id}/comment`, {
      method: 'POST',
      headers: { authorization: `Bearer ${READ_WRITE}`, 'content-type': 'application/json' },
      body: JSON.stringify({ comment: 'paging the cart team' }),
    });
    assert.equal(commented.status, 202, await commented.text());
    await page
      .locator('section[aria-labelledby="timeline-h"] .tl-entry', { hasText: 'paging the cart team' })
      .waitFor({ timeout: 20_000 })
      .catch(() => {
        throw new assert.AssertionError({ message: 'the comment did not arrive live within 20 s' });
      });
    assert.ok((await timeline(page)).length > timelineBefore);
    assert.equal(await select.inputValue(), 'warning', 'the pick survives the live update');
    await button.click();
    await page.locator('.action-status', { hasText: 'Severity is now warning' }).waitFor({ timeout: 20_000 });
    assert.equal(await select.inputValue(), 'warning');
    assert.ok(await button.isDisabled());
    assert.deepEqual(ui.errors, []);
  });

  it('shows the changes per service with the failed deploy marked', async () => {
    const { page } = ui;
    await goTo(page, 'Changes', 'Changes');
    const rows = await tableRows(page, page.locator('table.changes-table'), 'the changes table');
    assert.ok(rows.length >= 38, `changes: ${rows.length}`);
    assert.ok(
      rows.some((r) => /checkout deployment v2\.14\.0 FAIL/i.test(r)),
      rows.slice(0, 10).join('\n'),
    );
    await page.locator(`.change-dot.verdict-fail[data-change-id="${BAD_DEPLOY}"]`).waitFor();
    assert.ok((await page.locator('.swimlanes .lane:not(.lane-axis)').count()) >= 10);
    // The gate's trade-off on the fleet's own settled changes: the bad deploy among the failures,
    // a curve and a row per threshold, fewer changes skipping review as r falls.
    const gate = page.locator('#gate-trade-off');
    const summary = await (await shows(page, gate.locator('.summary'), 'the gate panel')).innerText();
    const [, settled, failed] = /(\d+) settled changes .* (\d+) failed/.exec(summary) ?? [];
    assert.ok(Number(settled) >= 30 && Number(failed) >= 1, summary);
    assert.equal(await gate.locator('svg').count(), 1);
    // A row reads "r  skipping% (n)  slipping% (n)": the second percentage is the share skipping review.
    const skipping = (await tableRows(page, gate.locator('table.gate-table'), 'the gate table')).map((r) =>
      Number(r.match(/[\d.]+(?=%)/g)?.[1]),
    );
    assert.ok(skipping.length >= 5, `gate rows: ${skipping.length}`);
    assert.deepEqual(
      skipping,
      [...skipping].sort((a, b) => a - b),
      'the higher the threshold, the more changes skip review',
    );
    await ui.screenshot('ui-changes');
    assert.deepEqual(ui.errors, []);
  });

  it('lists the nightly problem candidate with its shared factors and schedule; the detail charts its recurrence', async () => {
    const { page } = ui;
    await goTo(page, 'Problems', 'Problems');
    const card = (
      await shows(page, page.locator('.problem-card', { hasText: 'reporting' }), 'the problems list')
    ).first();
    const text = await card.innerText();
    assert.match(text, /candidate/i);
    assert.match(text, /every day at 02:00 UTC/);
    assert.match(text, /Hour of day\s+02:00 UTC/);
    await ui.screenshot('ui-problems');
    await card.getByRole('link').first().click();
    await shows(page, page.getByRole('heading', { name: 'Recurrence' }), 'the problem page');
    assert.ok((await page.locator('svg.bar-chart .bar').count()) >= 1);
    assert.equal(await page.locator('section[aria-labelledby="members-h"] tbody tr').count(), 3);
    await page.getByRole('button', { name: 'Confirm as problem' }).click();
    await page.locator('.stepper li.current', { hasText: 'problem' }).waitFor({ timeout: 30_000 });
    await ui.screenshot('ui-problem');
    assert.deepEqual(ui.errors, []);
  });

  it('searches the incident history, keeps the filters in the URL, and opens an incident from it', async () => {
    const { page } = ui;
    await goTo(page, 'History', 'Incident history');
    const all = await tableRows(page, page.locator('#history-table'), 'the incident history');
    assert.ok(all.length >= 6, `incidents: ${all.length}\n${all.join('\n')}`);
    await page.locator('#history-q').fill('batchjobfailed');
    await page.locator('#history-status').selectOption('resolved');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/#\/incidents\?q=batchjobfailed&status=resolved/);
    await page.locator('#history-summary', { hasText: '3 incidents' }).waitFor();
    const nightly = await tableRows(page, page.locator('#history-table'), 'the search results');
    assert.equal(nightly.length, 3, nightly.join('\n'));
    assert.ok(
      nightly.every((r) => /BatchJobFailed on reporting/.test(r)),
      nightly.join('\n'),
    );
    // The URL alone brings the same search back (a shared link), and a row opens its incident.
    await page.goto(`${url}/#/incidents?q=HighLatency%20on%20payments`);
    const payments = await tableRows(page, page.locator('#history-table'), 'the linked search');
    assert.equal(payments.length, 1, payments.join('\n'));
    assert.match(payments[0]!, /demo-config-payments-fraud-timeout/);
    await page.locator('#history-table a', { hasText: 'HighLatency on payments' }).click();
    await shows(
      page,
      page.getByRole('heading', { level: 1, name: /HighLatency on payments/ }),
      'the incident',
    );
    assert.deepEqual(ui.errors, []);
  });

  it("shows the demo shop's SLOs from the real api, one with its burn-down, and orders incidents and problems by budget", async () => {
    const { page } = ui;
    await goTo(page, 'SLOs', 'SLOs');
    const slos = await tableRows(page, page.locator('#slos-table'), 'the SLOs table');
    for (const name of ['checkout-availability', 'frontend-availability', 'payments-latency'])
      assert.ok(
        slos.some((r) => r.includes(name) || r.includes(name.replace('-', ' '))),
        `${name}\n${slos.join('\n')}`,
      );
    await page.goto(`${url}/#/slos/checkout-availability`);
    await shows(page, page.getByRole('heading', { level: 1, name: /Checkout takes orders/ }), 'the SLO page');
    const chart = await sloBurnDown(page);
    assert.equal(chart.series, 1);
    assert.ok(
      chart.changeMarkers.some((t) => t.startsWith(`${BAD_DEPLOY}: deployment of checkout v2.14.0 at `)),
      chart.changeMarkers.join('\n'),
    );
    assert.ok(
      chart.incidentBands.some((t) => /HighErrorRate on checkout.*spent \d+% of budget$/.test(t)),
      chart.incidentBands.join('\n'),
    );
    // By budget: the incidents that spent the shop's budgets first, the nightly job's (no SLO) last.
    await page.goto(`${url}/#/incidents?sort=budget`);
    const rows = await tableRows(page, page.locator('#history-table'), 'the history by budget');
    assert.ok(rows.length >= 6, rows.join('\n'));
    assert.ok(!/no SLO$/i.test(rows[0]!), rows.join('\n'));
    assert.match(rows.at(-1)!, /no SLO$/i);
    await page.goto(`${url}/#/problems?sort=budget`);
    await shows(
      page,
      page.locator('.problem-card .problem-budget', { hasText: /no SLO/i }),
      'the problems by budget',
    );
    await page.goto(`${url}/#/slos/no-such-slo`);
    await shows(
      page,
      page.getByRole('heading', { level: 1, name: 'This page could not be loaded' }),
      'an unknown SLO',
    );
    // Away from the error, so the next page's check does not see it while that page loads.
    await goTo(page, 'SLOs', 'SLOs');
    assert.deepEqual(ui.errors, []);
  });

  it("passes the accessibility check on the demo day's pages, in light and in dark", async () => {
    const { page } = ui;
    await openPage(page, `${url}/#/incidents`);
    const first = await page.locator('#history-table a').first().getAttribute('href');
    const pages = ['#/', '#/incidents', first!, '#/changes', '#/problems', '#/slos', '#/dora', '#/scorecard'];
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const path of pages) {
        await openPage(page, `${url}/${path}`);
        found.push(...(await seriousViolations(page)).map((v) => `${scheme}: ${v}`));
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    assert.deepEqual(found, []);
    assert.deepEqual(ui.errors, []);
  });

  it('shows DORA figures per service and team', async () => {
    const { page } = ui;
    await goTo(page, 'DORA', 'DORA metrics');
    const rows = await tableRows(page, page.locator('#dora-services'), 'the DORA service table');
    assert.ok(rows.length >= 10, `services: ${rows.length}`);
    assert.ok(
      rows.some((r) => /^checkout /.test(r)),
      rows.join('\n'),
    );
    await ui.screenshot('ui-dora');
    assert.deepEqual(ui.errors, []);
  });
});
