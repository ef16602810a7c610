// Creates the topics an app needs, once, tolerating replicas that race to create them too.
import type { Admin } from 'kafkajs';
import type { TopicSpec } from '../port.js';

export interface TopicDefaults {
  readonly replicationFactor: number;
  readonly minInsyncReplicas?: number;
  readonly retentionMs: number;
}

/** Creates the missing topics (partitions, replication, retention.ms or compaction); existing ones are left as they are. */
export async function ensureKafkaTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
  defaults: TopicDefaults,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.topic));
  if (missing.length === 0) return;
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.partitions,
        replicationFactor: defaults.replicationFactor,
        configEntries: [
          spec.compacted
            ? { name: 'cleanup.policy', value: 'compact' }
            : { name: 'retention.ms', value: String(spec.retentionMs ?? defaults.retentionMs) },
          ...(defaults.minInsyncReplicas
            ? [{ name: 'min.insync.replicas', value: String(defaults.minInsyncReplicas) }]
            : []),
        ],
      })),
    });
  } catch (error) {
    // Another replica may have created some of them in between ("already exists"), or the
    // brokers' metadata lags just behind the controller right after creation (kafkajs then
    // reports UNKNOWN_TOPIC_OR_PARTITION while waiting for leaders): wait until all are served.
    await waitUntilServed(
      admin,
      missing.map((spec) => spec.topic),
      error,
    );
  }
}

async function waitUntilServed(admin: Admin, topics: readonly string[], cause: unknown): Promise<void> {
  for (let attempt = 1; attempt <= 20; attempt++) {
    try {
      const listed = new Set(await admin.listTopics());
      if (topics.every((t) => listed.has(t))) {
        const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
        if (metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
          return;
      }
    } catch {
      // metadata not there yet: try again below
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * attempt)));
  }
  throw cause;
}
