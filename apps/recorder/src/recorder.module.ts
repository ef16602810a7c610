import { Module } from '@nestjs/common';
import { RecorderConsumer } from './recorder.consumer.js';
import { recorderProviders } from './recorder.providers.js';
import { RetentionService } from './retention.service.js';

/**
 * The recorder app. Writes canonical and output topics into ClickHouse in batches, committing
 * offsets only after the write, and keeps the telemetry retention as configured.
 */
@Module({
  providers: [...recorderProviders, RecorderConsumer, RetentionService],
})
export class RecorderModule {}
