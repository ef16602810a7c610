// Reads a group's committed offsets and a topic's end offsets straight from the broker, so
// tests check what Kafka recorded rather than what the consumer believes.
import kafkajs, { type Admin } from 'kafkajs';

export async function withAdmin<T>(
  brokers: readonly string[],
  work: (admin: Admin) => Promise<T>,
): Promise<T> {
  const admin = new kafkajs.Kafka({
    clientId: 'aftershock-test-admin',
    brokers: [...brokers],
    logLevel: kafkajs.logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Committed offset per partition (index = partition), -1 where the group committed none. */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<number[]> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return byPartition(offsets?.partitions ?? [], (p) => Number(p.offset));
}

/** End (high-watermark) offset per partition. */
export async function endOffsets(admin: Admin, topic: string): Promise<number[]> {
  return byPartition(await admin.fetchTopicOffsets(topic), (p) => Number(p.high));
}

function byPartition<P extends { partition: number }>(
  partitions: readonly P[],
  offset: (p: P) => number,
): number[] {
  const out: number[] = [];
  for (const p of partitions) out[p.partition] = offset(p);
  return out;
}
