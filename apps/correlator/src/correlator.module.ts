import { Inject, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ChangesCaughtUp } from './consumers/changes-caught-up.js';
import { ChangesConsumer } from './consumers/changes.consumer.js';
import { ProblemsConsumer } from './consumers/problems.consumer.js';
import { SignalsConsumer } from './consumers/signals.consumer.js';
import { CorrelatorEngine } from './correlator-engine.js';

/** How often event time is nudged forward while partitions are idle. */
const TICK_MS = 5_000;

/**
 * The correlator app: post-deployment verification, anomaly detection, change attribution and
 * the incident lifecycle. Emits verdicts and incident events; notifies the incident webhook.
 */
@Module({
  providers: [CorrelatorEngine, ChangesCaughtUp, ChangesConsumer, SignalsConsumer, ProblemsConsumer],
  exports: [CorrelatorEngine],
})
export class CorrelatorModule implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(@Inject(CorrelatorEngine) private readonly engine: CorrelatorEngine) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.engine.tick(), TICK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
