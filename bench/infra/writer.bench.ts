// BatchWriter throughput into embedded ClickHouse (chDB), side by side with the best case: one
// bulk insert of the same rows. The ratio is what batching, retries and per-write promises
// cost; peak RSS shows what buffering holds. Run: node dist/bench/infra/writer.bench.js
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BatchWriter, ChdbStore, type ClickHouseStore } from '#storage';
import { PeakRss } from '../support/measure.js';

const ROWS = 1_000_000;
const CONSUMER_BATCH = 5_000; // rows per write(), as a Kafka consumer batch would hand them over
const WRITER_MAX_ROWS = 50_000;

interface TelemetryRow {
  service: string;
  metric: string;
  ts: number;
  value: number;
  labels: Record<string, string>;
}

// `ts` goes in as epoch milliseconds: a number is read as DateTime64(3) ticks, cheaper than text.
const tableDdl = (name: string) => `
CREATE TABLE IF NOT EXISTS ${name} (
  service LowCardinality(String),
  metric LowCardinality(String),
  ts DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
  value Float64 CODEC(Gorilla, ZSTD(1)),
  labels Map(LowCardinality(String), String) CODEC(ZSTD(1))
) ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (service, metric, ts)
SETTINGS non_replicated_deduplication_window = 1000`;

export async function benchWriter(log: (line: string) => void): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'aftershock-bench-writer-'));
  const store = await ChdbStore.open({ dataDir, database: 'bench' });
  const rss = new PeakRss();
  try {
    for (const table of ['telemetry_bulk', 'telemetry_writer']) await store.command(tableDdl(table));
    log(`writer bench: generating ${ROWS.toLocaleString('en')} telemetry rows`);
    const rows = telemetry(ROWS, Date.now() - 3_600_000);
    await store.insert('telemetry_bulk', rows.slice(0, 10_000)); // warm the engine up
    await store.command('TRUNCATE TABLE telemetry_bulk');

    rss.reset();
    const bulk = await timed(() => store.insert('telemetry_bulk', rows));
    const bulkRss = rss.describe();
    await expectCount(store, 'telemetry_bulk', ROWS);
    log(`writer bench: bulk insert   ${rate(bulk)} rows/s (${seconds(bulk)}), ${bulkRss}`);

    rss.reset();
    const writer = await timed(() => writeThroughBatchWriter(store, rows, log));
    const writerRss = rss.describe();
    await expectCount(store, 'telemetry_writer', ROWS);
    log(`writer bench: BatchWriter   ${rate(writer)} rows/s (${seconds(writer)}), ${writerRss}`);
    log(
      `writer bench: BatchWriter throughput = ${(bulk / writer).toFixed(2)} x bulk insert ` +
        `(${CONSUMER_BATCH.toLocaleString('en')}-row writes, ${WRITER_MAX_ROWS.toLocaleString('en')}-row flushes); ` +
        `process peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
    );
  } finally {
    rss.stop();
    await store.command('DROP DATABASE IF EXISTS bench SYNC').catch(() => undefined);
    await store.close();
    const { drainPending } = await import('chdb');
    await drainPending();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function writeThroughBatchWriter(
  store: ClickHouseStore,
  rows: readonly TelemetryRow[],
  log: (line: string) => void,
): Promise<void> {
  const writer = new BatchWriter<TelemetryRow>({
    store,
    table: 'telemetry_writer',
    maxRows: WRITER_MAX_ROWS,
  });
  let durable = 0;
  let reported = 0;
  const writes: Promise<void>[] = [];
  for (let from = 0; from < rows.length; from += CONSUMER_BATCH) {
    await writer.waitForCapacity();
    const batch = rows.slice(from, from + CONSUMER_BATCH);
    writes.push(
      writer.write(batch).then(() => {
        durable += batch.length;
        if (durable - reported >= 250_000) {
          reported = durable;
          log(`writer bench:   ${durable.toLocaleString('en')} rows durable`);
        }
      }),
    );
  }
  await Promise.all(writes);
  await writer.close();
}

function telemetry(count: number, start: number): TelemetryRow[] {
  const services = ['checkout', 'payments', 'search', 'cart', 'auth', 'catalog', 'shipping', 'email'];
  const metrics = [
    'http.server.duration.p95',
    'http.server.errors',
    'http.server.requests',
    'cpu.utilization',
  ];
  return Array.from({ length: count }, (_, i) => ({
    service: services[i % services.length]!,
    metric: metrics[(i >> 3) % metrics.length]!,
    ts: start + i,
    value: Math.round(Math.abs(Math.sin(i)) * 100_000) / 100,
    labels: { region: i % 2 ? 'eu-west-1' : 'us-east-1', pod: `pod-${i % 64}` },
  }));
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function expectCount(store: ClickHouseStore, table: string, expected: number): Promise<void> {
  const [row] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${table}`);
  if (Number(row?.n) !== expected) throw new Error(`${table} holds ${row?.n} rows, expected ${expected}`);
}

const rate = (ms: number) => Math.round(ROWS / (ms / 1000)).toLocaleString('en');
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchWriter((line) => console.log(line));
}
