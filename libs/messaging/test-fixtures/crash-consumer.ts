// A consumer process for the crash-recovery integration test. Its handler's effects are
// idempotent and durable before it returns: per key the highest sequence seen, and the set of
// handled ids, written atomically (temp file + rename) to STATE_FILE. It reports progress as
// JSON lines on stdout, and with HANG_AT=<before-effects|after-effects>:<n> it stops forever
// inside its n-th batch (before or after writing effects), so the test's SIGKILL lands there.
//   env: KAFKA_BROKERS, TOPIC, GROUP_ID, STATE_FILE, HANG_AT (optional)
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { loadBusConfig } from '#config';
import { silentLogger } from '#observability';
import { KafkaBus } from '../src/kafka/kafka-bus.js';
import type { PartitionBatch } from '../src/port.js';

export interface CrashConsumerState {
  /** Highest sequence handled per key. */
  readonly highest: Record<string, number>;
  readonly handled: string[];
  /** Messages delivered to the handler, duplicates included. */
  deliveries: number;
  readonly violations: string[];
}

export interface CrashTestEvent {
  readonly event: 'listening' | 'batch' | 'hanging' | 'done' | 'closed';
  readonly batch?: number;
  readonly handled?: number;
}

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const stateFile = env('STATE_FILE');
const [hangPoint, hangBatch] = (process.env.HANG_AT ?? ':').split(':');
const emit = (event: CrashTestEvent) => process.stdout.write(JSON.stringify(event) + '\n');
const never = () => new Promise<never>(() => undefined);

const state: CrashConsumerState = existsSync(stateFile)
  ? (JSON.parse(readFileSync(stateFile, 'utf8')) as CrashConsumerState)
  : { highest: {}, handled: [], deliveries: 0, violations: [] };
const handled = new Set(state.handled);
// Order check within this process: a key's next sequence may repeat earlier ones (redelivery
// after a crash) but never skip ahead of the last one delivered.
const lastDelivered = new Map(Object.entries(state.highest));

let batches = 0;
async function handle(batch: PartitionBatch): Promise<void> {
  const n = ++batches;
  emit({ event: 'batch', batch: n });
  const hangHere = Number(hangBatch) === n;
  if (hangHere && hangPoint === 'before-effects') {
    emit({ event: 'hanging', batch: n });
    await never();
  }
  for (const message of batch.messages) {
    const { id, key, seq } = JSON.parse(message.value!.toString()) as {
      id: string;
      key: string;
      seq: number;
    };
    const last = lastDelivered.get(key) ?? -1;
    if (seq > last + 1) state.violations.push(`${key}: ${seq} after ${last}`);
    lastDelivered.set(key, seq);
    state.highest[key] = Math.max(state.highest[key] ?? -1, seq);
    handled.add(id);
    state.deliveries++;
  }
  writeFileSync(`${stateFile}.tmp`, JSON.stringify({ ...state, handled: [...handled] }));
  renameSync(`${stateFile}.tmp`, stateFile);
  if (hangHere && hangPoint === 'after-effects') {
    emit({ event: 'hanging', batch: n });
    await never();
  }
  emit({ event: 'done', batch: n, handled: handled.size });
}

const bus = new KafkaBus(
  loadBusConfig({ AFTERSHOCK_BUS: 'kafka', KAFKA_BROKERS: env('KAFKA_BROKERS') }),
  silentLogger,
  {
    consumer: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 500 },
  },
);
await bus.subscribe({ groupId: env('GROUP_ID'), topics: [env('TOPIC')], maxBatchSize: 200, handler: handle });
emit({ event: 'listening' });
process.once('SIGTERM', () => {
  void bus.close().then(() => {
    emit({ event: 'closed' });
    process.exit(0);
  });
});
