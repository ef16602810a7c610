// The web UI in a real browser (Debian's Chromium) against a stand-in that answers the documented
// REST contract from fixed records: every page, what a person sees on it, and the actions.
// ui.e2e-spec.ts runs the same steps against the real all-in-one app.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, afterEach, before, describe, it } from 'node:test';
import { startContractStub, type ContractStub } from './support/contract-stub.js';
import { openBrowser, type UiSession } from './support/browser.js';
import { seriousViolations, sidewaysOverflow } from './support/accessibility.js';
import {
  acknowledge,
  goTo,
  incidentCharts,
  onCallCards,
  shows,
  signIn,
  openPage,
  plotBox,
  sloBurnDown,
  suspects,
  tableRows,
  timeline,
} from './support/pages.js';

const TOKEN = 'ui-contract-read-write-0123456789';
const HOUR = 3_600_000;
/** One URL of each page the UI has, on the stub's records. */
const EVERY_PAGE = [
  '#/',
  '#/incidents',
  '#/incidents/inc-checkout-regression',
  '#/changes',
  '#/problems',
  '#/problems/prb-cart-redis-timeouts',
  '#/slos',
  '#/slos/checkout-availability',
  '#/dora',
  '#/scorecard',
];

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
      4,
      'the nightly incidents and the Redis failover, recently resolved',
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
    // The api lists frontend first; the suspect's service (checkout) is charted first.
    assert.deepEqual(charts.services, ['checkout', 'checkout', 'frontend']);
    assert.match(charts.caption, /checkout — error ratio/);
    assert.equal(charts.series, 1);
    assert.equal(charts.baseline, 3, "baseline shaded on every chart (frontend: the top suspect's windows)");
    assert.equal(charts.observation, 3);
    assert.match(
      charts.summary,
      /^baseline mean 0\.4\d*% \(\d\d:\d\d–\d\d:\d\d UTC\); observation mean [6-9]\.\d+% /,
    );
    // Each alert shades the charts of its own service.
    assert.deepEqual(
      charts.alerts.map((a) => a.replace(/ \d.*$/, '')),
      ['HighErrorRate firing', 'HighErrorRate firing', 'HighLatency firing'],
    );
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
    // Its alerts, with the runbook and source links their source sent.
    const alerts = page.locator('section.alerts-panel li');
    assert.deepEqual(await alerts.locator('strong').allInnerTexts(), ['HighLatency', 'HighErrorRate']);
    assert.equal(
      await alerts.first().getByRole('link', { name: 'Runbook' }).getAttribute('href'),
      'https://runbooks.shop.example/HighLatency',
    );
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

  it("investigates an incident's metrics: shared crosshair, zoom together, the likely cause's marker, time range, UTC or local", async () => {
    const { page } = ui;
    const incident = `${stub.url}/#/incidents/inc-checkout-regression`;
    await openPage(page, incident);
    const before = await incidentCharts(page);
    const [home] = before.ranges;
    assert.ok(
      before.ranges.every((r) => r[0] === home![0] && r[1] === home![1]),
      JSON.stringify(before.ranges),
    );

    // Hovering one chart shows the crosshair, at the same time, on the others.
    const first = await plotBox(page, 0);
    await page.mouse.move(first.x + first.width * 0.5, first.y + first.height * 0.5);
    const cursors = page.locator('.metric-figure .time-chart');
    await page.waitForFunction(
      "document.querySelectorAll('.metric-figure .time-chart[data-cursor]').length === 3",
    );
    const at = await cursors.evaluateAll((els) => els.map((el) => el.getAttribute('data-cursor')));
    assert.equal(new Set(at).size, 1, `the crosshair's time on each chart: ${at.join(', ')}`);
    const shown = await page
      .locator('.metric-figure .u-cursor-x')
      .evaluateAll((els) => els.map((el) => !el.classList.contains('u-off')));
    assert.deepEqual(shown, [true, true, true]);
    assert.match(await page.locator('.chart-readout').nth(2).innerText(), /^\d\d:\d\d:\d\d UTC · \d+ ms$/);

    // Dragging across the second chart zooms all three to the same, narrower range.
    const second = await plotBox(page, 1);
    await page.mouse.move(second.x + second.width * 0.3, second.y + second.height / 2);
    await page.mouse.down();
    await page.mouse.move(second.x + second.width * 0.45, second.y + second.height / 2, { steps: 5 });
    await page.mouse.move(second.x + second.width * 0.6, second.y + second.height / 2, { steps: 5 });
    await page.mouse.up();
    const zoomed = (await incidentCharts(page)).ranges;
    const width = home![1] - home![0];
    assert.ok(
      zoomed.every((r) => r[0] === zoomed[0]![0] && r[1] === zoomed[0]![1]),
      JSON.stringify(zoomed),
    );
    const share = (zoomed[0]![1] - zoomed[0]![0]) / width;
    assert.ok(share > 0.25 && share < 0.35, `zoomed to ${share} of the range`);
    assert.ok(zoomed[0]![0] > home![0] + width * 0.25, 'the zoom starts where the drag did');
    await page.locator('.zoom-status', { hasText: /^Zoomed to \d\d:\d\d–\d\d:\d\d UTC$/ }).waitFor();
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    assert.deepEqual((await incidentCharts(page)).ranges, before.ranges);
    assert.ok(await page.getByRole('button', { name: 'Reset zoom' }).isDisabled());

    // The likely cause's marker, 6 minutes before the incident opened: neither hides the other,
    // and hovering or focusing it says which change it is.
    const strip = page.locator('.metric-figure').first().locator('.marker-strip');
    const suspect = strip.getByRole('button', { name: /^demo-deploy-checkout-v2\.14\.0: / });
    const opened = strip.getByRole('button', { name: /^Incident opened at / });
    const [a, b] = [await suspect.boundingBox(), await opened.boundingBox()];
    assert.ok(a && b, 'both markers are shown');
    const apart =
      a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
    assert.ok(apart, `the markers overlap: ${JSON.stringify([a, b])}`);
    await suspect.hover();
    const tip = strip.getByRole('tooltip');
    await tip
      .filter({
        hasText: /demo-deploy-checkout-v2\.14\.0: deployment of checkout v2\.14\.0 at .* — suspect, 81%/,
      })
      .waitFor();
    await page.mouse.move(0, 0);
    await suspect.focus();
    await tip.filter({ hasText: /demo-deploy-checkout-v2\.14\.0/ }).waitFor();
    assert.equal(await suspect.getAttribute('tabindex'), '0', "the likely cause is the strip's tab stop");
    await page.keyboard.press('ArrowRight');
    await tip.filter({ hasText: /^Incident opened at / }).waitFor();
    assert.equal(
      await page.evaluate('document.activeElement?.getAttribute("aria-label")'),
      await opened.getAttribute('aria-label'),
    );

    // A wider time range: in the URL, asked of the api, and drawn (1-minute means beyond 6 h).
    await page.getByRole('radio', { name: '±1 h' }).check();
    await page.waitForURL(/#\/incidents\/inc-checkout-regression\?range=1h$/);
    await page.locator('.chart-status', { hasText: /^Showing / }).waitFor();
    const hour = await incidentCharts(page);
    assert.deepEqual(hour.ranges[0], [home![0] - HOUR, home![1] + HOUR]);
    await page.getByRole('radio', { name: '±6 h' }).check();
    await page.waitForURL(/\?range=6h$/);
    await page.locator('.metric-figure figcaption', { hasText: '1-minute averages' }).first().waitFor();
    const six = await incidentCharts(page);
    assert.deepEqual(six.ranges[0], [home![0] - 6 * HOUR, home![1] + 6 * HOUR]);
    assert.ok(
      six.captions.every((c) => /1-minute averages$/.test(c)),
      six.captions.join('\n'),
    );
    assert.notEqual(six.summary, before.summary);
    // The URL alone brings the range back.
    await page.reload();
    await page.locator('.chart-status', { hasText: /^Showing / }).waitFor();
    assert.ok(await page.getByRole('radio', { name: '±6 h' }).isChecked());
    assert.deepEqual((await incidentCharts(page)).ranges[0], six.ranges[0]);
    await page.getByRole('radio', { name: 'Incident window' }).check();
    await page.waitForURL(/#\/incidents\/inc-checkout-regression$/);

    // Local time (Berlin here) instead of UTC: the axes, the markers and the timeline follow, and
    // the choice is kept in the browser.
    const utcTimeline = await timeline(page);
    await page.getByRole('button', { name: 'Times: UTC' }).click();
    await page.getByRole('button', { name: /^Times: local \((CET|CEST|GMT\+\d)\)$/ }).waitFor();
    const local = await incidentCharts(page);
    const offset = await page.evaluate(`-new Date(${home![0]}).getTimezoneOffset() / 60`);
    const hourOf = (label: string) => Number(label.split(':')[0]);
    assert.equal((hourOf(local.axisLabels[0]!) - hourOf(before.axisLabels[0]!) + 24) % 24, offset);
    assert.ok(
      local.markerTitles.every((t) => /(CET|CEST|GMT\+\d)( —|$)/.test(t)),
      local.markerTitles.join('\n'),
    );
    assert.notDeepEqual(await timeline(page), utcTimeline);
    await page.reload();
    await page.getByRole('button', { name: /^Times: local/ }).click();
    await page.getByRole('button', { name: 'Times: UTC' }).waitFor();
    assert.deepEqual((await incidentCharts(page)).axisLabels, before.axisLabels);
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
    // Its regression's cost, once the detail is loaded: checkout's availability budget it burned.
    await page
      .locator('#change-detail .regression-budget', { hasText: /checkout-availability \d+% of budget/ })
      .waitFor();
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

  it('lists the SLOs with budget, state and burn-rate tiers, filtered by service in the URL', async () => {
    const { page } = ui;
    await goTo(page, 'SLOs', 'SLOs');
    const groups = await shows(page, page.locator('#slos-table tbody.slo-group'), 'the SLO table');
    assert.equal(await groups.count(), 4);
    const states = await groups.evaluateAll((els) =>
      els.map((el) => `${el.getAttribute('data-slo')} ${el.getAttribute('data-status')}`),
    );
    assert.deepEqual(states, [
      'checkout-availability met',
      'checkout-latency at-risk',
      'payments-availability exhausted',
      'search-availability no-data',
    ]);
    const text = (i: number) =>
      groups
        .nth(i)
        .innerText()
        .then((t) => t.replace(/\s+/g, ' ').trim());
    assert.match(
      await text(0),
      /^Checkout availability checkout-availability checkout availability: 99\.95% 99\.968% 36% left met 28d rolling Occurrences page-fast 14\.4× \/ 1 h firing page-slow 6× \/ 6 h firing ticket 1× \/ 3 d$/i,
    );
    // Two objectives, one row each; the budget overspent shows as exhausted, not as a negative bar.
    assert.match(
      await text(2),
      /availability: 99\.9% 99\.888% 12% overspent exhausted .* relaxed: 99\.5% 99\.888% 78% left met$/i,
    );
    assert.match(await text(3), /availability: 99\.9% — — no data/i);
    assert.equal(await groups.nth(0).locator('.tier-firing').count(), 2);
    assert.equal(await groups.nth(3).locator('.tier-firing').count(), 0);
    await ui.screenshot('contract-slos');

    await page.getByLabel('Service').fill('checkout');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/#\/slos\?service=checkout$/);
    await page.locator('#slos-summary', { hasText: '2 SLOs · 1 at risk · service checkout' }).waitFor();
    assert.equal(await page.locator('#slos-table tbody.slo-group').count(), 2);
    assert.deepEqual(ui.errors, []);
  });

  it("shows one SLO: the burn-down with the service's changes and incidents, the budget per objective, the tiers", async () => {
    const { page } = ui;
    await page.getByRole('link', { name: 'Checkout availability' }).click();
    await shows(page, page.getByRole('heading', { level: 1, name: 'Checkout availability' }), 'the SLO page');
    assert.match(page.url(), /#\/slos\/checkout-availability$/);
    const chart = await sloBurnDown(page);
    assert.equal(chart.series, 1);
    assert.match(chart.caption, /objective availability \(99\.95%\), the first to run out/);
    // checkout's changes in the window: the bad deploy and an earlier one; nothing of other services.
    assert.equal(chart.changeMarkers.length, 2, chart.changeMarkers.join('\n'));
    assert.ok(
      chart.changeMarkers.some((t) =>
        /^demo-deploy-checkout-v2\.14\.0: deployment of checkout v2\.14\.0 at /.test(t),
      ),
      chart.changeMarkers.join('\n'),
    );
    assert.equal(chart.incidentBands.length, 2, chart.incidentBands.join('\n'));
    assert.ok(
      chart.incidentBands.some((t) =>
        /^checkout: error ratio and latency regressed after v2\.14\.0: .* UTC – still open, spent 21% of budget$/.test(
          t,
        ),
      ),
      chart.incidentBands.join('\n'),
    );
    assert.ok(
      chart.incidentBands.some((t) =>
        /^Redis timeouts on cart after failover: .* UTC – .* UTC, spent 23% of budget$/.test(t),
      ),
      chart.incidentBands.join('\n'),
    );
    // Zoomed to the last day: the deploys and the open incident, without the failover nine days ago.
    await page.getByRole('radio', { name: 'Last 24 hours' }).check();
    const day = await sloBurnDown(page);
    assert.equal(day.changeMarkers.length, 2);
    assert.equal(day.incidentBands.length, 1);
    assert.match(day.incidentBands[0]!, /^checkout: error ratio/);
    await ui.screenshot('contract-slo-last-day');
    await page.getByRole('radio', { name: 'Whole window' }).check();
    const incidents = await tableRows(page, page.locator('#slo-incidents'), 'the incidents in the window');
    assert.equal(incidents.length, 2);
    assert.match(
      incidents[0]!,
      /^Redis timeouts on cart after failover HIGH RESOLVED .* 1 h 35 min 23% of budget$/i,
    );
    assert.match(incidents[1]!, /^checkout: error ratio .* CRITICAL .* so far 21% of budget$/i);
    const objectives = await tableRows(page, page.locator('#slo-objectives'), 'the objectives');
    assert.match(
      objectives[0]!,
      /^availability 99\.95% 99\.968% 96,737,034 of 96,768,000 64% .*36% left met$/i,
    );
    const tiers = await tableRows(page, page.locator('#slo-tiers'), 'the burn-rate tiers');
    assert.deepEqual(tiers, [
      'page-fast critical 1 h 141× 5 min 176× 14.4× 144,000 FIRING',
      'page-slow high 6 h 23.5× 30 min 176× 6× 864,000 FIRING',
      'ticket warning 3 d 0.9× 6 h 23.5× 1× 10,368,000 no',
    ]);
    await ui.screenshot('contract-slo');
    assert.deepEqual(ui.errors, []);
  });

  it('shows the budget each incident spent per SLO, or no SLO, and sorts incidents and problems by it', async () => {
    const { page } = ui;
    await goTo(page, 'On call', 'On call');
    let cards = await onCallCards(page);
    assert.deepEqual(
      cards.map((c) => [c.title.split(':')[0], c.budget]),
      [
        ['checkout', 'checkout-availability 21% of budget checkout-latency 10% of budget'],
        ['HighLatency on payments', 'payments-availability 42% of budget'],
        ['HighLatency on recommendation (flapping)', 'no SLO'],
      ],
    );
    await page.getByLabel('Order').selectOption({ label: 'Most SLO budget spent first' });
    await page.waitForURL(/#\/\?sort=budget$/);
    await page.locator('.incident-card').first().filter({ hasText: 'HighLatency on payments' }).waitFor();
    cards = await onCallCards(page);
    assert.deepEqual(
      cards.map((c) => c.title.split(':')[0]),
      ['HighLatency on payments', 'checkout', 'HighLatency on recommendation (flapping)'],
    );
    await ui.screenshot('contract-oncall-by-budget');

    // The badge links to the SLO; the incident page shows the same budgets.
    await page.getByRole('link', { name: /checkout: error ratio/ }).click();
    await page.getByRole('heading', { level: 1, name: /checkout: error ratio/ }).waitFor();
    const spent = page.locator('.incident-header dd .budget-badges');
    assert.equal(
      (await spent.innerText()).replace(/\s+/g, ' ').trim(),
      'checkout-availability 21% of budget checkout-latency 10% of budget',
    );
    await spent.getByRole('link', { name: /checkout-latency/ }).click();
    await shows(page, page.getByRole('heading', { level: 1, name: 'Checkout latency' }), 'the SLO page');

    // History: the budget column, and the order in the URL.
    await goTo(page, 'History', 'Incident history');
    await page.getByLabel('Order').selectOption('budget');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/sort=budget/);
    const history = await tableRows(page, page.locator('#history-table'), 'the incident history');
    assert.match(history[0]!, /HighLatency on payments .*payments-availability 42% of budget$/);
    assert.match(
      history[1]!,
      /checkout: error ratio .*checkout-availability 21% of budget checkout-latency 10% of budget$/,
    );
    assert.match(
      history[2]!,
      /Redis timeouts .*checkout-availability 23% of budget checkout-latency 5% of budget$/,
    );
    assert.match(history.at(-1)!, /no SLO$/i);

    // Problems by the budget their incidents spent: the known error on cart and checkout first.
    await goTo(page, 'Problems', 'Problems');
    const impactFirst = await shows(page, page.locator('.problem-card'), 'the problems list');
    assert.match(await impactFirst.first().innerText(), /BatchJobFailed on reporting/);
    assert.match(await impactFirst.first().locator('.problem-budget').innerText(), /^no SLO$/i);
    await page.getByRole('radio', { name: 'SLO budget' }).check();
    await page.waitForURL(/sort=budget/);
    const first = page.locator('.problem-card').first();
    await first.filter({ hasText: 'Redis timeouts on cart' }).waitFor();
    assert.equal(
      (await first.locator('.problem-budget').innerText()).replace(/\s+/g, ' ').trim(),
      '28% in all checkout-availability 23% of budget checkout-latency 5% of budget',
    );
    await ui.screenshot('contract-problems-by-budget');
    assert.deepEqual(ui.errors, []);
  });

  it('shows a known error first on an incident that repeats it: the workaround and the problem', async () => {
    const { page } = ui;
    await page.goto(`${stub.url}/#/incidents/inc-cart-redis-failover`);
    const box = await shows(page, page.locator('section.known-errors'), 'the known error on the incident');
    const text = (await box.innerText()).replace(/\s+/g, ' ');
    assert.match(
      text,
      /Known error A repeat of Redis timeouts on cart after failover\. Workaround: Restart the cart pods after a Redis failover\./,
    );
    await box.getByRole('link', { name: 'Redis timeouts on cart after failover' }).click();
    await page.waitForURL(/#\/problems\/prb-cart-redis-timeouts$/);
    assert.deepEqual(ui.errors, []);
  });

  it('lists the incidents like this one once the page is up: why each, newest first, how it ended, linked', async () => {
    const { page } = ui;
    await page.goto(`${stub.url}/#/incidents/inc-reporting-night-0`);
    await shows(page, page.locator('section.similar-panel li[data-incident]'), 'the similar incidents');
    const items = page.locator('section.similar-panel .similar-list > li');
    assert.deepEqual(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-incident'))), [
      'inc-reporting-night-1',
      'inc-reporting-night-2',
    ]);
    const first = (await items.first().innerText()).replace(/\s+/g, ' ');
    assert.match(first, /Same problem: BatchJobFailed on reporting: nightly-export fails after retries/);
    assert.match(first, /Same signature: same title \(numbers and ids aside\)/);
    assert.match(first, /on reporting · opened .+ Resolved /);
    assert.deepEqual(await seriousViolations(page), [], 'the filled panel passes the accessibility check');
    await ui.screenshot('contract-similar-incidents');
    await items.first().getByRole('link', { name: 'BatchJobFailed on reporting', exact: true }).click();
    await page.waitForURL(/#\/incidents\/inc-reporting-night-1$/);
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

  it('switches the theme: system, light, dark, kept across a reload', async () => {
    const { page } = ui;
    const theme = page.getByRole('button', { name: /^Theme: / });
    const background = () =>
      page.evaluate('getComputedStyle(document.documentElement).backgroundColor') as Promise<string>;
    const light = await background();
    assert.equal(await theme.innerText(), 'Theme: system');
    await theme.click();
    assert.equal(await theme.innerText(), 'Theme: light');
    assert.equal(await background(), light, 'the browser asks for light here: light is the same');
    await theme.click();
    assert.equal(await theme.innerText(), 'Theme: dark');
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    assert.equal(await background(), 'rgb(15, 18, 22)');
    await page.reload();
    await shows(page, page.getByRole('button', { name: 'Theme: dark' }), 'the theme kept across a reload');
    assert.equal(await background(), 'rgb(15, 18, 22)');
    await page.getByRole('button', { name: 'Theme: dark' }).click();
    assert.equal(await page.locator('html').getAttribute('data-theme'), null);
    assert.equal(await background(), light);
    assert.deepEqual(ui.errors, []);
  });

  it('passes the accessibility check on every page, in light and in dark', async () => {
    const { page } = ui;
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const path of EVERY_PAGE) {
        await openPage(page, `${stub.url}/${path}`);
        found.push(...(await seriousViolations(page)).map((v) => `${scheme}: ${v}`));
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    assert.deepEqual(found, []);
    assert.deepEqual(ui.errors, []);
  });

  it("fits a phone screen: no page scrolls sideways, and an incident's actions come before its charts", async () => {
    const { page } = ui;
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const wide: string[] = [];
      for (const path of EVERY_PAGE) {
        await openPage(page, `${stub.url}/${path}`);
        const past = await sidewaysOverflow(page);
        if (past.length > 0) wide.push(`${path}: wider than the screen by ${past.join(', ')}`);
      }
      assert.deepEqual(wide, []);
      await openPage(page, `${stub.url}/#/incidents/inc-checkout-regression`);
      await incidentCharts(page);
      const actions = await page.locator('section.actions-panel').boundingBox();
      const charts = await page.locator('main .time-chart').first().boundingBox();
      const ranked = await page.locator('ol.suspects').first().boundingBox();
      assert.ok(actions && charts && ranked, 'the incident page shows its actions, suspects and charts');
      assert.ok(actions.y < charts.y, `actions at y=${actions.y}, the first chart at y=${charts.y}`);
      assert.ok(actions.y < ranked.y, 'the actions come first of all the panels');
      assert.ok(actions.y < 1_000, `the actions within reach: y=${actions.y}`);
      await ui.screenshot('contract-incident-phone');
      await openPage(page, `${stub.url}/#/`);
      await ui.screenshot('contract-oncall-phone');
    } finally {
      await page.setViewportSize({ width: 1400, height: 1000 });
    }
    assert.deepEqual(ui.errors, []);
  });

  it('acknowledges from the on-call list with the keyboard: j / k move between the cards, a acknowledges', async () => {
    const { page } = ui;
    await goTo(page, 'On call', 'On call');
    const open = page.locator('.incident-card[data-status="open"]');
    await open.first().waitFor();
    const target = (await open.last().getAttribute('data-incident-id'))!;
    const cards = await Promise.all(
      (await page.locator('.incident-card').all()).map((c) => c.getAttribute('data-incident-id')),
    );
    for (let k = 0; k <= cards.indexOf(target); k++) await page.keyboard.press('j');
    const focused = page.locator('.incident-card:has(:focus)');
    assert.equal(await focused.getAttribute('data-incident-id'), target);
    await page.keyboard.press('a');
    await page.locator(`.incident-card[data-incident-id="${target}"][data-status="acknowledged"]`).waitFor();
    assert.ok(
      stub.posts.some((p) => p.path === `/api/v1/incidents/${target}/acknowledge`),
      JSON.stringify(stub.posts.map((p) => p.path)),
    );
    assert.deepEqual(ui.errors, []);
  });

  it('assigns, snoozes, splits and merges from the incident page; both pages of a merge or split link each other', async () => {
    const { page } = ui;
    const open = async (id: string, title: RegExp) => {
      await page.goto(`${stub.url}/#/incidents/${id}`);
      await shows(page, page.getByRole('heading', { level: 1, name: title }), `the page of ${id}`);
    };
    const settled = (text: RegExp) =>
      shows(page, page.locator('.action-status.notice-ok').filter({ hasText: text }), 'the action done');

    // Assign: the incident page and its on-call card name the assignee; the history filters by it.
    await open('inc-payments-latency', /HighLatency on payments/);
    await page.getByLabel('Assignee').fill('bob@shop.example');
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await settled(/Assigned to bob@shop\.example/);
    assert.equal(await page.locator('#incident-assignee').innerText(), 'bob@shop.example');
    assert.deepEqual(stub.posts.at(-1), {
      path: '/api/v1/incidents/inc-payments-latency/assign',
      body: { assignee: 'bob@shop.example' },
      actor: 'ana@shop.example',
    });
    await goTo(page, 'On call', 'On call');
    const card = page.locator('.incident-card[data-incident-id="inc-payments-latency"]');
    assert.match(await card.locator('dl').innerText(), /Assigned to\s+bob@shop\.example/i);
    await page.goto(`${stub.url}/#/incidents?assignee=bob%40shop.example`);
    const rows = await tableRows(page, page.locator('#history-table'), 'the incidents assigned to bob');
    assert.equal(rows.length, 1);
    assert.match(rows[0]!, /HighLatency on payments · assigned to bob@shop\.example/);
    assert.equal(
      await page.getByLabel('Assignee').inputValue(),
      'bob@shop.example',
      'the filter is in the URL',
    );

    // Snooze: out of the on-call list until then, back when unsnoozed.
    await open('inc-payments-latency', /HighLatency on payments/);
    await page.getByLabel('Snooze for').selectOption('60');
    await page.getByRole('button', { name: 'Snooze', exact: true }).click();
    await settled(/Snoozed until/);
    const until = Date.parse((stub.posts.at(-1)!.body as { until: string }).until);
    assert.ok(
      Math.abs(until - (Date.now() + 60 * 60_000)) < 60_000,
      `until ${new Date(until).toISOString()}`,
    );
    await goTo(page, 'On call', 'On call');
    await onCallCards(page);
    assert.equal(await card.count(), 0, 'a snoozed incident is kept out of the on-call list');
    assert.match(await page.locator('#oncall-summary').innerText(), /1 snoozed/);
    await open('inc-payments-latency', /HighLatency on payments/);
    await page.getByRole('button', { name: 'Unsnooze' }).click();
    await settled(/Not snoozed any more/);
    await goTo(page, 'On call', 'On call');
    await card.waitFor();

    // Split the frontend alert out of the checkout regression: a new incident, each page links the other.
    await open('inc-checkout-regression', /checkout: error ratio/);
    await page.getByText('Merge or split').click();
    await page.getByLabel('HighLatency on frontend').check();
    await page.getByRole('button', { name: 'Split out into a new incident' }).click();
    await settled(/Split out into inc-checkout-regression-split-1/);
    assert.deepEqual(stub.posts.at(-1)!.body, { refs: ['fp-frontend-latency'] });
    await page.locator('#incident-split-into a').click();
    await shows(
      page,
      page.getByRole('heading', { level: 1, name: 'HighLatency on frontend' }),
      'the split-off incident',
    );
    assert.equal(await page.locator('#incident-split-from a').innerText(), 'inc-checkout-regression');

    // Merge the flapping recommendation incident into the checkout regression.
    await open('inc-recommendation-flap', /HighLatency on recommendation/);
    await page.getByText('Merge or split').click();
    await page.getByLabel('Duplicate of').fill('inc-checkout-regression');
    await page.getByRole('button', { name: 'Merge into it' }).click();
    await settled(/Merged into inc-checkout-regression/);
    assert.match(await page.locator('#incident-status').innerText(), /resolved/i);
    await page.locator('#incident-duplicate-of a').click();
    await shows(
      page,
      page.getByRole('heading', { level: 1, name: /checkout: error ratio/ }),
      'the merge target',
    );
    assert.equal(await page.locator('#incident-merged-from a').innerText(), 'inc-recommendation-flap');
    const entries = await timeline(page);
    assert.ok(
      entries.some((e) => /Merged by ana@shop\.example .*took in inc-recommendation-flap/.test(e)),
      entries.join('\n'),
    );
    assert.ok(
      entries.some((e) =>
        /Split by ana@shop\.example .*split out into inc-checkout-regression-split-1/.test(e),
      ),
    );

    // A bad input is refused with the field named.
    await page.getByText('Merge or split').click();
    await page.getByLabel('Duplicate of').fill('inc-nowhere');
    await page.getByRole('button', { name: 'Merge into it' }).click();
    await shows(
      page,
      page.locator('.action-status.notice-error').filter({ hasText: /field: into/ }),
      'the refusal',
    );
    assert.deepEqual(
      ui.errors.filter((e) => !/400/.test(e)),
      [],
    );
  });

  it('links and unlinks incidents and problems by hand, from the problem page and from the incident page', async () => {
    const { page } = ui;
    // The problem page's actions and the incident page's problems panel say how it went.
    const settled = (text: RegExp) =>
      shows(
        page,
        page.locator('.action-status.notice-ok, .link-status.notice-ok').filter({ hasText: text }),
        'the action done',
      );
    const memberRows = page.locator('section[aria-labelledby="members-h"] tbody tr');

    // The problem page: unlink a member, link another incident by id.
    await page.goto(`${stub.url}/#/problems/prb-reporting-nightly-export`);
    await shows(page, page.getByRole('heading', { name: /Incidents \(3\)/ }), 'the members');
    await page.locator('button[data-unlink="inc-reporting-night-1"]').click();
    await settled(/Unlinked inc-reporting-night-1/);
    assert.equal(await memberRows.count(), 2);
    assert.doesNotMatch(await memberRows.allInnerTexts().then((t) => t.join('\n')), /night-1/);
    await page.getByLabel('Link an incident').fill('inc-payments-latency');
    await page.getByRole('button', { name: 'Link', exact: true }).click();
    await settled(/Linked inc-payments-latency/);
    assert.match((await memberRows.allInnerTexts()).join('\n'), /HighLatency on payments/);
    const history = await page.locator('section[aria-labelledby="history-h"] li').allInnerTexts();
    assert.ok(
      history.some((e) => /Unlinked inc-reporting-night-1 by ana@shop\.example/.test(e)),
      history.join('\n'),
    );
    assert.ok(history.some((e) => /Linked inc-payments-latency by ana@shop\.example/.test(e)));
    await ui.screenshot('contract-problem-links');

    // The incident page: the problem it is in, linked to another one by id (moved), then unlinked.
    await page.goto(`${stub.url}/#/incidents/inc-payments-latency`);
    await shows(
      page,
      page.getByRole('heading', { level: 1, name: /HighLatency on payments/ }),
      'the incident',
    );
    const listed = () => page.locator('#incident-problems a').allInnerTexts();
    assert.deepEqual(await listed(), ['prb-reporting-nightly-export']);
    await page.getByLabel('Link to problem').fill('prb-cart-redis-timeouts');
    await page.getByRole('button', { name: 'Link', exact: true }).click();
    await settled(/Linked to prb-cart-redis-timeouts/);
    assert.deepEqual(await listed(), ['prb-cart-redis-timeouts']);
    await ui.screenshot('contract-incident-problems');
    await page.getByRole('button', { name: 'Unlink from problem prb-cart-redis-timeouts' }).click();
    await settled(/Unlinked from prb-cart-redis-timeouts/);
    assert.equal(await page.locator('#incident-problems').count(), 0);
    assert.match(await page.locator('section[aria-labelledby="problem-links-h"]').innerText(), /Not part of/);

    // An unknown problem is refused.
    await page.getByLabel('Link to problem').fill('prb-nowhere');
    await page.getByRole('button', { name: 'Link', exact: true }).click();
    await shows(
      page,
      page.locator('.link-status.notice-error').filter({ hasText: /prb-nowhere/ }),
      'the refusal',
    );
    assert.deepEqual(
      stub.posts.slice(-5).map((p) => [p.path, p.body]),
      [
        ['/api/v1/problems/prb-reporting-nightly-export/unlink', { incidentId: 'inc-reporting-night-1' }],
        ['/api/v1/problems/prb-reporting-nightly-export/link', { incidentId: 'inc-payments-latency' }],
        ['/api/v1/problems/prb-cart-redis-timeouts/link', { incidentId: 'inc-payments-latency' }],
        ['/api/v1/problems/prb-cart-redis-timeouts/unlink', { incidentId: 'inc-payments-latency' }],
        ['/api/v1/problems/prb-nowhere/link', { incidentId: 'inc-payments-latency' }],
      ],
    );
    assert.deepEqual(
      ui.errors.filter((e) => !/404/.test(e)),
      [],
    );
  });
});
