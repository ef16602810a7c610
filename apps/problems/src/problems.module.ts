import { Module } from '@nestjs/common';
import { EventCodec } from '#contracts';
import type { Clock } from '#core';
import { CLOCK } from '#platform';
import { ProblemsConsumer } from './problems.consumer.js';
import { ProblemsEngine } from './problems-engine.js';

/**
 * The problems app: clusters recurring incidents into problem candidates (mined templates of
 * their text, services, alert names, suspect changes), explains what the repeats share, and
 * runs the ITIL lifecycle from problem managers' commands.
 */
@Module({
  providers: [
    ProblemsEngine,
    ProblemsConsumer,
    {
      provide: EventCodec,
      inject: [CLOCK],
      useFactory: (clock: Clock) => new EventCodec({ now: () => clock.now() }),
    },
  ],
  exports: [ProblemsEngine],
})
export class ProblemsModule {}
