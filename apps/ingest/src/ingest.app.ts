import type { AppSpec } from '#platform';
import { IngestModule } from './ingest.module.js';
import { RawTopicsConsumer } from './raw-topics.consumer.js';

export const INGEST_GROUP = 'aftershock-ingest';

/** The ingest app in service mode: its own process, against Kafka. */
export const ingestApp: AppSpec = {
  name: 'ingest',
  features: [IngestModule],
  needs: { bus: true, store: false },
  consumers: [{ groupId: INGEST_GROUP, consumer: RawTopicsConsumer }],
};
