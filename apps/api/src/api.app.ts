import { appSettings, type AppSpec } from '#platform';
import { ApiModule } from './api.module.js';
import { API_CONFIG, loadApiConfig, type ApiConfig } from './api.settings.js';
import { AssessmentsConsumer } from './gate/assessments.consumer.js';
import { HistoryConsumer } from './gate/history.consumer.js';
import { StreamConsumer } from './stream/stream.consumer.js';

export const API_HISTORY_GROUP = 'aftershock-api-history';
export const API_STREAM_GROUP = 'aftershock-api-stream';

/** The api app's consumers; all-in-one runs them too. */
export const API_CONSUMERS: NonNullable<AppSpec['consumers']> = [
  // The risk history and the live stream need every partition: a group per instance.
  {
    groupId: (provided) => `${API_HISTORY_GROUP}-${provided<ApiConfig>(API_CONFIG).instanceId}`,
    consumer: HistoryConsumer,
  },
  // The live stream shows what happens from now on.
  {
    groupId: (provided) => `${API_STREAM_GROUP}-${provided<ApiConfig>(API_CONFIG).instanceId}`,
    consumer: StreamConsumer,
    fromBeginning: false,
  },
  // Each arriving change is assessed once across the instances: one shared group.
  { groupId: (provided) => provided<ApiConfig>(API_CONFIG).assessorGroup, consumer: AssessmentsConsumer },
];

/** The api app in service mode: its own process against Kafka and ClickHouse (or chDB). */
export const apiApp: AppSpec = {
  name: 'api',
  features: [ApiModule],
  needs: { bus: true, store: true },
  settings: [appSettings(API_CONFIG, loadApiConfig)],
  consumers: API_CONSUMERS,
};
