import { Module } from '@nestjs/common';
import { ProblemsConsumer } from './problems.consumer.js';
import { ProblemsEngine } from './problems-engine.js';
import { ProblemSyncConsumer } from './sync/problem-sync.consumer.js';

/**
 * The problems app: clusters recurring incidents into problem candidates (mined templates of
 * their text, services, alert names, suspect changes), explains what the repeats share, and
 * runs the ITIL lifecycle from problem managers' commands.
 */
@Module({
  providers: [ProblemsEngine, ProblemsConsumer, ProblemSyncConsumer],
  exports: [ProblemsEngine],
})
export class ProblemsModule {}
