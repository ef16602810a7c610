// `npm run bench:api`: the api's reads on the demo's store. The all-in-one app runs in this
// process with the demo day streamed in (as `aftershock start --demo` does, on its simulated
// clock); a load thread then sends GETs over kept-alive connections at concurrency 1, 8 and 16:
//   the incident lists (open, and the history page's 30 days), changes, problems, DORA, and the
//   detail of the demo's widest incident with its series;
// printing req/s, p50/p95/p99 latency and the peak RSS of each phase, and beside each the raw
// ClickHouse query for the same data at the same concurrency (the repository call, no HTTP, no
// api work): the baseline. Last, ingest: OTLP points posted over HTTP at concurrency 4, each
// phase timed until the recorder has written them, alone and with 8 DORA callers beside it.
//   --seconds S (3, per measurement)  --speed N (200000, the demo's)  --ingest-seconds S (8)
//   --only a,b (measure these reads only: incidents-open, incidents-history, changes, problems,
//   dora, detail, detail-chart)
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { projectPath } from '#config';
import { ManualClock } from '#core';
import { demoCatalogYaml, demoDay, demoScenario } from '#demo';
import { LocalBus, MESSAGE_BUS, type MessageBus } from '#messaging';
import { runApp, type RunningApp } from '#platform';
import {
  CLICKHOUSE_STORE,
  ChangesRepository,
  DoraRepository,
  IncidentsRepository,
  ProblemsRepository,
  type ClickHouseStore,
} from '#storage';
import { allInOneApp } from '../../apps/all-in-one/src/all-in-one.app.js';
import { DemoRunner } from '../../apps/all-in-one/src/demo/demo-runner.js';
import { policyFreezes, untilReady } from '../../apps/cli/src/commands/start.js';
import type { RecorderConfig } from '../../apps/recorder/src/recorder.settings.js';
import { RECORDER_CONFIG } from '../../apps/recorder/src/recorder.tokens.js';
import { PeakRss, percentile, table } from '../support/measure.js';
import type { LoadAnswer, LoadAsk } from './load-worker.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    speed: { type: 'string', default: '200000' },
    'ingest-seconds': { type: 'string', default: '8' },
    only: { type: 'string' },
  },
  strict: true,
});
const SECONDS = Number(values.seconds);
const INGEST_SECONDS = Number(values['ingest-seconds']);
const CONCURRENCY = [1, 8, 16] as const;
const DAY = 86_400_000;
/** The incident page's charts, in pixels across (the UI asks for no more points). */
const CHART_WIDTH = 800;

const log = (line: string) => console.log(line);
const progress = (line: string) => process.stderr.write(`[bench:api] ${line}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 2 : 1)} ms`);
const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;

interface Read {
  readonly name: string;
  readonly path: string;
  /** The store's answer for the same data: what ClickHouse alone takes. */
  readonly raw: () => Promise<unknown>;
}

interface Row {
  readonly read: string;
  readonly concurrency: number;
  readonly api: Figures;
  readonly raw: Figures;
}

interface Figures {
  readonly perSecond: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly errors: number;
  readonly rssMb: number;
  readonly bytes: number;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'aftershock-bench-api-'));
  const rss = new PeakRss();
  const token = randomBytes(18).toString('base64url');
  const worker = new LoadThread();
  let running: DemoApp | undefined;
  try {
    running = await startDemo(dataDir, token);
    const clock = running.clock;
    const app = running.app;
    const store = app.get<ClickHouseStore>(CLICKHOUSE_STORE);
    const now = clock.now();
    const incidents = new IncidentsRepository(store);
    const changes = new ChangesRepository(store);
    const problems = new ProblemsRepository(store);
    const dora = new DoraRepository(store);
    const all = await incidents.ranked({ from: now - 30 * DAY, to: now + DAY, limit: 1000 });
    const widest = [...all].sort((a, b) => b.services.length - a.services.length)[0];
    if (!widest) throw new Error('the demo recorded no incident');
    const history = new Date(now - 30 * DAY).toISOString();
    const reads: Read[] = [
      {
        name: 'incidents-open',
        path: '/api/v1/incidents?status=open',
        raw: () =>
          incidents.ranked({ from: now - 7 * DAY, to: now + DAY, statuses: ['open'], limit: 51, offset: 0 }),
      },
      {
        name: 'incidents-history',
        path: `/api/v1/incidents?from=${encodeURIComponent(history)}&limit=50`,
        raw: () => incidents.ranked({ from: now - 30 * DAY, to: now + DAY, limit: 51, offset: 0 }),
      },
      {
        name: 'changes',
        path: '/api/v1/changes',
        raw: () => changes.list({ from: 0, to: now + DAY, limit: 51 }),
      },
      {
        name: 'problems',
        path: '/api/v1/problems',
        raw: () =>
          problems.ranked({ from: now - 30 * DAY, to: now, activeOnly: false, sort: 'impact', limit: 51 }),
      },
      {
        name: 'dora',
        path: '/api/v1/dora',
        raw: () => dora.figures({ from: now - 30 * DAY, to: now }),
      },
      {
        name: 'detail',
        path: `/api/v1/incidents/${encodeURIComponent(widest.id)}`,
        raw: () => incidents.detail(widest.id),
      },
      {
        // As the UI asks for it: no more points per series than its charts are wide.
        name: 'detail-chart',
        path: `/api/v1/incidents/${encodeURIComponent(widest.id)}?points=${CHART_WIDTH}`,
        raw: () => incidents.detail(widest.id),
      },
    ];
    const only = values.only?.split(',');
    const chosen = reads.filter((r) => !only || only.includes(r.name));
    log(
      `# api reads — the demo's store (${all.length} incidents; detail of ${widest.id}, ` +
        `${widest.services.length} services), ${SECONDS} s per measurement; ${load()}`,
    );
    // The demo's clock stands where the demo left it; from here it runs as time does, so answers
    // that depend on it (default ranges, budgets being spent) are recomputed as they would be.
    const ticking = setInterval(() => clock.advance(100), 100);
    const rows: Row[] = [];
    for (const read of chosen) {
      for (const concurrency of CONCURRENCY) {
        progress(`${read.name} at concurrency ${concurrency}: api…`);
        rss.reset();
        const answer = await worker.run({
          url: running.url,
          token,
          paths: [read.path],
          concurrency,
          seconds: SECONDS,
        });
        if (answer.firstError) progress(`  first error: ${answer.firstError}`);
        const api = figuresOf(answer.latencies, answer.seconds, answer.errors, rss, answer.bytes);
        progress(`${read.name} at concurrency ${concurrency}: raw ClickHouse…`);
        rss.reset();
        const raw = await measureRaw(read.raw, concurrency, SECONDS, rss);
        rows.push({ read: read.name, concurrency, api, raw });
        progress(
          `  api ${fmt(api.perSecond)} req/s p99 ${ms(api.p99)}; raw ${fmt(raw.perSecond)} q/s p99 ${ms(raw.p99)}`,
        );
      }
    }
    clearInterval(ticking);
    log('');
    table(
      log,
      [
        'read',
        'conc.',
        'req/s',
        'p50',
        'p95',
        'p99',
        'errors',
        'body',
        'peak RSS',
        'raw q/s',
        'raw p50',
        'raw p99',
      ],
      rows.map((r) => [
        r.read,
        String(r.concurrency),
        fmt(r.api.perSecond),
        ms(r.api.p50),
        ms(r.api.p95),
        ms(r.api.p99),
        String(r.api.errors),
        `${(r.api.bytes / 1024).toFixed(1)} kB`,
        `${fmt(r.api.rssMb)} MB`,
        fmt(r.raw.perSecond),
        ms(r.raw.p50),
        ms(r.raw.p99),
      ]),
    );
    log('');
    await ingest(running, token, worker, rss);
    log(`api bench: process peak RSS ${fmt(process.resourceUsage().maxRSS / 1024)} MB; ${load()}`);
  } finally {
    rss.stop();
    await worker.close();
    await running?.close();
    const { drainPending } = await import('chdb');
    await drainPending();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The all-in-one app on `dataDir` with the demo day streamed in, as `aftershock start --demo` runs it. */
type DemoApp = RunningApp & { readonly clock: ManualClock };

async function startDemo(dataDir: string, token: string): Promise<DemoApp> {
  process.env.AFTERSHOCK_DATA_DIR = dataDir;
  const catalogFile = join(dataDir, 'demo-catalog.yaml');
  await writeFile(catalogFile, demoCatalogYaml());
  process.env.SERVICE_CATALOG_FILE = catalogFile;
  process.env.AFTERSHOCK_SLO_PATH = projectPath('libs', 'demo', 'slos');
  process.env.LOG_LEVEL ??= 'warn';
  process.env.HTTP_PORT = '0';
  process.env.AFTERSHOCK_TOKENS = `bench=admin:${token}`;
  const scenario = demoScenario({ day: demoDay(Date.now(), policyFreezes()) });
  const clock = new ManualClock(scenario.start);
  const running = await runApp({ ...allInOneApp, clock });
  if (!running) throw new Error('the all-in-one app did not start');
  if (!(await untilReady(running.url))) throw new Error('the all-in-one app was not ready within a minute');
  progress(`streaming the demo day (${fmt(scenario.inputs.length)} inputs) into ${dataDir}…`);
  let shown = 0;
  const outcome = await new DemoRunner(running.app, clock).run(scenario, {
    speed: Number(values.speed),
    progress: (done, total) => {
      if (done - shown >= total / 10 || done === total) {
        shown = done;
        progress(`  ${Math.round((100 * done) / total)}% of the inputs sent`);
      }
    },
  });
  progress(
    `demo day streamed in ${outcome.seconds.toFixed(0)} s: ${outcome.incidents.length} incidents, ` +
      `${outcome.verdicts.length} verdicts, ${outcome.problems.length} problems`,
  );
  return { ...running, clock };
}

/** The raw query by `concurrency` callers back to back for `seconds`, in this thread. */
async function measureRaw(
  raw: () => Promise<unknown>,
  concurrency: number,
  seconds: number,
  rss: PeakRss,
): Promise<Figures> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const caller = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      await raw().catch(() => errors++);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return figuresOf(latencies, (performance.now() - started) / 1000, errors, rss, 0);
}

function figuresOf(
  latencies: number[],
  seconds: number,
  errors: number,
  rss: PeakRss,
  bytes: number,
): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    perSecond: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    errors,
    rssMb: rss.sample() / 1024 / 1024,
    bytes: latencies.length ? bytes / latencies.length : 0,
  };
}

/**
 * OTLP gauge points posted at concurrency 4 for INGEST_SECONDS, then until the recorder has
 * written them all: points per second end to end. Alone, then with 8 DORA callers beside it.
 */
async function ingest(running: DemoApp, token: string, loadThread: LoadThread, rss: PeakRss) {
  const bus = running.app.get<MessageBus>(MESSAGE_BUS);
  const recorder = running.app.get<RecorderConfig>(RECORDER_CONFIG, { strict: false }).groupId;
  const results: string[][] = [];
  for (const withDora of [false, true]) {
    const label = withDora ? 'with 8 DORA callers' : 'alone';
    progress(`ingest ${label}…`);
    rss.reset();
    const background = withDora
      ? loadThread.run({
          url: running.url,
          token,
          paths: ['/api/v1/dora'],
          concurrency: 8,
          seconds: INGEST_SECONDS * 4,
          untilStopped: true,
        })
      : undefined;
    const started = performance.now();
    const posted = await postPoints(running.url, token, running.clock.now(), withDora ? 1 : 0);
    const accepted = (performance.now() - started) / 1000;
    const deadline = performance.now() + 120_000;
    while (bus instanceof LocalBus && bus.lag([recorder]) > 0 && performance.now() < deadline)
      await sleep(10);
    const recorded = (performance.now() - started) / 1000;
    loadThread.stop();
    const dora = background ? await background : undefined;
    const sorted = dora ? [...dora.latencies].sort((a, b) => a - b) : [];
    results.push([
      label,
      fmt(posted),
      `${fmt(posted / accepted)}/s`,
      `${fmt(posted / recorded)}/s`,
      dora ? `${fmt(dora.latencies.length / dora.seconds)} req/s, p50 ${ms(percentile(sorted, 50))}` : '—',
      rss.describe(),
    ]);
  }
  table(log, ['ingest', 'points', 'accepted', 'recorded', 'DORA beside it', 'memory'], results);
}

const PRODUCERS = 4;
const POINTS_PER_REQUEST = 200;

/** OTLP JSON gauges of 20 services, 10 series each, stamped from `at` on; returns the points sent. */
async function postPoints(url: string, token: string, at: number, round: number): Promise<number> {
  let sent = 0;
  let request = 0;
  const until = performance.now() + INGEST_SECONDS * 1000;
  const producer = async () => {
    while (performance.now() < until) {
      const n = request++;
      // Each request's points a second apart, before the clock: every point of a series distinct.
      const t = at - (round * 1_000_000 + n) * POINTS_PER_REQUEST * 1000;
      const body = otlpGauges(`bench-ingest-${n % 20}`, t, POINTS_PER_REQUEST);
      const response = await fetch(`${url}/api/v1/ingest/otlp_json`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
      if (response.status !== 202) throw new Error(`ingest → ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
      sent += POINTS_PER_REQUEST;
    }
  };
  await Promise.all(Array.from({ length: PRODUCERS }, producer));
  return sent;
}

function otlpGauges(service: string, at: number, points: number): string {
  const dataPoints = (series: number) =>
    Array.from({ length: points / 10 }, (_, i) => ({
      timeUnixNano: String(BigInt(at - i * 1000) * 1_000_000n),
      asDouble: (series * 7 + i) % 100,
      attributes: [{ key: 'route', value: { stringValue: `/r${series}` } }],
    }));
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: service } },
            { key: 'deployment.environment', value: { stringValue: 'production' } },
          ],
        },
        scopeMetrics: [
          {
            metrics: Array.from({ length: 10 }, (_, series) => ({
              name: `bench.gauge.${series}`,
              unit: '1',
              gauge: { dataPoints: dataPoints(series) },
            })),
          },
        ],
      },
    ],
  });
}

/** The load thread, asked one measurement at a time. */
class LoadThread {
  private readonly worker = new Worker(new URL('./load-worker.js', import.meta.url));
  private nextId = 0;
  private readonly waiting = new Map<number, (answer: LoadAnswer) => void>();

  constructor() {
    this.worker.on('message', (answer: LoadAnswer) => {
      this.waiting.get(answer.id)?.(answer);
      this.waiting.delete(answer.id);
    });
  }

  run(ask: Omit<LoadAsk, 'id'>): Promise<LoadAnswer> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ ...ask, id });
    });
  }

  stop(): void {
    this.worker.postMessage({ stop: true });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

await main();
process.exit(0);
