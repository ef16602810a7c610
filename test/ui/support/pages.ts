// What a person does and sees on each page, as reusable steps. Each step fails with what the
// page itself says when it could not load its data (e.g. an api route that answers 404).
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';

/** Waits until `content` is visible; if the page shows an error notice instead, fails with its text. */
export async function shows(page: Page, content: Locator, what: string, timeout = 10_000): Promise<Locator> {
  const problem = page.locator('main .notice-error, main [role="alert"]');
  const appear = (l: Locator) =>
    l
      .first()
      .waitFor({ state: 'visible', timeout })
      .then(
        () => true,
        () => false,
      );
  // Whichever shows first; a locator that gives up early does not end the wait for the other.
  // A page that re-renders (a new query in the URL) may replace what was seen before it is
  // counted: then look again, until the time is up.
  const deadline = Date.now() + timeout;
  do {
    await new Promise<void>((resolve) => {
      let left = 2;
      for (const l of [content, problem])
        void appear(l).then((seen) => {
          if (seen || --left === 0) resolve();
        });
    });
    if ((await content.count()) > 0) return content;
    // The notice may belong to the page being replaced and be gone by the time it is read:
    // only a notice that can still be read is the page's answer.
    const said = await problem
      .first()
      .innerText({ timeout: 1_000 })
      .catch(() => null);
    if (said !== null && (await content.count()) === 0)
      throw new assert.AssertionError({ message: `${what}: the page says "${said.trim()}"` });
  } while (Date.now() < deadline);
  const seen = (
    await page
      .locator('main')
      .innerText()
      .catch(() => '')
  )
    .replace(/\s+/g, ' ')
    .trim();
  throw new assert.AssertionError({
    message: `${what}: not shown within ${timeout} ms at ${page.url()}; the page shows "${seen.slice(0, 400)}"`,
  });
}

export async function signIn(page: Page, url: string, token: string, name?: string): Promise<void> {
  await page.goto(`${url}/`);
  const dialog = page.getByRole('dialog', { name: 'Sign in to Aftershock' });
  await dialog.waitFor();
  await page.getByLabel('Access token').fill(token);
  if (name) await page.getByLabel(/Your name/).fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/**
 * Runs `navigate` (a click or a goto to `target`) and waits until the page being left is gone.
 * The router renders on hashchange, a moment after the navigation: until then the page shown
 * is the old one (perhaps an error notice), and a check would read it as the new one's answer.
 */
async function leave(page: Page, target: string, navigate: () => Promise<unknown>): Promise<void> {
  const here = new URL(page.url());
  const there = new URL(target, page.url());
  const rerenders = here.hash !== there.hash && here.pathname === there.pathname;
  const leaving = rerenders
    ? await page
        .locator('main > *')
        .first()
        .elementHandle({ timeout: 1_000 })
        .catch(() => null)
    : null;
  await navigate();
  if (leaving) await page.waitForFunction((el) => !el.isConnected, leaving);
}

export async function goTo(page: Page, navName: string, heading: string | RegExp): Promise<void> {
  const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: navName });
  await leave(page, (await link.getAttribute('href')) ?? '#/', () => link.click());
  await shows(page, page.getByRole('heading', { level: 1, name: heading }), `the ${navName} page`);
}

/** Opens a URL and waits until its page has rendered what it loaded (its heading, nothing loading). */
export async function openPage(page: Page, url: string): Promise<void> {
  await leave(page, url, () => page.goto(url));
  await shows(page, page.locator('main h1'), url);
  await page.locator('main[aria-busy]').waitFor({ state: 'detached' });
}

export interface OnCallCard {
  readonly title: string;
  readonly suspect: string;
  readonly facts: string;
  /** The SLO budget line: one badge per SLO ("checkout-availability 21% of budget"), "no SLO" or "not known yet". */
  readonly budget: string;
}

/** The on-call list: cards in order, each with its top suspect line. */
export async function onCallCards(page: Page): Promise<OnCallCard[]> {
  const cards = await shows(page, page.locator('.incident-card'), 'the on-call list');
  const out: OnCallCard[] = [];
  for (const card of await cards.all()) {
    out.push({
      title: (await card.locator('.incident-title').innerText()).trim(),
      suspect: (await card.locator('.card-suspect').innerText()).replace(/\s+/g, ' ').trim(),
      facts: (await card.locator('dl').innerText()).replace(/\s+/g, ' ').trim(),
      budget: (await card.locator('.card-budget > :not(.label)').innerText()).replace(/\s+/g, ' ').trim(),
    });
  }
  return out;
}

/**
 * The incident page's charts: how many, in which order, and what is shaded and marked on them
 * (read from each chart's text alternative and marker buttons: the plot itself is a canvas).
 * A chart is drawn once it comes near the screen: each is scrolled to and waited for.
 */
export async function incidentCharts(page: Page) {
  const figures = await shows(page, page.locator('.metric-figure'), 'the incident page charts');
  for (const figure of await figures.all()) {
    await figure.scrollIntoViewIfNeeded();
    await figure.locator('.time-chart canvas').first().waitFor();
  }
  const facts = (band: string) => page.locator(`.metric-figure .chart-summary [data-band="${band}"]`);
  const changeMarkers = page.locator('.metric-figure .chart-marker:not([data-kind="incident"])');
  const chart = figures.first().locator('.time-chart');
  return {
    count: await figures.count(),
    services: await figures.evaluateAll((els) => els.map((el) => el.getAttribute('data-service'))),
    caption: (await figures.first().locator('figcaption').innerText()).trim(),
    captions: (await figures.locator('figcaption').allInnerTexts()).map((t) => t.trim()),
    baseline: await facts('baseline').count(),
    observation: await facts('observation').count(),
    alerts: await facts('alert').allInnerTexts(),
    summary: (await figures.first().locator('.chart-summary').innerText()).trim(),
    changeMarkers: await changeMarkers.count(),
    markerTitles: await changeMarkers.evaluateAll((els) =>
      els.map((el) => el.getAttribute('aria-label') ?? ''),
    ),
    series: Number(await chart.getAttribute('data-series')),
    axisLabels: ((await chart.getAttribute('data-x-ticks')) ?? '').split('|').filter(Boolean),
    /** The time range each chart shows: [from, to] in epoch ms. */
    ranges: await page
      .locator('.metric-figure .time-chart')
      .evaluateAll((els) =>
        els.map((el) => [Number(el.getAttribute('data-from')), Number(el.getAttribute('data-to'))]),
      ),
  };
}

/** A chart's plot area (where the cursor and drags act) as a box on the page. */
export async function plotBox(page: Page, index: number) {
  const over = page.locator('.metric-figure .time-chart .u-over').nth(index);
  await over.scrollIntoViewIfNeeded();
  const box = await over.boundingBox();
  assert.ok(box, `chart ${index} has a plot area`);
  return box;
}

export async function suspects(page: Page) {
  const items = await shows(page, page.locator('ol.suspects > li'), 'the suspects');
  const out: { name: string; probability: string; evidence: string[] }[] = [];
  // Text content, not rendered text: the unlikely suspects sit folded in a closed <details>.
  for (const item of await items.all()) {
    const text = async (selector: string) => ((await item.locator(selector).textContent()) ?? '').trim();
    const column = (selector: string) => item.locator(`.evidence li ${selector}`).allTextContents();
    const [factors, details, strengths] = await Promise.all([
      column('.evidence-factor'),
      column('.evidence-detail'),
      column('.evidence-strength'),
    ]);
    out.push({
      name: await text('.suspect-name strong'),
      probability: await text('.probability'),
      evidence: factors.map((f, i) => `${f} ${details[i]} ${strengths[i]}`.replace(/\s+/g, ' ').trim()),
    });
  }
  return out;
}

export async function timeline(page: Page): Promise<string[]> {
  const entries = await shows(
    page,
    page.locator('section[aria-labelledby="timeline-h"] .tl-entry'),
    'the timeline',
  );
  return (await entries.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** Clicks Acknowledge with a comment and waits until the page shows the new state. */
export async function acknowledge(page: Page, comment: string, timeout = 20_000): Promise<string> {
  await page.getByLabel('Comment (optional)').fill(comment);
  await page.getByRole('button', { name: 'Acknowledge' }).click();
  const status = page.locator('#incident-status .status');
  await status
    .filter({ hasText: /acknowledged/i })
    .waitFor({ timeout })
    .catch(async () => {
      const said = (
        await page
          .locator('.action-status')
          .innerText()
          .catch(() => '')
      ).trim();
      throw new assert.AssertionError({
        message: `the incident did not become acknowledged within ${timeout} ms; the page says "${said}"`,
      });
    });
  return (await page.locator('.action-status').innerText()).trim();
}

export async function tableRows(page: Page, table: Locator, what: string): Promise<string[]> {
  const rows = await shows(page, table.locator('tbody tr'), what);
  return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** The SLO page's burn-down: its series, the change markers and the incident bands on it. */
export async function sloBurnDown(page: Page) {
  const figure = await shows(page, page.locator('figure.slo-burndown'), 'the SLO burn-down chart');
  const chart = figure.locator('svg.line-chart');
  return {
    caption: (await figure.locator('figcaption').innerText()).replace(/\s+/g, ' ').trim(),
    series: await chart.locator('path.series').count(),
    changeMarkers: await chart.locator('.change-marker > title').allTextContents(),
    incidentBands: await chart.locator('rect.range-incident > title').allTextContents(),
  };
}
