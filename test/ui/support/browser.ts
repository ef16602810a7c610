// Debian's Chromium driven by playwright-core, set up for a closed network: no first-run, sync,
// component updates or background traffic to hosts it cannot reach. Every page error and failed
// request is collected so a test can say what broke.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { shiftDate, testClockOffsetMs } from '../../../libs/testing/src/test-clock.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = 'reports/screenshots';

export interface UiSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught page errors and console errors, as text. */
  readonly errors: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openBrowser(viewport = { width: 1400, height: 1000 }): Promise<UiSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // A new context is a fresh, empty profile: no storage carried over between runs.
  const context = await browser.newContext({ viewport, colorScheme: 'light', timezoneId: 'Europe/Berlin' });
  context.setDefaultTimeout(15_000);
  // In the clock-ahead run the pages' clock moves with the test's and the apps'.
  const offset = testClockOffsetMs(process.env.AFTERSHOCK_TEST_CLOCK_AHEAD);
  if (offset !== 0) await context.addInitScript(shiftDate, offset);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A refused EventSource reconnect logs a console error in Chromium; only script errors and
    // Content-Security-Policy violations (the UI must work under the api's policy) count.
    const text = message.text();
    if (message.type() !== 'error') return;
    if (/Content Security Policy/i.test(text) || !/EventSource|Failed to load resource/.test(text))
      errors.push(`console: ${text}`);
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    browser,
    context,
    page,
    errors,
    async screenshot(name) {
      const path = join(SCREENSHOTS, `${name}.png`);
      // From the top, so the sticky header sits where a person sees it.
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => browser.close(),
  };
}
