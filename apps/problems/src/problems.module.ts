import { Module } from '@nestjs/common';

/**
 * The problems app. Clusters recurring incidents into problem candidates with an ITIL lifecycle.
 */
@Module({})
export class ProblemsModule {}
