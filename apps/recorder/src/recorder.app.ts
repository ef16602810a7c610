import type { AppSpec } from '#platform';
import { RecorderModule } from './recorder.module.js';

/** The recorder app in service mode: its own process, Kafka and (where it needs one) a ClickHouse server or chDB. */
export const recorderApp: AppSpec = { name: 'recorder', features: [RecorderModule], needs: { bus: true, store: true } };
