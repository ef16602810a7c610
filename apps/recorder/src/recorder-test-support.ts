// Shared by the recorder's integration tests: a recorder consumer on the real broker and a store
// from testClickHouse(), on topics of its own.
import { loadBusConfig } from '#config';
import { EventCodec, type EventName, type EventTypes } from '#contracts';
import { KafkaBus, type BatchResult, type Subscription } from '#messaging';
import { silentLogger } from '#observability';
import { runMigrations, type ClickHouseStore } from '#storage';
import { testClickHouse, testKafkaBrokers, uniqueTopic, type TestClickHouse } from '#testing/infra';
import { RecorderConsumer } from './recorder.consumer.js';
import { loadRecorderConfig } from './recorder.settings.js';

export const codec = new EventCodec({ now: () => Date.now() });
export const jsonCodec = new EventCodec({ now: () => Date.now(), format: 'json' });

export interface RecorderHarness {
  readonly ch: TestClickHouse;
  readonly bus: KafkaBus;
  /** Topic of each event (the dead-letter topic is where this recorder's rejections go too). */
  readonly topics: Readonly<Record<EventName, string>>;
  readonly consumer: RecorderConsumer;
  /** What every handled batch returned. */
  readonly results: BatchResult[];
  publish<E extends EventName>(
    event: E,
    values: readonly EventTypes[E][],
    format?: 'avro' | 'json',
  ): Promise<void>;
  /** Starts consuming (a fresh consumer group). */
  start(): Promise<void>;
  close(): Promise<void>;
}

const EVENTS: readonly EventName[] = [
  'change',
  'alert',
  'telemetry',
  'verdict',
  'incident',
  'incident-command',
  'problem',
  'problem-command',
  'assessment',
  'dead-letter',
];

/** `wrap`: the store as the recorder sees it (a test may put a failing stand-in in between). */
export async function recorderHarness(
  events: readonly EventName[] = EVENTS,
  wrap: (store: ClickHouseStore) => ClickHouseStore = (s) => s,
): Promise<RecorderHarness> {
  const brokers = await testKafkaBrokers();
  const ch = await testClickHouse();
  await runMigrations(ch.store);
  const topics = Object.fromEntries(events.map((e) => [e, uniqueTopic(`recorder.${e}`)])) as Record<
    EventName,
    string
  >;
  const busConfig = loadBusConfig({
    AFTERSHOCK_BUS: 'kafka',
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_CLIENT_ID: 'aftershock-recorder-test',
    AFTERSHOCK_DLQ_TOPIC: topics['dead-letter'] ?? uniqueTopic('recorder.rejects'),
  });
  const bus = new KafkaBus(busConfig, silentLogger, { backoff: { initialMs: 50, maxMs: 500 } });
  await bus.connect();
  const all = new Set([...Object.values(topics), busConfig.deadLetterTopic]);
  await bus.ensureTopics([...all].map((topic) => ({ topic, partitions: 2 })));
  const config = loadRecorderConfig({
    RECORDER_TOPICS: Object.entries(topics)
      .map(([event, topic]) => `${topic}=${event}`)
      .join(','),
    RECORDER_PAUSE_ON_TROUBLE: '100ms',
  });
  const consumer = new RecorderConsumer(
    wrap(ch.store),
    config,
    codec,
    silentLogger,
    { now: () => Date.now() },
    {
      retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 100 },
    },
  );
  let subscription: Subscription | undefined;
  const results: BatchResult[] = [];
  return {
    ch,
    bus,
    topics,
    consumer,
    results,
    async publish(event, values, format = 'avro') {
      const c = format === 'json' ? jsonCodec : codec;
      const messages = await Promise.all(
        values.map(async (value) => ({
          key: (value as { service?: string }).service ?? null,
          value: await c.encode(event, value),
        })),
      );
      await bus.send(topics[event], messages);
    },
    async start() {
      subscription = await bus.subscribe({
        groupId: `recorder-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
        topics: consumer.topics(),
        handler: async (batch) => {
          const result = await consumer.handle(batch);
          results.push(result);
          return result;
        },
      });
    },
    async close() {
      await subscription?.stop();
      await bus.close();
      await consumer.onApplicationShutdown();
      await ch.cleanup();
    },
  };
}

export async function countRows(
  store: ClickHouseStore,
  sql: string,
  params?: Record<string, unknown>,
): Promise<number> {
  const [row] = await store.query<{ n: string }>(sql, params);
  return Number(row?.n ?? 0);
}
