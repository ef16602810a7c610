import { Module } from '@nestjs/common';
import { DeadLetterPublisher } from './dead-letter.publisher.js';
import { IngestController } from './ingest.controller.js';
import { ingestProviders } from './ingest.providers.js';
import { RawTopicsConsumer } from './raw-topics.consumer.js';

/**
 * The ingest app: decodes, validates and normalises producer input (CDEvents, CloudEvents,
 * Alertmanager, PagerDuty, GitHub, Argo CD, OTLP metrics) from raw topics and HTTP webhooks into
 * canonical events keyed by service; refused input goes to the dead-letter topic with the reason.
 */
@Module({
  controllers: [IngestController],
  providers: [...ingestProviders, RawTopicsConsumer, DeadLetterPublisher],
})
export class IngestModule {}
