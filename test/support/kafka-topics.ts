// Reading and writing topics on the real broker from a test, with kafkajs directly: the test
// plays the producer (a stack sending raw data) and the downstream consumer.
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { silenceKafkajsTimeoutWarning } from '#messaging';

export interface SeenMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

export function kafka(brokers: string[]): Kafka {
  silenceKafkajsTimeoutWarning(); // the same kafkajs quirk the apps' bus silences
  return new Kafka({ clientId: 'aftershock-e2e', brokers, logLevel: logLevel.NOTHING });
}

export async function produce(
  brokers: string[],
  topic: string,
  messages: { key?: string; value: Buffer | string; headers?: Record<string, string> }[],
): Promise<void> {
  const producer = kafka(brokers).producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

/**
 * Consumes `topics` from the beginning until `done(seen)` holds or `timeoutMs` passes (a bound
 * on waiting, not an assertion on speed), and returns what matched `filter`, each record once: a
 * rebalance of this test consumer re-delivers records it has not committed yet, which are not
 * records the app published twice (those have offsets of their own and are all returned).
 */
export async function consumeUntil(
  brokers: string[],
  topics: string[],
  filter: (m: SeenMessage) => boolean,
  done: (seen: SeenMessage[]) => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<SeenMessage[]> {
  const admin = kafka(brokers).admin();
  await admin.connect();
  await admin
    .createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic })) })
    .catch(() => false);
  await admin.disconnect();
  const consumer = kafka(brokers).consumer({
    groupId: `e2e-${process.pid}-${Math.random().toString(36).slice(2)}`,
  });
  const seen: SeenMessage[] = [];
  const positions = new Set<string>();
  await consumer.connect();
  try {
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          const position = `${topic}/${partition}/${message.offset}`;
          if (positions.has(position)) return;
          positions.add(position);
          const m: SeenMessage = {
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: message.value ?? Buffer.alloc(0),
            headers: textHeaders(message.headers),
          };
          if (filter(m)) seen.push(m);
          if (await done(seen)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k] = String(v);
  return out;
}
