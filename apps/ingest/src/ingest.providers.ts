// Wiring of the ingest pipeline from configuration (the EventCodec is the one every app shares, from #platform).
import type { Provider } from '@nestjs/common';
import { EventCodec } from '#contracts';
import { createNormalisers, IngestPipeline, ServiceIdentity } from '#ingestion';
import type { IngestConfig } from './ingest.settings.js';

/** The ingest settings, loaded and checked at start (see ingest.app.ts). */
export const INGEST_CONFIG = Symbol.for('aftershock.IngestConfig');

export const ingestProviders: Provider[] = [
  {
    provide: IngestPipeline,
    inject: [INGEST_CONFIG, EventCodec],
    useFactory: (config: IngestConfig, codec: EventCodec) =>
      new IngestPipeline(
        createNormalisers({
          codec,
          githubSecret: config.githubSecret,
          pagerDutyRoutingKeys: config.pagerDutyRoutingKeys,
        }),
        codec,
        {
          identity: new ServiceIdentity(config.identity),
        },
      ),
  },
];
