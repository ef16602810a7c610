// Consumer lag straight from the brokers: per group, end offsets minus committed offsets over the
// topics the group has committed on; `ends` (sum of end offsets) shows whether anything is still
// being produced.
import { kafka } from '../support/kafka-topics.js';

export async function kafkaLag(
  brokers: string[],
  groups: string[],
): Promise<{ total: number; ends: number }> {
  const admin = kafka(brokers).admin();
  await admin.connect();
  try {
    let total = 0;
    let ends = 0;
    const topics = (await admin.listTopics()).filter(
      (t) => t.startsWith('aftershock.') && !t.includes('.raw.'),
    );
    const endOf = new Map<string, number[]>();
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const list: number[] = [];
      for (const p of offsets) list[p.partition] = Number(p.high);
      endOf.set(topic, list);
      ends += list.reduce((a, b) => a + b, 0);
    }
    for (const groupId of groups) {
      for (const entry of await admin.fetchOffsets({ groupId, topics })) {
        const committed = entry.partitions.filter((p) => Number(p.offset) >= 0);
        if (committed.length === 0) continue;
        for (const p of entry.partitions) {
          total += Math.max(0, (endOf.get(entry.topic)?.[p.partition] ?? 0) - Math.max(0, Number(p.offset)));
        }
      }
    }
    return { total, ends };
  } finally {
    await admin.disconnect();
  }
}
