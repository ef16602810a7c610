// One subscriber of a one-process consumer group: runs the batches its group hands it through
// the shared batch runner, at most `maxInFlightBatches` partitions at a time.
import type { BatchOutcome, BatchRunner } from '../batch-runner.js';
import { sleepUnlessAborted } from '../backoff.js';
import type { Assignment, PartitionBatch, Subscription } from '../port.js';
import type { ConsumerGroup, GroupMember } from './consumer-group.js';
import { Semaphore } from './semaphore.js';

export interface LocalSubscriptionOptions {
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  readonly maxBatchSize: number;
  readonly maxBytes: number;
  readonly maxInFlightBatches: number;
  readonly exclusive: boolean;
  readonly runner: BatchRunner;
}

export class LocalSubscription implements GroupMember, Subscription {
  readonly topics: ReadonlySet<string>;
  readonly fromBeginning: boolean;
  readonly maxBatchSize: number;
  readonly maxBytes: number;
  readonly exclusive: boolean;
  private readonly runner: BatchRunner;
  private readonly slots: Semaphore;
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<BatchOutcome>>();

  constructor(
    private readonly group: ConsumerGroup,
    options: LocalSubscriptionOptions,
    private readonly onStopped: (subscription: LocalSubscription) => void,
  ) {
    this.topics = new Set(options.topics);
    this.fromBeginning = options.fromBeginning;
    this.maxBatchSize = options.maxBatchSize;
    this.maxBytes = options.maxBytes;
    this.exclusive = options.exclusive;
    this.runner = options.runner;
    this.slots = new Semaphore(options.maxInFlightBatches);
  }

  acquireSlot(): Promise<(() => void) | undefined> {
    return this.slots.acquire(this.stopping.signal);
  }

  deliver(batch: PartitionBatch, release: () => void, commit: (next: string) => void): Promise<BatchOutcome> {
    const task = this.handle(batch, commit).finally(release);
    this.inFlight.add(task);
    const forget = () => this.inFlight.delete(task);
    task.then(forget, forget);
    return task;
  }

  assigned(assignment: Assignment): void {
    this.runner.assigned(assignment, this.stopping.signal);
  }

  async pause(ms: number): Promise<void> {
    await sleepUnlessAborted(ms, this.stopping.signal);
  }

  /** Stop taking batches, let the in-flight ones finish and commit, then leave the group. */
  async stop(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    this.group.leave(this);
    await Promise.allSettled([...this.inFlight]);
    this.onStopped(this);
  }

  private async handle(batch: PartitionBatch, commit: (next: string) => void): Promise<BatchOutcome> {
    if (this.stopping.signal.aborted) return { done: false };
    const outcome = await this.runner.run(batch, this.stopping.signal);
    if (outcome.done) commit(outcome.next);
    return outcome;
  }
}
