import type { AppSpec } from '#platform';
import { RecorderConsumer } from './recorder.consumer.js';
import { RecorderModule } from './recorder.module.js';

export const RECORDER_GROUP = 'aftershock-recorder';

/** The recorder app in service mode: its own process, Kafka and (where it needs one) a ClickHouse server or chDB. */
export const recorderApp: AppSpec = {
  name: 'recorder',
  features: [RecorderModule],
  needs: { bus: true, store: true },
  consumers: [{ groupId: RECORDER_GROUP, consumer: RecorderConsumer }],
};
