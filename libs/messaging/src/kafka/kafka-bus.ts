// The message bus on Apache Kafka (kafkajs): a producer that waits for all in-sync replicas
// (acks=-1) and carries the W3C trace context in headers, topic creation, and consumer-group
// subscriptions that consume in batches (see kafka-subscription.ts for their guarantees).
import kafkajs, { type Admin, type Kafka, type Producer as KafkaProducer } from 'kafkajs';
import type { BusConfig } from '#config';
import type { Logger } from '#observability';
import type { BackoffPolicy } from '../backoff.js';
import { BatchRunner } from '../batch-runner.js';
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
import { kafkaClientConfig } from './kafka-client-config.js';
import { toKafkaMessage } from './kafka-messages.js';
import { readBackFromKafka } from './read-back.js';
import { KafkaSubscription, type KafkaBatchStats } from './kafka-subscription.js';
import { silenceKafkajsTimeoutWarning } from './known-warnings.js';
import { copartitionedAssigner } from './copartitioned-assigner.js';
import { singleOwnerAssigner } from './single-owner-assigner.js';
import { ensureKafkaTopics } from './topics.js';

const { Kafka: KafkaClient, Partitioners, PartitionAssigners } = kafkajs;

export interface KafkaConsumerTuning {
  /** The group drops a member it has not heard from for this long (default 30 s). */
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** How long a fetch waits for data; also bounds how long `stop()` waits for an idle fetch (default 500 ms). */
  readonly maxWaitTimeMs: number;
  readonly maxBytesPerPartition: number;
}

/** Fetch size comes from the bus settings (KAFKA_FETCH_MAX_BYTES_PER_PARTITION). */
export const DEFAULT_CONSUMER_TUNING: Omit<KafkaConsumerTuning, 'maxBytesPerPartition'> = {
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  maxWaitTimeMs: 500,
};

export interface KafkaBusOptions {
  readonly consumer?: Partial<KafkaConsumerTuning>;
  /** Retry backoff for failing batches (default 100 ms doubling to 30 s). */
  readonly backoff?: BackoffPolicy;
  /** Called after each fetched batch is handled and committed (instrumentation, benchmarks). */
  readonly onBatchDone?: (stats: KafkaBatchStats) => void;
}

export class KafkaBus implements MessageBus {
  readonly kind = 'kafka';
  private readonly kafka: Kafka;
  private readonly producer: KafkaProducer;
  private readonly admin: Admin;
  private readonly tuning: KafkaConsumerTuning;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private connecting: Promise<void> | undefined;
  private connected = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly config: BusConfig,
    private readonly logger: Logger,
    private readonly options: KafkaBusOptions = {},
  ) {
    silenceKafkajsTimeoutWarning();
    this.kafka = new KafkaClient(kafkaClientConfig(config, logger));
    // Kafka's default partitioner (murmur2), the same one the in-memory bus uses.
    // Idempotent: a send retried after a lost answer (a broker failing over) is written once.
    this.producer = this.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: config.kafkaIdempotent,
    });
    this.admin = this.kafka.admin();
    this.tuning = {
      ...DEFAULT_CONSUMER_TUNING,
      maxBytesPerPartition: config.kafkaFetchMaxBytesPerPartition,
      ...options.consumer,
    };
  }

  connect(): Promise<void> {
    this.assertOpen();
    this.connecting ??= Promise.all([this.producer.connect(), this.admin.connect()]).then(
      () => {
        this.connected = true;
      },
      (error: unknown) => {
        this.connecting = undefined; // let a later call try again
        throw error;
      },
    );
    return this.connecting;
  }

  isReady(): boolean {
    return this.connected && !this.closing && [...this.subscriptions].every((s) => s.healthy);
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    await this.connect();
    await ensureKafkaTopics(this.admin, specs, {
      replicationFactor: this.config.topicReplication,
      minInsyncReplicas: this.config.topicMinInsyncReplicas,
      retentionMs: this.config.topicRetentionMs,
    });
  }

  async send(topic: string, messages: readonly OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    // Not connect(): it refuses once closing, and batches draining during close still send dead letters.
    if (!this.connected) await this.connect();
    await this.producer.send({ topic, acks: -1, messages: messages.map(toKafkaMessage) });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    await this.connect();
    const resolved = resolveSubscribeOptions(options, this.config.deadLetterTopic);
    const logger = this.logger.child({ groupId: resolved.groupId });
    let owning = false;
    const consumer = this.kafka.consumer({
      groupId: resolved.groupId,
      sessionTimeout: this.tuning.sessionTimeoutMs,
      heartbeatInterval: this.tuning.heartbeatIntervalMs,
      maxWaitTimeInMs: this.tuning.maxWaitTimeMs,
      maxBytesPerPartition: this.tuning.maxBytesPerPartition,
      // Co-partitioned unless exclusive; round robin stays listed so members of an older release
      // still agree on a protocol during a rolling upgrade.
      partitionAssigners: resolved.exclusive
        ? [singleOwnerAssigner(() => owning)]
        : [copartitionedAssigner, PartitionAssigners.roundRobin],
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      owning = Object.values(payload.memberAssignment).some((partitions) => partitions.length > 0);
    });
    const subscription = new KafkaSubscription(
      {
        consumer,
        options: resolved,
        runner: new BatchRunner({
          system: 'kafka',
          groupId: resolved.groupId,
          handler: resolved.handler,
          producer: this,
          deadLetterTopic: resolved.deadLetterTopic,
          logger,
          backoff: this.options.backoff,
          onAssigned: resolved.onAssigned,
        }),
        heartbeatIntervalMs: this.tuning.heartbeatIntervalMs,
        sessionTimeoutMs: this.tuning.sessionTimeoutMs,
        logger,
        onBatchDone: this.options.onBatchDone,
      },
      (s) => this.subscriptions.delete(s),
    );
    this.subscriptions.add(subscription);
    try {
      await subscription.start();
    } catch (error) {
      await subscription.stop().catch(() => undefined);
      throw error;
    }
    return subscription;
  }

  async readBack(
    request: ReadBackRequest,
    onBatch: (batch: PartitionBatch) => Promise<void> | void,
  ): Promise<void> {
    await this.connect();
    await readBackFromKafka(this.kafka, this.admin, request, onBatch, this.tuning);
  }

  async partitionCount(topic: string): Promise<number> {
    return (await this.bounds(topic)).length;
  }

  async bounds(topic: string): Promise<PartitionBounds[]> {
    await this.connect();
    return (await this.admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({
      partition,
      start: low,
      end: high,
    }));
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // Consumers first: their in-flight batches may still send dead letters through the producer.
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
    this.connected = false;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('the Kafka bus is closed');
  }
}
