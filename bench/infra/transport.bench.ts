// Consumer throughput on a real broker, side by side in one run: bare kafkajs `eachBatch` (the
// ceiling: kafkajs defaults, auto-commit after each batch) against our BatchTransport in a Nest
// microservice with a no-op handler (chunking, spans, metrics, explicit commits). Both read the
// same pre-produced topic; rounds alternate; each consumer runs in a fresh child process so its
// peak RSS and heap are its own. Batch latency, the same for both: from a fetched batch reaching
// user code to its offsets being committed. Run: node dist/bench/infra/transport.bench.js
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import kafkajs from 'kafkajs';
import { loadBusConfig } from '#config';
import { KafkaBus, type OutboundMessage, type PartitionBatch } from '#messaging';
import { BatchPattern, BatchTransport } from '#messaging/nest';
import { silentLogger } from '#observability';

const MESSAGES = 1_000_000;
const PARTITIONS = 6;
const KEYS = 1_000;
const ROUNDS = 3;
/** Partitions handled at once, the same for both (our default maxInFlightBatches). */
const CONCURRENCY = 4;

type Log = (line: string) => void;

type Mode = 'bare' | 'ours';
const NAMES: Record<Mode, string> = { bare: 'bare kafkajs eachBatch', ours: 'BatchTransport' };

interface PhaseResult {
  readonly mode: Mode;
  readonly ms: number;
  readonly latencies: number[];
  readonly peakRssMb: number;
  /** Value bytes the handler saw: equal across runs, or a consumer skipped or repeated data. */
  readonly bytes: number;
}

export async function benchTransport(brokers: string[], log: Log): Promise<void> {
  const topic = `aftershock.bench.transport.${Date.now().toString(36)}`;
  const bus = new KafkaBus(
    loadBusConfig({ AFTERSHOCK_BUS: 'kafka', KAFKA_BROKERS: brokers.join(',') }),
    silentLogger,
  );
  try {
    await produce(bus, topic, log);
    const results: { bare: PhaseResult[]; ours: PhaseResult[] } = { bare: [], ours: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const mode of ['bare', 'ours'] as const) {
        const result = await inChildProcess(mode, brokers, topic, `${topic}.${mode}.${round}`);
        results[mode].push(result);
        log(`transport bench: round ${round}/${ROUNDS} ${describe(result)}`);
      }
    }
    const sizes = new Set([...results.bare, ...results.ours].map((r) => r.bytes));
    if (sizes.size !== 1)
      throw new Error(`consumers saw different data: ${[...sizes].join(', ')} value bytes`);
    const bare = median(results.bare);
    const ours = median(results.ours);
    log(
      `transport bench: median of ${ROUNDS} rounds, ${MESSAGES.toLocaleString('en')} messages over ${PARTITIONS} partitions`,
    );
    log(`transport bench:   ${describe(bare)}`);
    log(`transport bench:   ${describe(ours)}`);
    log(
      `transport bench: BatchTransport throughput = ${percent(bare.ms / ours.ms)} of bare kafkajs (goal >= 80%)`,
    );
  } finally {
    await deleteTopic(brokers, topic);
    await bus.close();
  }
}

async function produce(bus: KafkaBus, topic: string, log: Log): Promise<void> {
  await bus.ensureTopics([{ topic, partitions: PARTITIONS, retentionMs: 3_600_000 }]);
  const chunk = 20_000;
  const started = performance.now();
  for (let from = 0; from < MESSAGES; from += chunk) {
    const messages: OutboundMessage[] = [];
    for (let i = from; i < from + chunk; i++) {
      messages.push({ key: `svc-${i % KEYS}`, value: `{"i":${i},"v":${(i % 997) / 10}}` });
    }
    await bus.send(topic, messages);
    log(
      `transport bench: produced ${(from + chunk).toLocaleString('en')} / ${MESSAGES.toLocaleString('en')}`,
    );
  }
  log(`transport bench: produced in ${((performance.now() - started) / 1000).toFixed(2)} s`);
}

/** Consumes every message once; reports each committed batch's latency. Resolves when done. */
type Consumer = (brokers: string[], topic: string, groupId: string, onBatch: OnBatch) => Promise<void>;
type OnBatch = (messages: number, latencyMs: number) => void;

const CONSUMERS: Record<Mode, Consumer> = {
  bare: (...args) => consumeBare(...args),
  ours: (...args) => consumeThroughTransport(...args),
};

/** Runs one consumer in a fresh node process (this file with `--consume`), which prints its result. */
async function inChildProcess(
  mode: Mode,
  brokers: string[],
  topic: string,
  groupId: string,
): Promise<PhaseResult> {
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), '--consume', mode, brokers.join(','), topic, groupId],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${mode} consumer exited with ${code}`);
  return JSON.parse(output.trim().split('\n').at(-1)!) as PhaseResult;
}

async function measureHere(
  mode: Mode,
  brokers: string[],
  topic: string,
  groupId: string,
): Promise<PhaseResult> {
  // Timed from the first batch reaching user code to the last commit: connecting, joining the
  // group and booting Nest are one-off costs, not throughput.
  const latencies: number[] = [];
  let first = Infinity;
  let last = 0;
  await CONSUMERS[mode](brokers, topic, groupId, (_, latencyMs) => {
    last = performance.now();
    first = Math.min(first, last - latencyMs);
    latencies.push(latencyMs);
  });
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  return { mode, ms: last - first, latencies, peakRssMb, bytes: valueBytes };
}

const consumeBare: Consumer = async (brokers, topic, groupId, onBatch) => {
  const kafka = new kafkajs.Kafka({ clientId: 'bench-bare', brokers, logLevel: kafkajs.logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
  const done = Promise.withResolvers<void>();
  const startedAt = new Map<number, { at: number; messages: number }>();
  let seen = 0;
  consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
    for (const { partitions } of payload.topics) {
      for (const { partition } of partitions) {
        const pending = startedAt.get(Number(partition));
        if (!pending) continue;
        startedAt.delete(Number(partition));
        onBatch(pending.messages, performance.now() - pending.at);
      }
    }
    if (seen >= MESSAGES) done.resolve();
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: CONCURRENCY,
    eachBatch: async ({ batch }) => {
      startedAt.set(batch.partition, { at: performance.now(), messages: batch.messages.length });
      for (const message of batch.messages) touch(message.value);
      seen += batch.messages.length;
    },
  });
  await done.promise;
  await consumer.disconnect();
};

const consumeThroughTransport: Consumer = async (brokers, topic, groupId, onBatch) => {
  const done = Promise.withResolvers<void>();
  let seen = 0;
  @Controller()
  class NoopController {
    @BatchPattern(topic)
    async onBatch(batch: PartitionBatch): Promise<void> {
      for (const message of batch.messages) touch(message.value);
      seen += batch.messages.length;
    }
  }
  @Module({ controllers: [NoopController] })
  class NoopModule {}

  const config = loadBusConfig({ AFTERSHOCK_BUS: 'kafka', KAFKA_BROKERS: brokers.join(',') });
  const bus = new KafkaBus(config, silentLogger, {
    onBatchDone: ({ messages, durationMs }) => {
      onBatch(messages, durationMs);
      if (seen >= MESSAGES) done.resolve();
    },
  });
  const strategy = new BatchTransport({ bus, groupId, maxInFlightBatches: CONCURRENCY });
  const app = await NestFactory.createMicroservice(NoopModule, { strategy, logger: false });
  await app.listen();
  await done.promise;
  await app.close();
  await bus.close();
};

let valueBytes = 0;
/** The handlers' only work: read each value's size, so the loop does something checkable. */
function touch(value: Buffer | null): void {
  valueBytes += value?.length ?? 0;
}

function describe(r: PhaseResult): string {
  const rate = Math.round(MESSAGES / (r.ms / 1000)).toLocaleString('en');
  return (
    `${NAMES[r.mode].padEnd(22)} ${rate.padStart(9)} msg/s  (${(r.ms / 1000).toFixed(2)} s)  ` +
    `batch p50 ${percentile(r.latencies, 0.5).toFixed(1)} ms  p99 ${percentile(r.latencies, 0.99).toFixed(1)} ms  ` +
    `(${r.latencies.length} batches)  peak RSS ${r.peakRssMb} MB`
  );
}

function median(results: PhaseResult[]): PhaseResult {
  return [...results].sort((a, b) => a.ms - b.ms)[Math.floor(results.length / 2)]!;
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const percent = (ratio: number) => `${(ratio * 100).toFixed(0)}%`;

async function deleteTopic(brokers: string[], topic: string): Promise<void> {
  const admin = new kafkajs.Kafka({
    clientId: 'bench-admin',
    brokers,
    logLevel: kafkajs.logLevel.NOTHING,
  }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
}

const [, , flag, mode, brokerList, topicArg, groupArg] = process.argv;
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (flag === '--consume') {
    const result = await measureHere(mode as Mode, brokerList!.split(','), topicArg!, groupArg!);
    console.log(JSON.stringify(result));
  } else {
    const { testKafkaBrokers } = await import('#testing/infra');
    await benchTransport(await testKafkaBrokers(), (line) => console.log(line));
  }
  process.exit(0);
}
