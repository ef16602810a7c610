// A NestJS custom transport strategy over the MessageBus port. Each `@EventPattern('<topic>')`
// handler receives a whole PartitionBatch and returns a BatchResult (rejections as data); a
// handler that throws means "dependency unavailable" and the batch is retried with backoff.
// All topics of one transport instance share one consumer group. The bus does the batching,
// offsets, heartbeats, backpressure and dead letters; this class only routes batches to
// handlers. NestJS's own Kafka transport handles one message at a time without dead letters,
// which is why the hot path does not use it.
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom, type Subscription as RxSubscription } from 'rxjs';
import type { BatchResult, MessageBus, PartitionBatch, SubscribeOptions, Subscription } from '../port.js';
import { BatchContext } from './batch-context.js';

/** Pass as the second argument of `@EventPattern` to bind a handler to this transport only (hybrid apps). */
export const BATCH_TRANSPORT = Symbol.for('aftershock.BatchTransport');

export type BatchTransportStatus = 'connecting' | 'listening' | 'stopping' | 'stopped';

export interface BatchTransportOptions extends Pick<
  SubscribeOptions,
  'fromBeginning' | 'deadLetterTopic' | 'maxBatchSize' | 'maxInFlightBatches' | 'onAssigned' | 'exclusive'
> {
  readonly bus: MessageBus;
  /** The consumer group every topic of this transport is consumed by. */
  readonly groupId: string;
}

type BatchTransportEvents = { status: (status: BatchTransportStatus) => void };

export class BatchTransport
  extends Server<BatchTransportEvents, BatchTransportStatus>
  implements CustomTransportStrategy
{
  // Handler failures must reach the batch runner (to retry), not just Nest's logger.
  override readonly propagatesEventHandlerErrors = true;
  private subscription: Subscription | undefined;
  /** Resolved once at listen: Nest's own lookup JSON-parses the pattern on every call. */
  private readonly handlersByTopic = new Map<string, MessageHandler>();

  constructor(private readonly options: BatchTransportOptions) {
    super();
    this.transportId = BATCH_TRANSPORT;
  }

  listen(callback: (...optionalParams: unknown[]) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  /** Orderly stop: no new batches, in-flight ones finish and commit, the group is left. The bus stays open. */
  async close(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    if (!subscription) return;
    this._status$.next('stopping');
    await subscription.stop();
    this._status$.next('stopped');
  }

  /** Only `status` is emitted; the callback gets each status change. */
  on<K extends keyof BatchTransportEvents>(event: K, callback: BatchTransportEvents[K]): RxSubscription {
    if (event !== 'status') throw new Error(`BatchTransport emits only "status", not "${String(event)}"`);
    return this.status.subscribe(callback);
  }

  /** The MessageBus underneath. */
  unwrap<T>(): T {
    return this.options.bus as T;
  }

  private async start(): Promise<void> {
    this.resolveHandlers();
    const topics = [...this.handlersByTopic.keys()];
    this._status$.next('connecting');
    const { bus, groupId, ...tuning } = this.options;
    await bus.connect();
    if (topics.length === 0) {
      this.logger.warn(`BatchTransport (group ${groupId}) has no @EventPattern handlers; consuming nothing`);
    } else {
      this.subscription = await bus.subscribe({
        ...tuning,
        groupId,
        topics,
        handler: (batch) => this.dispatch(batch),
      });
    }
    this._status$.next('listening');
  }

  /** One handler per topic, refusing what batch consumption cannot honour. */
  private resolveHandlers(): void {
    for (const [pattern, handler] of this.getHandlers()) {
      if (!handler.isEventHandler) {
        throw new Error(
          `BatchTransport consumes events only: @MessagePattern(${pattern}) expects a reply it cannot send`,
        );
      }
      if (handler.next) {
        throw new Error(
          `topic ${pattern} has several @EventPattern handlers; one handler per topic owns its results`,
        );
      }
      this.handlersByTopic.set(pattern, handler);
    }
  }

  private async dispatch(batch: PartitionBatch): Promise<BatchResult> {
    const handler = this.handlersByTopic.get(batch.topic);
    if (!handler) throw new Error(`no @EventPattern handler for topic ${batch.topic}`);
    try {
      const output: unknown = await handler(batch, new BatchContext([batch, this.options.groupId]));
      const value = isObservable(output) ? await lastValueFrom(output, { defaultValue: undefined }) : output;
      return asBatchResult(value);
    } catch (error) {
      // Nest's exception filter turns a thrown error into `{ status, message }` (and logs the original).
      throw error instanceof Error
        ? error
        : new Error(`handler for ${batch.topic} failed: ${JSON.stringify(error)}`);
    }
  }
}

function asBatchResult(value: unknown): BatchResult {
  if (typeof value !== 'object' || value === null) return {};
  const { rejected, pauseMs, handledBefore } = value as BatchResult;
  return {
    rejected: Array.isArray(rejected) ? rejected : undefined,
    pauseMs: typeof pauseMs === 'number' ? pauseMs : undefined,
    handledBefore: typeof handledBefore === 'string' ? handledBefore : undefined,
  };
}
