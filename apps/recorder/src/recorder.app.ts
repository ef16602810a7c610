import { appSettings, type AppSpec } from '#platform';
import { RecorderConsumer } from './recorder.consumer.js';
import { RecorderModule } from './recorder.module.js';
import { loadRecorderConfig, type RecorderConfig } from './recorder.settings.js';
import { RECORDER_CONFIG } from './recorder.tokens.js';

/** Bytes per partition the recorder fetches at once, unless KAFKA_FETCH_MAX_BYTES_PER_PARTITION says otherwise. */
export const RECORDER_FETCH_BYTES = 8 * 1_048_576;

/** The recorder app in service mode: its own process, Kafka and (where it needs one) a ClickHouse server or chDB. */
export const recorderApp: AppSpec = {
  name: 'recorder',
  features: [RecorderModule],
  needs: { bus: true, store: true },
  settings: [appSettings(RECORDER_CONFIG, loadRecorderConfig)],
  // Larger fetches make fewer, larger inserts: ClickHouse's preferred shape (bench:storage).
  defaults: { KAFKA_FETCH_MAX_BYTES_PER_PARTITION: String(RECORDER_FETCH_BYTES) },
  consumers: [
    { groupId: (provided) => provided<RecorderConfig>(RECORDER_CONFIG).groupId, consumer: RecorderConsumer },
  ],
};
