// Changes and signals come through two consumers that move at their own pace, so telemetry sent
// after a change may be handled before it: the verifier would then judge a release's minutes
// that belong to the newer release (its observation is cut at the newer one's start only if it
// knows of it in time). Before a signals batch is applied, the changes consumer catches up with
// everything on the changes topic as it stands then — which includes every change sent before
// those signals were. Bounded: a stuck changes consumer delays signals, never stops them.
import { Inject, Injectable } from '@nestjs/common';
import { TOPICS } from '#contracts';
import { MESSAGE_BUS, type MessageBus, type PartitionBatch } from '#messaging';
import type { Logger } from '#observability';
import { LOGGER } from '#platform';

/** How long a signals batch waits for the changes consumer before it goes ahead without it. */
export const CHANGES_WAIT_LIMIT_MS = 10_000;

@Injectable()
export class ChangesCaughtUp {
  /** Changes partition → the offset after the last one applied. */
  private readonly applied = new Map<number, bigint>();
  private waiting: (() => void)[] = [];
  private warned = false;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The changes consumer applied this batch. */
  handled(batch: PartitionBatch): void {
    const last = batch.messages.at(-1);
    if (batch.topic !== TOPICS.changes || !last) return;
    this.applied.set(batch.partition, BigInt(last.offset) + 1n);
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** Resolves once every change on the topic now has been applied, or after `limitMs`. */
  async wait(limitMs = CHANGES_WAIT_LIMIT_MS): Promise<void> {
    const bounds = await this.bus.bounds(TOPICS.changes);
    const behind = () =>
      bounds.filter((b) => (this.applied.get(b.partition) ?? BigInt(b.start)) < BigInt(b.end));
    const deadline = performance.now() + limitMs;
    for (let late = behind(); late.length > 0; late = behind()) {
      const left = deadline - performance.now();
      if (left <= 0) {
        if (!this.warned)
          this.logger.warn('signals applied before the changes consumer caught up', {
            partitions: late.map((b) => b.partition),
            waitedMs: limitMs,
          });
        this.warned = true;
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.warned = false;
  }
}
