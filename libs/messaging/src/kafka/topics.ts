// Creates the topics an app needs, once, tolerating replicas that race to create them too.
import type { Admin } from 'kafkajs';
import type { TopicSpec } from '../port.js';

export interface TopicDefaults {
  readonly replicationFactor: number;
  readonly retentionMs: number;
}

/** Creates the missing topics (partitions, replication, retention.ms); existing ones are left as they are. */
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
        configEntries: [{ name: 'retention.ms', value: String(spec.retentionMs ?? defaults.retentionMs) }],
      })),
    });
  } catch (error) {
    // Another replica may have created some of them in between ("already exists"): fine if all exist now.
    const now = new Set(await admin.listTopics());
    if (missing.some((spec) => !now.has(spec.topic))) throw error;
  }
}
