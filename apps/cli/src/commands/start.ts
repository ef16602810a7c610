import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '#core';
import { demoCatalogYaml, demoScenario } from '#demo';
import { runApp, type RunningApp } from '#platform';
import { allInOneApp } from '../../../all-in-one/src/all-in-one.app.js';
import { DemoRunner } from '../../../all-in-one/src/demo/demo-runner.js';
import { demoSummary } from '../../../all-in-one/src/demo/demo-summary.js';
import type { Args, Command } from '../command.js';
import { ProgressBar } from '../progress.js';

const DAY = 86_400_000;

export const startCommand: Command = {
  name: 'start',
  summary:
    'run every app in one process on the embedded defaults (embedded durable log, chDB); --demo streams a demo day',
  usage: 'aftershock start [--demo [--speed N] [--summary-json FILE] [--exit]] [--port N] [--data-dir DIR]',
  async run(args) {
    if (args.options.port) process.env.HTTP_PORT = args.options.port;
    if (args.options.demo) return runDemo(args);
    if (args.options['data-dir']) process.env.AFTERSHOCK_DATA_DIR = args.options['data-dir'];
    const running = await runApp(allInOneApp);
    if (!running) return exitCodeOf();
    await printReady(running);
    return undefined; // keep running until a signal
  },
};

async function runDemo(args: Args): Promise<number | undefined> {
  // A fresh data directory per demo run: the demo day is streamed in anew each time.
  const dataDir = args.options['data-dir'] ?? join('.data', 'demo');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  process.env.AFTERSHOCK_DATA_DIR = dataDir;
  const catalogFile = join(dataDir, 'demo-catalog.yaml');
  writeFileSync(catalogFile, demoCatalogYaml());
  process.env.SERVICE_CATALOG_FILE ??= catalogFile;
  let token: string | undefined;
  if (!process.env.AFTERSHOCK_TOKENS) {
    token = randomBytes(18).toString('base64url');
    process.env.AFTERSHOCK_TOKENS = `admin:${token}`;
  }
  // Yesterday, so every timestamp is in the past; the engine runs on a simulated clock.
  const scenario = demoScenario({ day: Math.floor(Date.now() / DAY) * DAY - DAY });
  const clock = new ManualClock(scenario.start);
  const running = await runApp({ ...allInOneApp, clock });
  if (!running) return exitCodeOf();
  const speed = Number(args.options.speed ?? 1440);
  process.stderr.write(
    `Streaming the demo day at ${speed}× (a day in ${Math.round(86_400 / speed)} s): ${running.url}/\n`,
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

async function printReady(running: RunningApp): Promise<void> {
  const ready = await fetch(`${running.url}/health/ready`).then((r) => r.json() as Promise<unknown>);
  process.stderr.write(
    `\nAftershock all-in-one is running.\n` +
      `  health:    ${running.url}/health/live\n` +
      `  readiness: ${running.url}/health/ready → ${JSON.stringify(ready)}\n` +
      `Stop with Ctrl-C (orderly shutdown: stop intake → drain → flush → commit → disconnect).\n\n`,
  );
}

function exitCodeOf(): number {
  return process.exitCode === undefined ? 1 : Number(process.exitCode);
}
