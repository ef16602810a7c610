import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '#config';
import { ManualClock, parsePolicy, type FreezeWindow } from '#core';
import { demoCatalogYaml, demoDay, demoScenario } from '#demo';
import { runApp } from '#platform';
import { allInOneApp } from '../../../all-in-one/src/all-in-one.app.js';
import { DemoRunner } from '../../../all-in-one/src/demo/demo-runner.js';
import { demoSummary } from '../../../all-in-one/src/demo/demo-summary.js';
import { defineCommand, type Args } from '../command.js';
import { ProgressBar } from '../progress.js';

const DAY = 86_400_000;

const OPTIONS = {
  demo: { type: 'boolean' },
  speed: { type: 'string' },
  'summary-json': { type: 'string' },
  exit: { type: 'boolean' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

export const startCommand = defineCommand({
  name: 'start',
  summary:
    'run every app in one process on the embedded defaults (embedded durable log, chDB); --demo streams a demo day',
  usage: 'aftershock start [--demo [--speed N] [--summary-json FILE] [--exit]] [--port N] [--data-dir DIR]',
  options: OPTIONS,
  maxPositionals: 0,
  async run(args) {
    if (args.options.port) process.env.HTTP_PORT = args.options.port;
    if (args.options.demo) return runDemo(args);
    if (args.options['data-dir']) process.env.AFTERSHOCK_DATA_DIR = args.options['data-dir'];
    const token = ensureToken();
    const running = await runApp(allInOneApp);
    if (!running) return exitCodeOf();
    const ready = await untilReady(running.url);
    process.stdout.write(
      `\nAftershock all-in-one is ${ready ? 'ready' : 'running, not ready yet'}.\n` +
        `  ${uiLine(running.url, token)}\n` +
        (token
          ? '  (a new admin token each start: set AFTERSHOCK_TOKENS=<name>=admin:<secret> to keep one; see the README)\n'
          : '') +
        `  API:       ${running.url}/api/v1/openapi.json\n` +
        `  health:    ${running.url}/health/live, ${running.url}/health/ready\n` +
        `Stop with Ctrl-C (orderly shutdown: close the door → stop intake → drain → flush → commit → disconnect).\n`,
    );
    return undefined; // keep running until a signal
  },
});

async function runDemo(args: Args<typeof OPTIONS>): Promise<number | undefined> {
  // A fresh data directory per demo run: the demo day is streamed in anew each time.
  const dataDir = args.options['data-dir'] ?? join('.data', 'demo');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  process.env.AFTERSHOCK_DATA_DIR = dataDir;
  const catalogFile = join(dataDir, 'demo-catalog.yaml');
  writeFileSync(catalogFile, demoCatalogYaml());
  process.env.SERVICE_CATALOG_FILE ??= catalogFile;
  // The shop's SLOs: their burn is a symptom, and the summary says what each incident spent.
  process.env.AFTERSHOCK_SLO_PATH ??= projectPath('libs', 'demo', 'slos');
  // The terminal shows the demo, not the apps' JSON logs (services log at info by default).
  process.env.LOG_LEVEL ??= 'warn';
  const token = ensureToken();
  // A weekday outside every freeze window (demoDay), in the past: every timestamp is; the
  // engine runs on a simulated clock, so the policy sees the demo day's own time.
  const scenario = demoScenario({ day: demoDay(Date.now(), policyFreezes()) });
  const clock = new ManualClock(scenario.start);
  const running = await runApp({ ...allInOneApp, clock });
  if (!running) return exitCodeOf();
  // The risk gate has loaded its history before the first change is assessed: the same day
  // gives the same assessments, and so the same attributions, on every run.
  await untilReady(running.url);
  const speed = Number(args.options.speed ?? 1440);
  const day = new Date(scenario.end - DAY).toISOString().slice(0, 10);
  process.stdout.write(
    `${uiLine(running.url, token)}\n` +
      `Streaming the demo day ${day} at ${speed}× (a day in ${Math.round(86_400 / speed)} s)…\n`,
  );
  const progress = new ProgressBar('inputs', scenario.inputs.length);
  const outcome = await new DemoRunner(running.app, clock).run(scenario, {
    speed,
    progress: (done) => progress.update(done, done),
  });
  progress.finish(
    (s) => `${scenario.inputs.length.toLocaleString('en')} inputs streamed in ${s.toFixed(0)} s`,
  );
  process.stdout.write(demoSummary(scenario, outcome, running.url, token) + '\n');
  if (args.options['summary-json']) {
    writeFileSync(
      args.options['summary-json'],
      JSON.stringify({ stories: scenario.stories, counts: scenario.counts, ...outcome }, null, 1),
    );
  }
  if (args.options.exit) {
    await running.close();
    return 0;
  }
  return undefined;
}

/** With no tokens configured, one admin token for this run (printed once), so the UI and API answer. */
function ensureToken(): string | undefined {
  if (process.env.AFTERSHOCK_TOKENS?.trim()) return undefined;
  const token = randomBytes(18).toString('base64url');
  process.env.AFTERSHOCK_TOKENS = `local=admin:${token}`;
  return token;
}

function uiLine(url: string, token: string | undefined): string {
  return `Open the UI: ${url}/${token ? `  (token: ${token})` : ''}`;
}

/** Freeze windows of the policy the api will load (POLICY_FILE, else the bundled one). */
export function policyFreezes(): readonly FreezeWindow[] {
  const file = process.env.POLICY_FILE?.trim() || projectPath('deploy', 'policy', 'standard-changes.yaml');
  try {
    return parsePolicy(readFileSync(file, 'utf8'), file).freezeWindows;
  } catch {
    return []; // the api refuses to start on it and says why
  }
}

/** Waits for readiness (bus, store, risk history); false when it does not come within a minute. */
export async function untilReady(url: string): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const status = await fetch(`${url}/health/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

function exitCodeOf(): number {
  return process.exitCode === undefined ? 1 : Number(process.exitCode);
}
