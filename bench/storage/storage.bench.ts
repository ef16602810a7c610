// `npm run bench:storage`: the storage figures, on the local Kafka broker and embedded ClickHouse.
//   1. Telemetry from Kafka through the recorder into ClickHouse, against a direct bulk insert of
//      the same rows (the ceiling); the ratio is what Kafka, decoding, intents and dedup cost.
//   2. Bytes on disk per telemetry point after compression, over ≥ 10 million points of regular
//      10-second series, per column, and the value codec against Gorilla on the same data.
//   3. Latency of a 24-hour (and a 7-day) single-series query at raw, 1-minute and 1-hour
//      resolution over that table.
//   4. Peak RSS of each phase.
// Run: npm run bench:storage (KAFKA_BROKERS, or the local broker `npm run kafka:start` prints).
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBusConfig } from '#config';
import { EventCodec, type TelemetryBatch } from '#contracts';
import { KafkaBus } from '#messaging';
import { silentLogger } from '#observability';
import { ChdbStore, runMigrations, type ClickHouseStore } from '#storage';
import { testKafkaBrokers, uniqueTopic } from '#testing/infra';
import { RecorderConsumer } from '../../apps/recorder/src/recorder.consumer.js';
import { loadRecorderConfig } from '../../apps/recorder/src/recorder.settings.js';
import { RECORDER_FETCH_BYTES, recorderApp } from '../../apps/recorder/src/recorder.app.js';
import { TelemetryRepository, type Resolution } from '#storage';
import { TABLES, toTelemetryPointRows } from '#storage';
import { PeakRss } from '../support/measure.js';

const MESSAGES = 4_000;
const SERIES_PER_MESSAGE = 25;
const STEPS_PER_MESSAGE = 10; // 25 series × 10 scrapes = 250 points per message
const SERVICES = 24;
const BIG_SERIES = 120; // 12 services × 10 metrics, one series each
const BIG_DAYS = 10; // × 8,640 points a day = 10,368,000 points
const QUERY_RUNS = 15;

const log = (line: string) => console.log(line);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
/** Other work on the machine skews every figure: say how much there was. */
const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;

async function main(): Promise<void> {
  const brokers = await testKafkaBrokers();
  const dataDir = await mkdtemp(join(tmpdir(), 'aftershock-bench-storage-'));
  const rss = new PeakRss();
  const stores: ClickHouseStore[] = [];
  const open = async (database: string) => {
    const store = await ChdbStore.open({ dataDir, database });
    stores.push(store);
    await runMigrations(store);
    return store;
  };
  try {
    log(`# storage — Kafka at ${brokers.join(',')}, chDB in ${dataDir}; ${load()}`);
    await throughput(brokers, open, rss);
    await bigTable(await open('bench_big'), rss);
    log(`storage bench: process peak RSS ${fmt(process.resourceUsage().maxRSS / 1024)} MB; ${load()}`);
  } finally {
    rss.stop();
    for (const store of stores) {
      await store
        .command('DROP DATABASE IF EXISTS {db:Identifier} SYNC', { db: await currentDb(store) })
        .catch(() => undefined);
      await store.close();
    }
    const { drainPending } = await import('chdb');
    await drainPending();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Kafka → recorder → ClickHouse, against a direct bulk insert of the same rows

async function throughput(
  brokers: string[],
  open: (db: string) => Promise<ClickHouseStore>,
  rss: PeakRss,
): Promise<void> {
  const points = MESSAGES * SERIES_PER_MESSAGE * STEPS_PER_MESSAGE;
  log(`storage bench: generating ${fmt(MESSAGES)} telemetry messages (${fmt(points)} points, Avro)`);
  const start = Date.now() - 2 * 86_400_000;
  const batches = Array.from({ length: MESSAGES }, (_, m) => telemetryBatch(m, start));
  const codec = new EventCodec({ now: () => Date.now() });
  const encoded = await Promise.all(
    batches.map(async (b) => ({ key: b.service, value: await codec.encode('telemetry', b) })),
  );
  const bytes = encoded.reduce((n, e) => n + e.value.length, 0);
  const rows = batches.flatMap((b) => toTelemetryPointRows(b));

  const topic = uniqueTopic('bench.telemetry');
  const busConfig = loadBusConfig({ KAFKA_BROKERS: brokers.join(','), KAFKA_CLIENT_ID: 'aftershock-bench' });
  // Fetching 1 MiB per partition (the bus default), and the recorder's own default (8 MiB): fewer, larger inserts.
  const bus = new KafkaBus(busConfig, silentLogger);
  const bigFetchBus = new KafkaBus(
    loadBusConfig(
      { KAFKA_BROKERS: brokers.join(','), KAFKA_CLIENT_ID: 'aftershock-bench' },
      recorderApp.defaults,
    ),
    silentLogger,
  );
  await bus.ensureTopics([{ topic, partitions: 6 }]);
  log(`storage bench: producing to ${topic} (6 partitions, ${mb(bytes)})`);
  for (let i = 0; i < encoded.length; i += 50) await bus.send(topic, encoded.slice(i, i + 50)); // under 1 MB a request

  // Two rounds, interleaved, each into fresh databases: the machine's load drifts, the ratio less so.
  let bulkMs = 0;
  let recorderMs = 0;
  let bigFetchMs = 0;
  for (const round of [1, 2]) {
    const direct = await open(`bench_direct_${round}`);
    rss.reset();
    const bulkStarted = performance.now();
    for (let i = 0; i < rows.length; i += 250_000) {
      await direct.insert(TABLES.telemetryPoints, rows.slice(i, i + 250_000), { dedupToken: `bulk-${i}` });
    }
    const bulk = performance.now() - bulkStarted;
    bulkMs += bulk;
    await expectCount(direct, points);
    log(
      `storage bench: round ${round}: direct bulk insert ${fmt(points / (bulk / 1000))} rows/s ` +
        `(${(bulk / 1000).toFixed(2)} s, 250,000-row inserts), ${rss.describe()}`,
    );

    for (const [variant, via] of [
      ['1 MiB fetches', bus],
      [`${RECORDER_FETCH_BYTES / 1_048_576} MiB fetches (recorder default)`, bigFetchBus],
    ] as const) {
      const viaRecorder = await open(`bench_recorder_${round}_${via === bus ? 'default' : 'big'}`);
      rss.reset();
      const { ms, batchesSeen } = await recordTopic(
        via,
        topic,
        viaRecorder,
        codec,
        `${topic}.${round}.${variant.replaceAll(' ', '-')}`,
      );
      if (via === bus) recorderMs += ms;
      else bigFetchMs += ms;
      await expectCount(viaRecorder, points);
      log(
        `storage bench: round ${round}: Kafka → recorder  ${fmt(points / (ms / 1000))} rows/s, ${variant} ` +
          `(${(ms / 1000).toFixed(2)} s, ${batchesSeen} batches of ~${fmt(points / batchesSeen)} rows), ${rss.describe()}`,
      );
    }
  }
  await bus.close();
  await bigFetchBus.close();
  const bulkRate = (2 * points) / (bulkMs / 1000);
  const recorderRate = (2 * points) / (recorderMs / 1000);
  const bigFetchRate = (2 * points) / (bigFetchMs / 1000);
  log(
    `storage bench: recorder (its default ${RECORDER_FETCH_BYTES / 1_048_576} MiB fetches) ${fmt(bigFetchRate)} rows/s ` +
      `vs direct bulk insert ${fmt(bulkRate)} rows/s = ${((100 * bigFetchRate) / bulkRate).toFixed(0)}% (goal ≥ 70%); ` +
      `with 1 MiB fetches ${fmt(recorderRate)} rows/s = ${((100 * recorderRate) / bulkRate).toFixed(0)}%`,
  );
}

/** Runs the recorder on the whole topic with a fresh group; time from its first batch to its last. */
async function recordTopic(
  bus: KafkaBus,
  topic: string,
  store: ClickHouseStore,
  codec: EventCodec,
  groupId: string,
): Promise<{ ms: number; batchesSeen: number }> {
  const consumer = new RecorderConsumer(
    store,
    loadRecorderConfig({ RECORDER_TOPICS: `${topic}=telemetry` }),
    codec,
    silentLogger,
    { now: () => Date.now() },
  );
  let handled = 0;
  let reported = 0;
  let firstBatch = 0;
  let batchesSeen = 0;
  const done = Promise.withResolvers<number>();
  const subscription = await bus.subscribe({
    groupId,
    topics: [topic],
    handler: async (batch) => {
      firstBatch ||= performance.now();
      const result = await consumer.handle(batch);
      handled += batch.messages.length;
      batchesSeen++;
      if (handled - reported >= 1000) {
        reported = handled;
        log(`storage bench:   recorder: ${fmt(handled)} of ${fmt(MESSAGES)} messages durable`);
      }
      if (handled >= MESSAGES) done.resolve(performance.now());
      return result;
    },
  });
  const finished = await done.promise;
  await subscription.stop();
  await consumer.onApplicationShutdown();
  return { ms: finished - firstBatch, batchesSeen };
}

/** One service's scrape of 25 series, 10 times (100 s of data), values shaped like real metrics. */
function telemetryBatch(m: number, start: number): TelemetryBatch {
  const service = `svc-${m % SERVICES}`;
  const t0 = start + Math.floor(m / SERVICES) * STEPS_PER_MESSAGE * 10_000;
  const points = [];
  for (let step = 0; step < STEPS_PER_MESSAGE; step++) {
    for (let s = 0; s < SERIES_PER_MESSAGE; s++) {
      points.push({
        metric: `metric_${s % 5}`,
        value: shapedValue(s % 6, m * STEPS_PER_MESSAGE + step, s),
        timestamp: t0 + step * 10_000,
        unit: s % 5 === 0 ? 's' : null,
        labels: { route: `/r${Math.floor(s / 5)}` },
      });
    }
  }
  return {
    id: `tb-${m}`,
    service,
    environment: 'production',
    points,
    resource: { 'service.namespace': 'shop' },
  };
}

/** The value shapes of the codec comparison in migration 0009, in JS. */
function shapedValue(kind: number, n: number, s: number): number {
  const noise = ((n * 2_654_435_761 + s * 40_503) >>> 0) / 4_294_967_296;
  switch (kind) {
    case 0:
      return 4096 * Math.floor(250_000 + (n / 360) * (s % 7));
    case 1:
      return Math.round((100 + 20 * Math.sin(n / 500) + noise * 10 - 5) * 10) / 10;
    case 2:
      return noise < 0.1 ? Math.floor(noise * 50) / (1000 + Math.floor(noise * 500)) : 0;
    case 3:
      return Math.round((0.05 + 0.01 * Math.sin(n / 300) + noise / 100) * 1000) / 1000;
    case 4:
      return 0.05 + 0.01 * Math.sin(n / 300) + noise / 100;
    default:
      return 1;
  }
}

// ---------------------------------------------------------------------------------------------
// 2 + 3. A ≥ 10-million-point table: bytes per point, and single-series queries

async function bigTable(store: ClickHouseStore, rss: PeakRss): Promise<void> {
  const perSeries = BIG_DAYS * 8_640;
  const total = BIG_SERIES * perSeries;
  const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const start = end - BIG_DAYS * 86_400_000;
  log(
    `storage bench: inserting ${fmt(total)} points (${BIG_SERIES} series × ${BIG_DAYS} days of 10-second points), rollups included`,
  );
  rss.reset();
  const started = performance.now();
  // Generated in ClickHouse (INSERT … SELECT): the same value shapes as above, time-major.
  await store.command(
    `INSERT INTO telemetry_points (service, metric, environment, labels, ts, value, unit, resource)
     SELECT concat('svc-', toString(s % 12)), concat('metric_', toString(intDiv(s, 12))), 'production',
            map('route', concat('/r', toString(s % 3))), fromUnixTimestamp64Milli(toInt64({start:Int64} + n * 10000)),
            multiIf(k = 0, toFloat64(4096 * (250000 + intDiv(n, 360) * (s % 7))),
                    k = 1, round(100 + 20 * sin(n / 500) + (cityHash64(s, n) % 100) / 10 - 5, 1),
                    k = 2, if(cityHash64(s, n) % 10 = 0, (cityHash64(n, s) % 5) / (1000 + cityHash64(s, n, 1) % 500), 0),
                    k = 3, round(0.05 + 0.01 * sin(n / 300) + (cityHash64(s, n) % 1000) / 100000, 3),
                    k = 4, 0.05 + 0.01 * sin(n / 300) + (cityHash64(s, n) % 1000) / 100000,
                    1),
            if(k IN (3, 4), 's', NULL), map('service.namespace', 'shop')
     FROM (SELECT number % {series:UInt32} AS s, intDiv(number, {series:UInt32}) AS n, s % 6 AS k FROM numbers({total:UInt64}))`,
    { start, series: BIG_SERIES, total },
  );
  const insertMs = performance.now() - started;
  log(
    `storage bench:   inserted in ${(insertMs / 1000).toFixed(1)} s (${fmt(total / (insertMs / 1000))} rows/s), merging…`,
  );
  // Steady state: what background merges reach minutes after the inserts.
  for (const table of [TABLES.telemetryPoints, TABLES.telemetryRollup1m, TABLES.telemetryRollup1h]) {
    await store.command(`OPTIMIZE TABLE ${table} FINAL`);
  }
  log(
    `storage bench:   merged (${((performance.now() - started) / 1000).toFixed(1)} s in all), ${rss.describe()}`,
  );

  const [parts] = await store.query<{ rows: string; disk: string; compressed: string; uncompressed: string }>(
    `SELECT sum(rows) AS rows, sum(bytes_on_disk) AS disk, sum(data_compressed_bytes) AS compressed,
            sum(data_uncompressed_bytes) AS uncompressed
     FROM system.parts WHERE database = currentDatabase() AND table = 'telemetry_points' AND active`,
  );
  const rows = Number(parts!.rows);
  log(
    `storage bench: bytes on disk per point ${(Number(parts!.disk) / rows).toFixed(2)} ` +
      `(column data ${(Number(parts!.compressed) / rows).toFixed(2)}, uncompressed ${(Number(parts!.uncompressed) / rows).toFixed(1)}; ` +
      `${fmt(rows)} points, ${mb(Number(parts!.disk))}; goal < 3)`,
  );
  const columns = await store.query<{ name: string; compressed: string }>(
    `SELECT name, data_compressed_bytes AS compressed FROM system.columns
     WHERE database = currentDatabase() AND table = 'telemetry_points' ORDER BY data_compressed_bytes DESC`,
  );
  log(
    `storage bench:   per column: ${columns.map((c) => `${c.name} ${(Number(c.compressed) / rows).toFixed(3)}`).join(', ')}`,
  );

  // The value codec against Gorilla on the same values, in the same order.
  await store.command(
    `CREATE TABLE IF NOT EXISTS bench_value_codecs (series UInt64, ts DateTime64(3, 'UTC'),
       zstd Float64 CODEC(ZSTD(1)), gorilla Float64 CODEC(Gorilla, ZSTD(1)))
     ENGINE = MergeTree ORDER BY (series, ts)`,
  );
  await store.command('INSERT INTO bench_value_codecs SELECT series, ts, value, value FROM telemetry_points');
  await store.command('OPTIMIZE TABLE bench_value_codecs FINAL');
  const [sizes] = await store.query<{ zstd: string; gorilla: string }>(
    `SELECT sumIf(data_compressed_bytes, name = 'zstd') AS zstd, sumIf(data_compressed_bytes, name = 'gorilla') AS gorilla
     FROM system.columns WHERE database = currentDatabase() AND table = 'bench_value_codecs'`,
  );
  log(
    `storage bench: value column per point: ZSTD(1) ${(Number(sizes!.zstd) / rows).toFixed(2)} (chosen), ` +
      `Gorilla+ZSTD(1) ${(Number(sizes!.gorilla) / rows).toFixed(2)}`,
  );
  await store.command('DROP TABLE IF EXISTS bench_value_codecs SYNC');

  const repo = new TelemetryRepository(store);
  for (const [days, resolution] of [
    [1, 'raw'],
    [1, '1m'],
    [1, '1h'],
    [7, 'raw'],
    [7, '1m'],
    [7, '1h'],
  ] as [number, Resolution][]) {
    const timings: number[] = [];
    let shown = 0;
    for (let i = 0; i < QUERY_RUNS + 2; i++) {
      const service = `svc-${i % 12}`;
      const started = performance.now();
      const result = await repo.series({
        service,
        metric: 'metric_3',
        from: end - days * 86_400_000,
        to: end,
        resolution,
      });
      const ms = performance.now() - started;
      if (i >= 2) timings.push(ms); // two warm-ups
      shown = result.series[0]?.points.length ?? 0;
      if (result.series.length !== 1) throw new Error(`expected one series, got ${result.series.length}`);
    }
    timings.sort((a, b) => a - b);
    log(
      `storage bench: ${days === 1 ? '24-hour' : `${days}-day`} single-series query at ${resolution.padEnd(3)}: median ${timings[timings.length >> 1]!.toFixed(1)} ms, ` +
        `p90 ${timings[Math.floor(timings.length * 0.9)]!.toFixed(1)} ms (${fmt(shown)} points, ${QUERY_RUNS} runs, ${fmt(total)}-point table)`,
    );
  }
}

async function expectCount(store: ClickHouseStore, expected: number): Promise<void> {
  const [row] = await store.query<{ n: string }>('SELECT count() AS n FROM telemetry_points');
  if (Number(row?.n) !== expected)
    throw new Error(`telemetry_points holds ${row?.n} rows, expected ${expected}`);
}

async function currentDb(store: ClickHouseStore): Promise<string> {
  return (await store.query<{ db: string }>('SELECT currentDatabase() AS db'))[0]!.db;
}

await main();
process.exit(0);
