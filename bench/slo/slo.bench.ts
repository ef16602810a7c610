// `npm run bench:slo`: SLO figures on embedded ClickHouse.
//   1. The budget of N SLOs over a 28-day rolling window of 10-second data (each SLO a bad/total
//      ratio over two per-interval series of its own route: 2N series), computed by budgetNow
//      from the rollups (hours in the middle, minutes at either end), beside the baseline: the
//      same counts straight from telemetry_points (a raw scan, no rollups). Both must agree to
//      the event, and with the counts computed here in JS.
//   2. The per-minute cost of keeping burn rates current for N SLOs: the streaming
//      BurnRateAlerter (the workbook's four tiers, 3 days of history held) fed one minute of
//      points — matched to their SLO, counted per 10-second bucket, then every SLO evaluated —
//      beside re-reading each SLO's longest tier window (3 days) every minute, from the minute
//      rollups and by a raw scan (a sample of SLOs, extrapolated to N).
//   3. Peak RSS of each phase.
// The data is generated inside ClickHouse (INSERT … SELECT from numbers(), one day at a time)
// with integer formulas this file repeats in JS, so every count has a known answer.
//   --slos N (1000)  --days D (28)  --sample K (20, SLOs re-read per path in 2)  --minutes M (30)
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BurnRateAlerter,
  budgetNow,
  DAY_MS,
  ManualClock,
  MINUTE_MS,
  WORKBOOK_TIERS,
  type BudgetState,
  type Indicator,
  type SloWindow,
} from '#core';
import { ChdbStore, runMigrations, SloCountsRepository, TABLES, type ClickHouseStore } from '#storage';
import { PeakRss, percentile, table } from '../support/measure.js';

const { values } = parseArgs({
  options: {
    slos: { type: 'string', default: '1000' },
    days: { type: 'string', default: '28' },
    sample: { type: 'string', default: '20' },
    minutes: { type: 'string', default: '30' },
  },
  strict: true,
});
const SLOS = Number(values.slos);
const DAYS = Number(values.days);
const SAMPLE = Math.min(SLOS, Number(values.sample));
const MINUTES = Number(values.minutes);
const STEP = 10_000;
const PER_DAY = DAY_MS / STEP;
const SERVICES = 50;
const OBJECTIVE = { name: 'availability', target: 0.999 };
const WINDOW: SloWindow = { kind: 'rolling', duration: { value: 28, unit: 'd' }, ms: 28 * DAY_MS };

const log = (line: string) => console.log(line);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 2 : 1)} ms`);
const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;

// The data, step n (10 s each from t0) of SLO s: requests per interval, ok and err.
const ok = (n: number, s: number) => 100 + ((n * 7 + s * 13) % 20);
const err = (n: number, s: number) =>
  (n + s * 31) % 997 === 0 ? 50 : (n * 3 + s) % (20 + (s % 30)) === 0 ? 1 : 0;
const OK_SQL = '100 + (n * 7 + s * 13) % 20';
const ERR_SQL = 'if((n + s * 31) % 997 = 0, 50, if((n * 3 + s) % (20 + s % 30) = 0, 1, 0))';
/** While burn rates are streamed, every hundredth SLO fails 15% of its requests (its page fires). */
const burst = (n: number, s: number) => (s % 100 === 0 ? 20 : err(n, s));

function indicator(s: number): Indicator {
  const series = (labels: Record<string, string>) => ({
    service: `svc-${s % SERVICES}`,
    environment: 'production',
    metric: 'http_requests',
    labels,
  });
  return {
    kind: 'ratio',
    numerator: 'bad',
    events: series({ route: `/r${s}`, code: 'err' }),
    total: series({ route: `/r${s}` }),
    counter: false,
  };
}

interface Timing {
  readonly name: string;
  readonly perSlo: number[];
  readonly totalMs: number;
  readonly n: number;
  readonly rss: string;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'aftershock-bench-slo-'));
  const rss = new PeakRss();
  const store = await ChdbStore.open({ dataDir, database: 'bench_slo' });
  try {
    await runMigrations(store);
    const end = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
    const t0 = end - DAYS * DAY_MS;
    log(
      `# slo — ${fmt(SLOS)} SLOs, ${DAYS} days of 10-second data (${fmt(2 * SLOS)} series, ` +
        `${fmt(2 * SLOS * DAYS * PER_DAY)} points), chDB in ${dataDir}; ${load()}`,
    );
    await generate(store, t0, rss);
    const timings: Timing[] = [];
    const budgets = await budgetsOver(store, end, t0, rss, timings);
    log(
      `slo bench: budgets — remaining median ${percentile(budgets, 50).toFixed(3)}, ` +
        `min ${budgets[0]!.toFixed(3)}, max ${budgets.at(-1)!.toFixed(3)} (target ${OBJECTIVE.target})`,
    );
    await streaming(end, t0, rss, timings);
    await requery(store, end, rss, timings);
    log('');
    table(
      log,
      ['path', 'SLOs timed', 'per SLO p50', 'p90', 'p99', `all ${fmt(SLOS)} SLOs`, 'vs raw scan', 'peak RSS'],
      timings.map((t) => {
        const sorted = [...t.perSlo].sort((a, b) => a - b);
        const all = (t.totalMs / t.n) * SLOS;
        const raw = timings.find(
          (r) => r.name.startsWith(t.name.split(':')[0]!) && r.name.includes('raw scan'),
        );
        const rawAll = raw ? (raw.totalMs / raw.n) * SLOS : Number.NaN;
        return [
          t.name,
          fmt(t.n),
          ms(percentile(sorted, 50)),
          ms(percentile(sorted, 90)),
          ms(percentile(sorted, 99)),
          `${ms(all)}${t.n < SLOS ? ' (extrapolated)' : ''}`,
          raw && raw !== t ? `${(rawAll / all).toFixed(1)}× faster` : '(baseline)',
          t.rss,
        ];
      }),
    );
    log(`slo bench: process peak RSS ${fmt(process.resourceUsage().maxRSS / 1024)} MB; ${load()}`);
  } finally {
    rss.stop();
    await store.close();
    const { drainPending } = await import('chdb');
    await drainPending();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** 2 series per SLO (ok and err), one INSERT … SELECT per day; rollups filled by their views. */
async function generate(store: ClickHouseStore, t0: number, rss: PeakRss): Promise<void> {
  rss.reset();
  const started = performance.now();
  const series = 2 * SLOS;
  for (let day = 0; day < DAYS; day++) {
    await store.command(
      `INSERT INTO ${TABLES.telemetryPoints} (service, metric, environment, labels, ts, value, unit, resource)
       SELECT concat('svc-', toString(s % ${SERVICES})), 'http_requests', 'production',
              map('route', concat('/r', toString(s)), 'code', if(k = 0, 'ok', 'err')),
              fromUnixTimestamp64Milli(toInt64({t0:Int64} + n * ${STEP})),
              if(k = 0, ${OK_SQL}, ${ERR_SQL}), NULL, map('bench', 'slo')
       FROM (SELECT intDiv(number, {series:UInt32}) + {n0:UInt64} AS n, intDiv(number % {series:UInt32}, 2) AS s,
                    number % 2 AS k FROM numbers({rows:UInt64}))`,
      { t0, series, n0: day * PER_DAY, rows: series * PER_DAY },
    );
    const elapsed = (performance.now() - started) / 1000;
    const rows = series * PER_DAY * (day + 1);
    log(
      `slo bench:   day ${day + 1}/${DAYS} inserted (${fmt(rows)} points, ${fmt(rows / elapsed)} points/s, ` +
        `${elapsed.toFixed(0)} s), ${rss.describe()}`,
    );
  }
  await store.command(`OPTIMIZE TABLE ${TABLES.telemetryRollup1h} FINAL`);
  log(`slo bench:   hourly rollup merged (${((performance.now() - started) / 1000).toFixed(0)} s in all)`);
}

/** The expected counts of SLO s over the window ending at `end` (data from t0). */
function expected(s: number, end: number, t0: number): { good: number; total: number } {
  let good = 0;
  let total = 0;
  const first = Math.max(0, Math.ceil((end - 28 * DAY_MS - t0) / STEP));
  for (let n = first; t0 + n * STEP < end; n++) {
    const o = ok(n, s);
    good += o;
    total += o + err(n, s);
  }
  return { good, total };
}

async function budgetsOver(
  store: ClickHouseStore,
  end: number,
  t0: number,
  rss: PeakRss,
  timings: Timing[],
): Promise<number[]> {
  const paths = [
    { name: 'budget over 28 d: rollups (budgetNow)', source: new SloCountsRepository(store) },
    { name: 'budget over 28 d: raw scan', source: new SloCountsRepository(store, { rollups: false }) },
  ];
  const results: BudgetState[][] = [];
  for (const path of paths) {
    rss.reset();
    const perSlo: number[] = [];
    const states: BudgetState[] = [];
    const started = performance.now();
    let shown = started;
    for (let s = 0; s < SLOS; s++) {
      const t = performance.now();
      const definition = { indicator: indicator(s), window: WINDOW, budgeting: 'Occurrences' as const };
      states.push(await budgetNow(definition, OBJECTIVE, end, path.source));
      perSlo.push(performance.now() - t);
      if (performance.now() - shown > 10_000) {
        shown = performance.now();
        log(`slo bench:   ${path.name}: ${s + 1}/${SLOS} SLOs (${((shown - started) / 1000).toFixed(0)} s)`);
      }
    }
    const totalMs = performance.now() - started;
    timings.push({ name: path.name, perSlo, totalMs, n: SLOS, rss: rss.describe() });
    log(`slo bench: ${path.name}: ${SLOS} SLOs in ${ms(totalMs)}, ${rss.describe()}`);
    results.push(states);
  }
  // Rollups and raw scan agree to the event; the first SLOs agree with the formulas.
  for (let s = 0; s < SLOS; s++) {
    const [a, b] = [results[0]![s]!, results[1]![s]!];
    if (a.goodEvents !== b.goodEvents || a.totalEvents !== b.totalEvents)
      throw new Error(
        `SLO ${s}: rollups ${a.goodEvents}/${a.totalEvents}, raw ${b.goodEvents}/${b.totalEvents}`,
      );
  }
  for (let s = 0; s < Math.min(SLOS, 3); s++) {
    const want = expected(s, end, t0);
    const got = results[0]![s]!;
    if (got.goodEvents !== want.good || got.totalEvents !== want.total)
      throw new Error(`SLO ${s}: ${got.goodEvents}/${got.totalEvents}, expected ${want.good}/${want.total}`);
  }
  log(`slo bench: rollups and raw scan agree on all ${SLOS} SLOs; SLOs 0–2 match the generating formulas`);
  return results[0]!.map((b) => b.remaining).sort((a, b) => a - b);
}

/**
 * The streaming path: every SLO's alerter holds 3 days of 10-second history (filled untimed),
 * then each simulated minute one minute of points (12 per SLO) is matched to its SLO by series,
 * counted per bucket and recorded, and every alerter evaluated.
 */
async function streaming(end: number, t0: number, rss: PeakRss, timings: Timing[]): Promise<void> {
  rss.reset();
  const clock = new ManualClock(end);
  const alerters = Array.from(
    { length: SLOS },
    () => new BurnRateAlerter({ target: OBJECTIVE.target, tiers: WORKBOOK_TIERS, clock }),
  );
  const history = 3 * DAY_MS;
  for (let s = 0; s < SLOS; s++) {
    for (let t = end - history; t < end; t += STEP) {
      const n = (t - t0) / STEP;
      alerters[s]!.record(t, ok(n, s), ok(n, s) + err(n, s));
    }
  }
  for (const a of alerters) a.evaluate();
  log(`slo bench: streaming: ${fmt(SLOS)} alerters hold 3 days of 10-second buckets, ${rss.describe()}`);
  // Which SLO a series feeds, as the correlator would look it up.
  const bySeries = new Map<string, number>();
  for (let s = 0; s < SLOS; s++) bySeries.set(`svc-${s % SERVICES}\u0000http_requests\u0000/r${s}`, s);
  const perMinute: number[] = [];
  let transitions = 0;
  for (let m = 0; m < MINUTES; m++) {
    const from = end + m * MINUTE_MS;
    const points: {
      service: string;
      metric: string;
      labels: Record<string, string>;
      ts: number;
      value: number;
    }[] = [];
    for (let s = 0; s < SLOS; s++)
      for (let t = from; t < from + MINUTE_MS; t += STEP) {
        const n = (t - t0) / STEP;
        const service = `svc-${s % SERVICES}`;
        points.push({
          service,
          metric: 'http_requests',
          labels: { route: `/r${s}`, code: 'ok' },
          ts: t,
          value: ok(n, s),
        });
        points.push({
          service,
          metric: 'http_requests',
          labels: { route: `/r${s}`, code: 'err' },
          ts: t,
          value: burst(n, s),
        });
      }
    const started = performance.now();
    const steps = MINUTE_MS / STEP;
    const good = new Float64Array(SLOS * steps);
    const total = new Float64Array(SLOS * steps);
    for (const p of points) {
      const s = bySeries.get(`${p.service}\u0000${p.metric}\u0000${p.labels.route}`);
      if (s === undefined) continue;
      const i = s * steps + Math.floor((p.ts - from) / STEP);
      total[i]! += p.value;
      if (p.labels.code !== 'err') good[i]! += p.value;
    }
    for (let s = 0; s < SLOS; s++)
      for (let k = 0; k < steps; k++)
        alerters[s]!.record(from + k * STEP, good[s * steps + k]!, total[s * steps + k]!);
    clock.set(from + MINUTE_MS);
    for (const a of alerters) transitions += a.evaluate().length;
    perMinute.push(performance.now() - started);
  }
  const totalMs = perMinute.reduce((a, b) => a + b, 0);
  timings.push({
    name: 'burn rates per minute: streaming alerter',
    perSlo: perMinute.map((t) => t / SLOS),
    totalMs: totalMs / MINUTES,
    n: SLOS,
    rss: rss.describe(),
  });
  log(
    `slo bench: streaming: ${MINUTES} minutes, ${fmt((SLOS * 12 * MINUTE_MS) / MINUTE_MS)} points a minute, ` +
      `median ${ms(
        percentile(
          [...perMinute].sort((a, b) => a - b),
          50,
        ),
      )} a minute for all SLOs ` +
      `(${transitions} tier transitions), ${rss.describe()}`,
  );
}

/** Re-reading the longest tier window (3 days, by minute) for a sample of SLOs, as a minute's refresh would. */
async function requery(store: ClickHouseStore, end: number, rss: PeakRss, timings: Timing[]): Promise<void> {
  const longest = Math.max(...WORKBOOK_TIERS.map((t) => t.longMs));
  for (const [name, source] of [
    ['burn rates per minute: re-read 3 d from minute rollups', new SloCountsRepository(store)],
    ['burn rates per minute: raw scan of 3 d', new SloCountsRepository(store, { rollups: false })],
  ] as const) {
    rss.reset();
    const perSlo: number[] = [];
    const started = performance.now();
    for (let i = 0; i < SAMPLE; i++) {
      const s = Math.floor((i * SLOS) / SAMPLE);
      const t = performance.now();
      const buckets = await source.counts(indicator(s), end - longest, end, MINUTE_MS);
      // The burn rate of every tier's two windows from the minutes read.
      for (const tier of WORKBOOK_TIERS)
        for (const w of [tier.longMs, tier.shortMs]) {
          let bad = 0;
          let total = 0;
          for (const b of buckets)
            if (b.start >= end - w) {
              bad += b.total - b.good;
              total += b.total;
            }
          if (total > 0 && !Number.isFinite(bad / total)) throw new Error('unreachable');
        }
      perSlo.push(performance.now() - t);
    }
    const totalMs = performance.now() - started;
    timings.push({ name, perSlo, totalMs, n: SAMPLE, rss: rss.describe() });
    log(`slo bench: ${name}: ${SAMPLE} SLOs in ${ms(totalMs)}, ${rss.describe()}`);
  }
}

await main();
process.exit(0);
