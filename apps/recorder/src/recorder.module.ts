import { Module } from '@nestjs/common';

/**
 * The recorder app. Writes canonical and output topics into ClickHouse in batches, committing offsets only after the write.
 */
@Module({})
export class RecorderModule {}
