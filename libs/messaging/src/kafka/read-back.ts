// A bounded read of a topic's history for rebuilding state. kafkajs has no manual partition
// assignment, so the read runs as a throwaway consumer group whose starting offsets are set
// through the admin API before it joins (partitions not asked for start at their end and
// deliver nothing); the group is deleted afterwards.
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { PartitionBatch, ReadBackRequest } from '../port.js';
import { toInbound } from './kafka-messages.js';

interface Range {
  next: bigint;
  readonly end: bigint;
}

export interface ReadBackTuning {
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxBytesPerPartition: number;
}

export async function readBackFromKafka(
  kafka: Kafka,
  admin: Admin,
  request: ReadBackRequest,
  onBatch: (batch: PartitionBatch) => Promise<void> | void,
  tuning: ReadBackTuning,
): Promise<void> {
  const { topic } = request;
  const bounds = await admin.fetchTopicOffsets(topic);
  const ranges = await rangesOf(admin, request, bounds);
  if (ranges.size === 0) return;
  const groupId = `aftershock-read-back-${randomUUID()}`;
  await admin.setOffsets({
    groupId,
    topic,
    partitions: bounds.map(({ partition, high }) => ({
      partition,
      offset: (ranges.get(partition)?.next ?? BigInt(high)).toString(),
    })),
  });
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: tuning.sessionTimeoutMs,
    heartbeatInterval: tuning.heartbeatIntervalMs,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: tuning.maxBytesPerPartition,
  });
  let settle!: (error?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  const remaining = new Set(ranges.keys());
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) settle(payload.error);
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const range = ranges.get(batch.partition);
        if (!range || !remaining.has(batch.partition)) return;
        const messages = batch.messages
          .filter((m) => BigInt(m.offset) >= range.next && BigInt(m.offset) < range.end)
          .map((m) => toInbound(topic, batch.partition, m));
        try {
          if (messages.length > 0) await onBatch({ topic, partition: batch.partition, messages });
        } catch (error) {
          settle(error);
          return;
        }
        await heartbeat();
        range.next = BigInt(batch.lastOffset()) + 1n;
        if (range.next >= range.end) {
          remaining.delete(batch.partition);
          if (remaining.size === 0) settle();
        }
      },
    });
    await finished;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}

/** Per partition asked for: from the first offset at or after `since` up to `until`; empty ranges left out. */
async function rangesOf(
  admin: Admin,
  request: ReadBackRequest,
  bounds: readonly { partition: number; low: string; high: string }[],
): Promise<Map<number, Range>> {
  const { topic, since, until } = request;
  const wanted = request.partitions ? new Set(request.partitions) : undefined;
  const [starts, committed] = await Promise.all([
    since > 0 ? admin.fetchTopicOffsetsByTimestamp(topic, since) : undefined,
    until === 'end' ? undefined : admin.fetchOffsets({ groupId: until.committedBy, topics: [topic] }),
  ]);
  const committedBy = new Map(committed?.[0]?.partitions.map((p) => [p.partition, BigInt(p.offset)]));
  const ranges = new Map<number, Range>();
  for (const { partition, low, high } of bounds) {
    if (wanted && !wanted.has(partition)) continue;
    const at = starts?.find((s) => s.partition === partition)?.offset;
    const next = at !== undefined && BigInt(at) > BigInt(low) ? BigInt(at) : BigInt(low);
    const end = until === 'end' ? BigInt(high) : (committedBy.get(partition) ?? -1n);
    if (end > next) ranges.set(partition, { next, end });
  }
  return ranges;
}
