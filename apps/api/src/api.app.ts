import type { AppSpec } from '#platform';
import { ApiModule } from './api.module.js';

/** The api app in service mode: its own process, Kafka and (where it needs one) a ClickHouse server or chDB. */
export const apiApp: AppSpec = { name: 'api', features: [ApiModule], needs: { bus: true, store: true } };
