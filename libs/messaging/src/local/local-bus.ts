// A message bus inside one process with Kafka's semantics: keyed partitions (Kafka's own
// partitioner), per-partition offsets, consumer groups with committed offsets, per-partition
// sequential batches, and the same batch runner (retry, dead letters) as the Kafka adapter.
// Messages are kept as bytes, as Kafka would return them. Where they are kept is the store's
// business: the heap (InMemoryBus, unit tests) or SQLite on disk (EmbeddedLogBus, all-in-one).
import { silentLogger, type Logger } from '#observability';
import type { BackoffPolicy } from '../backoff.js';
import { BatchRunner } from '../batch-runner.js';
import { DEFAULT_DEAD_LETTER_TOPIC } from '../dead-letter.js';
import { partitionForKey } from '../murmur2.js';
import type {
  MessageBus,
  OutboundMessage,
  PartitionBatch,
  PartitionBounds,
  ReadBackRequest,
  Subscription,
  SubscribeOptions,
  TopicSpec,
} from '../port.js';
import { resolveSubscribeOptions } from '../subscribe-options.js';
import { outgoingHeaders } from '../trace-headers.js';
import { ConsumerGroup } from './consumer-group.js';
import { KEPT_WHOLE, type Appended, type LogStore, type StoredPartition } from './log-store.js';
import { LocalSubscription } from './local-subscription.js';

/** Messages per batch of a read-back. */
const READ_BACK_BATCH = 1000;
/** Bytes a consumer reads from one partition at once unless told otherwise (as Kafka's default). */
const DEFAULT_FETCH_BYTES = 1_048_576;

export interface LocalBusOptions {
  /** Partitions of topics created implicitly by a send or subscribe (default 6). */
  readonly defaultPartitions?: number;
  /** Retention of topics without their own (default 7 days). */
  readonly retentionMs?: number;
  readonly deadLetterTopic?: string;
  readonly logger?: Logger;
  /** Retry backoff for failing batches (default 100 ms doubling to 30 s). */
  readonly backoff?: BackoffPolicy;
  /** Bytes a consumer batch holds at most (at least one message); default 1 MiB. */
  readonly fetchMaxBytes?: number;
}

export abstract class LocalBus implements MessageBus {
  abstract readonly kind: 'memory' | 'embedded';
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly subscriptions = new Set<LocalSubscription>();
  private readonly roundRobin = new Map<string, number>();
  protected readonly logger: Logger;
  private closed = false;

  protected constructor(
    private readonly store: LogStore,
    private readonly options: LocalBusOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  async connect(): Promise<void> {
    this.assertOpen();
  }

  isReady(): boolean {
    return !this.closed && this.store.isHealthy();
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    this.assertOpen();
    for (const spec of specs) this.logsOf(spec.topic, spec);
  }

  /** Resolves once the store holds every message durably; messages of one call land in call order. */
  async send(topic: string, messages: readonly OutboundMessage[]): Promise<void> {
    this.assertOpen();
    if (messages.length === 0) return;
    const logs = this.logsOf(topic);
    const timestamp = Date.now();
    const appended: Appended[] = messages.map((message) => {
      const partition = this.partitionFor(topic, logs.length, message);
      if (!logs[partition])
        throw new Error(`topic ${topic} has no partition ${message.partition} (it has ${logs.length})`);
      return {
        partition,
        message: {
          key: toBytes(message.key),
          value: toBytes(message.value),
          headers: Object.fromEntries(
            Object.entries(outgoingHeaders(message)).map(([k, v]) => [k, Buffer.from(v)]),
          ),
          timestamp,
        },
      };
    });
    await this.store.append(topic, appended);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    const resolved = resolveSubscribeOptions(
      options,
      this.options.deadLetterTopic ?? DEFAULT_DEAD_LETTER_TOPIC,
    );
    const runner = new BatchRunner({
      system: this.kind,
      groupId: resolved.groupId,
      handler: resolved.handler,
      producer: this,
      deadLetterTopic: resolved.deadLetterTopic,
      logger: this.logger.child({ groupId: resolved.groupId }),
      backoff: this.options.backoff,
      onAssigned: resolved.onAssigned,
    });
    const group = this.groupOf(resolved.groupId);
    const subscription = new LocalSubscription(
      group,
      { ...resolved, maxBytes: this.options.fetchMaxBytes ?? DEFAULT_FETCH_BYTES, runner },
      (s) => this.subscriptions.delete(s),
    );
    this.subscriptions.add(subscription);
    group.join(subscription);
    return subscription;
  }

  async readBack(
    request: ReadBackRequest,
    onBatch: (batch: PartitionBatch) => Promise<void> | void,
  ): Promise<void> {
    this.assertOpen();
    const { topic, since, until } = request;
    const wanted = request.partitions ? new Set(request.partitions) : undefined;
    // Bounds fixed as the read starts, as on Kafka: messages sent meanwhile are not part of it.
    const ranges = this.logsOf(topic)
      .filter((log) => !wanted || wanted.has(log.partition))
      .map((log) => ({
        log,
        from: since > 0 ? log.offsetAt(since) : log.startOffset,
        end:
          until === 'end'
            ? log.endOffset
            : (this.committedOffset(until.committedBy, topic, log.partition) ?? -1),
      }));
    const maxBytes = this.options.fetchMaxBytes ?? DEFAULT_FETCH_BYTES;
    for (const { log, from, end } of ranges) {
      for (let next = from; next < end;) {
        const messages = log.read(next, Math.min(READ_BACK_BATCH, end - next), maxBytes);
        if (messages.length === 0) break;
        await onBatch({ topic, partition: log.partition, messages });
        next = Number(messages.at(-1)!.offset) + 1;
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.closed = true;
    await this.store.close();
  }

  /** The offset a group will consume next on a partition, once it committed one. */
  committedOffset(groupId: string, topic: string, partition: number): number | undefined {
    return this.store.committedOffset(groupId, topic, partition);
  }

  /**
   * Messages not yet committed by the groups that currently have members, over all their
   * topics: 0 means every consumer has caught up (a demo paces itself on this).
   */
  lag(exceptGroups: readonly string[] = []): number {
    let lag = 0;
    for (const [groupId, group] of this.groups) {
      if (exceptGroups.includes(groupId)) continue;
      for (const topic of group.subscribedTopics()) {
        for (const log of this.logsOf(topic)) {
          const committed = this.committedOffset(groupId, topic, log.partition) ?? log.startOffset;
          lag += log.endOffset - Math.max(committed, log.startOffset);
        }
      }
    }
    return lag;
  }

  /** The offset the next message on a partition will get. */
  endOffset(topic: string, partition: number): number {
    return this.logsOf(topic)[partition]?.endOffset ?? 0;
  }

  async partitionCount(topic: string): Promise<number> {
    return this.logsOf(topic).length;
  }

  async bounds(topic: string): Promise<PartitionBounds[]> {
    return this.logsOf(topic).map((log) => ({
      partition: log.partition,
      start: String(log.startOffset),
      end: String(log.endOffset),
    }));
  }

  private logsOf(topic: string, spec?: TopicSpec): readonly StoredPartition[] {
    return this.store.partitions(topic, {
      partitions: spec?.partitions ?? this.options.defaultPartitions ?? 6,
      retentionMs: spec?.compacted
        ? KEPT_WHOLE
        : (spec?.retentionMs ?? this.options.retentionMs ?? 7 * 86_400_000),
    });
  }

  private groupOf(groupId: string): ConsumerGroup {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new ConsumerGroup(groupId, (topic) => this.logsOf(topic), this.store, this.kind);
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** Kafka's default partitioner: explicit partition, else murmur2 of the key, else round-robin. */
  private partitionFor(topic: string, partitions: number, message: OutboundMessage): number {
    if (message.partition !== undefined) return message.partition;
    if (message.key !== undefined && message.key !== null) return partitionForKey(message.key, partitions);
    const next = (this.roundRobin.get(topic) ?? 0) + 1;
    this.roundRobin.set(topic, next);
    return next % partitions;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the ${this.kind} bus is closed`);
  }
}

function toBytes(value: string | Buffer | null | undefined): Buffer | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
}
