// One kafkajs consumer in a group, consuming with `eachBatch`. What it guarantees:
// - At-least-once: a kafkajs batch is cut into handler batches of at most `maxBatchSize`; an
//   offset is resolved only for the handled prefix, and committed explicitly (autoCommit off)
//   once that prefix's effects and dead letters are durable — once per kafkajs batch, so a
//   large batch costs one commit, not one per handler call.
// - Liveness: heartbeats run on a timer while a handler works or retries; when the group starts
//   rebalancing the batch stops after the current handler call, commits, and hands the group
//   error back to kafkajs so it rejoins promptly.
// - Backpressure: a partition's next batch is not fetched until its current one is committed;
//   at most `maxInFlightBatches` partitions are handled at once; a handler that returns
//   `pauseMs` gets its partition paused (kafkajs pause/resume) for that long.
// - Orderly stop: no new handler batches, backoff waits cut short, in-flight handler calls
//   finish and commit, then the consumer leaves the group and disconnects.
// - Tenure (port.ts Membership): an assignment holds from its join until a rebalance begins, the
//   consumer crashes, the subscription has stopped, or no heartbeat has been answered for two
//   thirds of the session timeout — past that the group may have dropped this member (a process
//   paused by SIGSTOP, a long GC, a lost network) and given its partitions to another. A lost
//   tenure is not taken back: in-flight batches stop, and the member rejoins for a new one.
import kafkajs, { type Consumer, type EachBatchPayload } from 'kafkajs';
import type { Logger } from '#observability';
import type { BatchRunner } from '../batch-runner.js';
import type { InboundMessage, Subscription } from '../port.js';
import type { ResolvedSubscribeOptions } from '../subscribe-options.js';
import { Tenures } from '../tenures.js';
import { HeartbeatWhileBusy } from './heartbeat.js';
import { toInbound } from './kafka-messages.js';
import { recordConsumerLag } from '../metrics.js';

export interface KafkaSubscriptionDeps {
  readonly consumer: Consumer;
  readonly options: ResolvedSubscribeOptions;
  readonly runner: BatchRunner;
  readonly heartbeatIntervalMs: number;
  /** The group drops a member it has not heard from for this long. */
  readonly sessionTimeoutMs: number;
  readonly logger: Logger;
  /** Called after each kafkajs batch is handled and committed (instrumentation, benchmarks). */
  readonly onBatchDone?: (stats: KafkaBatchStats) => void;
}

export interface KafkaBatchStats {
  readonly topic: string;
  readonly partition: number;
  readonly messages: number;
  /** From the batch reaching the consumer to its offsets being committed. */
  readonly durationMs: number;
}

export class KafkaSubscription implements Subscription {
  private readonly stopping = new AbortController();
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private crashed = false;
  private stopped: Promise<void> | undefined;
  /** Monotonic time of the last join or answered heartbeat (performance.now() counts a pause). */
  private lastHeard = Number.NEGATIVE_INFINITY;
  /** Aborted when the current tenure is lost; a new one begins at the next join. */
  private tenure = new AbortController();
  private readonly tenures = new Tenures(() => this.holds());
  private readonly leaseTimer: NodeJS.Timeout;

  constructor(
    private readonly deps: KafkaSubscriptionDeps,
    private readonly onStopped: (subscription: KafkaSubscription) => void,
  ) {
    this.tenure.abort(); // none before the first join
    // Notices a lapsed lease while nothing asks (a batch in flight stops at once).
    this.leaseTimer = setInterval(() => this.holds(), deps.heartbeatIntervalMs);
    this.leaseTimer.unref();
  }

  /** Resolves once the consumer has joined its group and started fetching. */
  async start(): Promise<void> {
    const { consumer, options, logger } = this.deps;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      logger.error('kafka consumer crashed', { error: payload.error, restarting: payload.restart });
      this.loseTenure('the consumer crashed');
      if (!payload.restart) this.crashed = true;
    });
    // Emitted after each join and before that generation's first fetch: batches wait for the hook.
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.lastHeard = performance.now();
      this.tenure = new AbortController();
      const assignment = new Map(Object.entries(payload.memberAssignment));
      this.deps.runner.assigned(assignment, this.tenures.next(), this.stopping.signal);
    });
    consumer.on(consumer.events.HEARTBEAT, () => {
      if (this.holds()) this.lastHeard = performance.now();
    });
    consumer.on(consumer.events.REBALANCING, () => this.loseTenure('the group is rebalancing'));
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.maxInFlightBatches,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /** False once the consumer crashed for good (kafkajs will not restart it). */
  get healthy(): boolean {
    return !this.crashed;
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping.abort();
    for (const timer of this.resumeTimers) clearTimeout(timer);
    try {
      // kafkajs stops fetching, waits for the in-flight eachBatch calls (which commit), then leaves the group.
      await this.deps.consumer.stop();
    } finally {
      // In-flight batches were members' work until the group let go of the member.
      this.tenures.end();
      clearInterval(this.leaseTimer);
    }
    try {
      await this.deps.consumer.disconnect();
    } finally {
      this.onStopped(this);
    }
  }

  /** Whether this member still holds its assignment (see the tenure note at the top). */
  private holds(): boolean {
    if (this.tenure.signal.aborted) return false;
    const silentMs = performance.now() - this.lastHeard;
    if (silentMs < (this.deps.sessionTimeoutMs * 2) / 3) return true;
    this.loseTenure(`no heartbeat answered for ${Math.round(silentMs)} ms`);
    return false;
  }

  private loseTenure(reason: string): void {
    if (this.tenure.signal.aborted) return;
    this.deps.logger.warn(
      'this member may no longer hold its partitions; stops publishing until it rejoins',
      {
        reason,
      },
    );
    this.tenure.abort();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const started = performance.now();
    const { topic, partition } = payload.batch;
    const messages = payload.batch.messages.map((m) => toInbound(topic, partition, m));
    // Stop taking handler batches when the subscription stops or the group takes the partitions
    // away. (A plain listener, not AbortSignal.any: that has leaked with long-lived signals.)
    // A batch fetched after the tenure lapsed (heartbeats answered again, no rebalance): rejoin first.
    if (!this.holds() && !this.stopping.signal.aborted) throw rejoinError();
    const tenure = this.tenure.signal;
    const cancel = new AbortController();
    const onStop = () => cancel.abort();
    if (this.stopping.signal.aborted) cancel.abort();
    else this.stopping.signal.addEventListener('abort', onStop, { once: true });
    tenure.addEventListener('abort', onStop, { once: true });
    const heartbeat = new HeartbeatWhileBusy(payload.heartbeat, this.deps.heartbeatIntervalMs, () => {
      this.loseTenure('the group is rebalancing');
      onStop();
    });
    let handled: Handled | undefined;
    try {
      handled = await this.handlePrefix(payload, messages, cancel.signal);
    } finally {
      heartbeat.stop();
      this.stopping.signal.removeEventListener('abort', onStop);
      tenure.removeEventListener('abort', onStop);
    }
    if (handled?.next !== undefined) {
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic, partitions: [{ partition, offset: handled.next }] }],
      });
      const lag = Number(BigInt(payload.batch.highWatermark) - BigInt(handled.next));
      recordConsumerLag('kafka', this.deps.options.groupId, topic, partition, lag);
      this.deps.onBatchDone?.({
        topic,
        partition,
        messages: messages.length,
        durationMs: performance.now() - started,
      });
    }
    const lost = heartbeat.lostAssignmentError;
    if (lost) throw lost; // kafkajs rejoins the group on this error
    if (tenure.aborted && !this.stopping.signal.aborted) throw rejoinError();
    if (handled && handled.pauseMs > 0) this.pauseFor(payload, handled.pauseMs);
  }

  /**
   * Handles the batch in chunks; returns the offset after the last handled message (undefined:
   * none) and the pause asked for. Messages left unresolved are fetched again by kafkajs.
   */
  private async handlePrefix(
    payload: EachBatchPayload,
    messages: readonly InboundMessage[],
    cancel: AbortSignal,
  ): Promise<Handled | undefined> {
    const { topic, partition } = payload.batch;
    const size = this.deps.options.maxBatchSize;
    let handled: Handled | undefined;
    for (let start = 0; start < messages.length; start += size) {
      if (cancel.aborted || !payload.isRunning() || payload.isStale()) break;
      const chunk = messages.slice(start, start + size);
      const outcome = await this.deps.runner.run({ topic, partition, messages: chunk }, cancel);
      if (!outcome.done) break;
      const partial = outcome.next !== (BigInt(chunk.at(-1)!.offset) + 1n).toString();
      if (outcome.next !== chunk[0]!.offset) {
        payload.resolveOffset((BigInt(outcome.next) - 1n).toString());
        handled = { next: outcome.next, pauseMs: outcome.pauseMs };
      } else {
        handled = { next: handled?.next, pauseMs: outcome.pauseMs };
      }
      // Backpressure, or a handler that took only part: the rest is fetched again (after the pause).
      if (outcome.pauseMs > 0 || partial) break;
    }
    return handled;
  }

  private pauseFor(payload: EachBatchPayload, ms: number): void {
    if (this.stopping.signal.aborted) return;
    const resume = payload.pause();
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      resume();
    }, ms);
    this.resumeTimers.add(timer);
  }
}

interface Handled {
  /** Offset to commit (after the last handled message); undefined when none was handled. */
  readonly next: string | undefined;
  readonly pauseMs: number;
}

/** An error kafkajs answers by rejoining the group (as it does a coordinator's REBALANCE_IN_PROGRESS). */
function rejoinError(): Error {
  return Object.assign(new kafkajs.KafkaJSError('this member lost its tenure; rejoining the group'), {
    type: 'REBALANCE_IN_PROGRESS',
  });
}
