import { appSettings, type AppSpec } from '#platform';
import { IngestModule } from './ingest.module.js';
import { INGEST_CONFIG } from './ingest.providers.js';
import { loadIngestConfig } from './ingest.settings.js';
import { RawTopicsConsumer } from './raw-topics.consumer.js';

export const INGEST_GROUP = 'aftershock-ingest';

/** The ingest app in service mode: its own process, against Kafka. */
export const ingestApp: AppSpec = {
  name: 'ingest',
  features: [IngestModule],
  needs: { bus: true, store: false },
  settings: [appSettings(INGEST_CONFIG, loadIngestConfig)],
  consumers: [{ groupId: INGEST_GROUP, consumer: RawTopicsConsumer }],
};
