// The one place that decides what happens to a batch, shared by the Kafka and in-memory
// adapters: run the handler in a span parented by the producer's trace context; a throw means
// "dependency unavailable", so retry the batch with backoff until it succeeds or a stop is
// requested; then send the rejected messages to the dead-letter topic, and only then report
// the batch done — the adapter commits its offsets after that, never before.
import type { Attributes } from '@opentelemetry/api';
import { extractTraceContext, withSpan, type Logger } from '#observability';
import { DEFAULT_BACKOFF, retryDelay, sleepUnlessAborted, type BackoffPolicy } from './backoff.js';
import { toDeadLetterMessage } from './dead-letter.js';
import { consumerMetrics, countDeadLetters, type BusSystem } from './metrics.js';
import type {
  Assignment,
  BatchHandler,
  BatchResult,
  Membership,
  PartitionBatch,
  Producer,
  Rejection,
} from './port.js';

export interface BatchRunnerOptions {
  readonly system: BusSystem;
  readonly groupId: string;
  readonly handler: BatchHandler;
  /** Where dead letters go; the bus itself, so they are durable (acks=all) before the commit. */
  readonly producer: Producer;
  readonly deadLetterTopic: string;
  readonly logger: Logger;
  readonly backoff?: BackoffPolicy;
  /** Runs on every new assignment; batches wait for it (SubscribeOptions.onAssigned). */
  readonly onAssigned?: (assignment: Assignment, membership: Membership) => Promise<void>;
}

/**
 * `done`: effects and dead letters are durable, commit up to `next` (past the batch unless the
 * handler took only part of it). Otherwise: stopped before that, commit nothing.
 */
export type BatchOutcome =
  { readonly done: true; readonly pauseMs: number; readonly next: string } | { readonly done: false };

const STOPPED: BatchOutcome = { done: false };

export class BatchRunner {
  private readonly backoff: BackoffPolicy;
  private readonly metricAttributes: Attributes;
  /** The latest assignment's hook; every batch waits for it. */
  private assignmentReady: Promise<void> = Promise.resolve();

  constructor(private readonly options: BatchRunnerOptions) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.metricAttributes = {
      'messaging.system': options.system,
      'messaging.operation.name': 'process',
      'messaging.consumer.group.name': options.groupId,
    };
  }

  /**
   * The group handed this member a new assignment: runs the hook (after any earlier one, retried
   * with backoff until it succeeds, `stop` aborts or the assignment no longer holds) and holds
   * every batch until it has. A hook whose assignment has ended is given up, not retried: it
   * could never succeed (a restore that publishes is refused), and the next assignment's hook
   * would wait behind it for ever.
   */
  assigned(assignment: Assignment, membership: Membership, stop: AbortSignal): void {
    const hook = this.options.onAssigned;
    if (!hook) return;
    this.assignmentReady = this.assignmentReady.then(async () => {
      for (let attempt = 1; !stop.aborted; attempt++) {
        if (!membership.current) {
          this.options.logger.info('assignment ended before its hook succeeded; waiting for the next', {
            groupId: this.options.groupId,
          });
          return;
        }
        try {
          return await hook(assignment, membership);
        } catch (error) {
          const delayMs = retryDelay(this.backoff, attempt);
          this.options.logger.warn('assignment hook failed, retrying', {
            groupId: this.options.groupId,
            attempt,
            retryInMs: delayMs,
            error,
          });
          if (!(await sleepUnlessAborted(delayMs, stop))) return;
        }
      }
    });
  }

  async run(batch: PartitionBatch, stop: AbortSignal): Promise<BatchOutcome> {
    if (batch.messages.length === 0) throw new RangeError('BatchRunner.run: an empty batch');
    await this.assignmentReady;
    if (stop.aborted) return STOPPED;
    const started = performance.now();
    // Kept across attempts: a handler that succeeded is not re-run when only the dead-letter send failed.
    const handled: { result?: BatchResult } = {};
    for (let attempt = 1; !stop.aborted; attempt++) {
      try {
        const result = await this.attempt(batch, attempt, handled);
        this.record(batch, started);
        return { done: true, pauseMs: Math.max(0, result.pauseMs ?? 0), next: nextOffset(batch, result) };
      } catch (error) {
        consumerMetrics.failedAttempts.add(1, {
          ...this.metricAttributes,
          'messaging.destination.name': batch.topic,
        });
        const delayMs = retryDelay(this.backoff, attempt);
        this.options.logger.warn('batch failed, retrying (dependency unavailable?)', {
          ...describe(batch),
          groupId: this.options.groupId,
          attempt,
          retryInMs: delayMs,
          error,
        });
        if (!(await sleepUnlessAborted(delayMs, stop))) break;
      }
    }
    return STOPPED;
  }

  private attempt(
    batch: PartitionBatch,
    attempt: number,
    handled: { result?: BatchResult },
  ): Promise<BatchResult> {
    const parent = extractTraceContext(batch.messages[0]!.headers);
    return withSpan(
      `process ${batch.topic}`,
      {
        'messaging.system': this.options.system,
        'messaging.operation.type': 'process',
        'messaging.destination.name': batch.topic,
        'messaging.destination.partition.id': String(batch.partition),
        'messaging.consumer.group.name': this.options.groupId,
        'messaging.batch.message_count': batch.messages.length,
        'aftershock.batch.first_offset': batch.messages[0]!.offset,
        'aftershock.batch.attempt': attempt,
      },
      async (span) => {
        const result = (handled.result ??= (await this.options.handler(batch)) ?? {});
        const rejected = result.rejected ?? [];
        span.setAttribute('aftershock.batch.rejected', rejected.length);
        await this.deadLetter(batch, rejected);
        return result;
      },
      parent,
    );
  }

  private async deadLetter(batch: PartitionBatch, rejected: readonly Rejection[]): Promise<void> {
    if (rejected.length === 0) return;
    const { deadLetterTopic, groupId, logger } = this.options;
    if (batch.topic === deadLetterTopic) {
      // Re-sending would loop forever; say so loudly instead.
      for (const rejection of rejected) {
        logger.error('rejected a message of the dead-letter topic itself; not re-sent', {
          topic: batch.topic,
          partition: batch.partition,
          offset: rejection.message.offset,
          code: rejection.code,
          reason: rejection.reason,
        });
      }
      return;
    }
    await this.options.producer.send(
      deadLetterTopic,
      rejected.map((rejection) => toDeadLetterMessage(rejection, groupId)),
    );
    countDeadLetters(
      rejected.map((r) => r.code),
      { 'messaging.consumer.group.name': groupId, 'messaging.destination.name': batch.topic },
    );
    logger.warn('messages sent to the dead-letter topic', {
      ...describe(batch),
      deadLetterTopic,
      rejected: rejected.map((r) => ({ offset: r.message.offset, code: r.code, reason: r.reason })),
    });
  }

  private record(batch: PartitionBatch, started: number): void {
    const attributes = { ...this.metricAttributes, 'messaging.destination.name': batch.topic };
    consumerMetrics.consumed.add(batch.messages.length, attributes);
    consumerMetrics.batchSize.record(batch.messages.length, attributes);
    consumerMetrics.processDuration.record((performance.now() - started) / 1000, attributes);
  }
}

/** Where the next batch starts: past this one, or where the handler stopped taking messages. */
function nextOffset(batch: PartitionBatch, result: BatchResult): string {
  const past = (BigInt(batch.messages.at(-1)!.offset) + 1n).toString();
  const before = result.handledBefore;
  if (before === undefined) return past;
  if (!batch.messages.some((m) => m.offset === before))
    throw new RangeError(`handledBefore ${before} is not an offset of the batch`);
  return before;
}

function describe(batch: PartitionBatch): Record<string, unknown> {
  return {
    topic: batch.topic,
    partition: batch.partition,
    firstOffset: batch.messages[0]?.offset,
    lastOffset: batch.messages.at(-1)?.offset,
    messages: batch.messages.length,
  };
}
