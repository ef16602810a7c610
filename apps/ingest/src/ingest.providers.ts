// Wiring of the ingest pipeline from configuration.
import type { Provider } from '@nestjs/common';
import { EventCodec, SchemaRegistryClient } from '#contracts';
import type { Clock } from '#core';
import { createNormalisers, IngestPipeline, ServiceIdentity } from '#ingestion';
import { CLOCK } from '#platform';
import { loadIngestConfig, type IngestConfig } from './ingest.settings.js';

export const INGEST_CONFIG = Symbol.for('aftershock.IngestConfig');

export const ingestProviders: Provider[] = [
  { provide: INGEST_CONFIG, useFactory: () => loadIngestConfig() },
  {
    provide: EventCodec,
    inject: [INGEST_CONFIG, CLOCK],
    useFactory: (config: IngestConfig, clock: Clock) =>
      new EventCodec({
        format: config.wireFormat,
        registry: config.schemaRegistry ? new SchemaRegistryClient(config.schemaRegistry) : undefined,
        now: () => clock.now(),
      }),
  },
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
