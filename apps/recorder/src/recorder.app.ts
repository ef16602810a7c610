import type { AppSpec } from '#platform';
import { RecorderConsumer } from './recorder.consumer.js';
import { RecorderModule } from './recorder.module.js';

/**
 * The recorder's consumer group. RECORDER_GROUP_ID overrides it: two recorders writing to
 * different ClickHouse databases from one Kafka cluster, or tests sharing a broker.
 */
export const RECORDER_GROUP = process.env.RECORDER_GROUP_ID?.trim() || 'aftershock-recorder';

/** The recorder app in service mode: its own process, Kafka and (where it needs one) a ClickHouse server or chDB. */
export const recorderApp: AppSpec = {
  name: 'recorder',
  features: [RecorderModule],
  needs: { bus: true, store: true },
  consumers: [{ groupId: RECORDER_GROUP, consumer: RecorderConsumer }],
};
