// The messaging port: what the apps see of a message bus. Three adapters implement it with the
// same semantics — Kafka (kafkajs) for service mode, the embedded durable log for all-in-one
// mode, and an in-memory bus for unit tests: keyed partitions, per-key order, consumer groups,
// committed offsets.

/** Header values as they travel: strings are UTF-8 encoded by the adapters. */
export type Headers = Record<string, Buffer | string | undefined>;

/** A message handed to a consumer. `offset` is a decimal string, as in Kafka. */
export interface InboundMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Headers;
  /** Producer or broker timestamp, epoch milliseconds. */
  readonly timestamp: number;
}

export interface OutboundMessage {
  /** Messages with the same key land on the same partition, in order. */
  readonly key?: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: Record<string, string | Buffer>;
  /** Explicit partition; otherwise chosen from the key. */
  readonly partition?: number;
}

/** All messages fetched from one partition in one go, in offset order. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly InboundMessage[];
}

/**
 * What happened to one message, as data rather than exceptions (PostHog/Arroyo style):
 * `ok` — its effects are durable; `dlq` — it can never be handled, send it to the dead-letter
 * topic with the reason and move on. Anything not listed in `BatchResult.rejected` is `ok`.
 * A handler that throws means "dependency unavailable": the batch is retried with backoff and
 * its offsets are not committed.
 */
export interface Rejection {
  readonly message: InboundMessage;
  /** Stable machine-readable code, e.g. `decode.avro`, `validate.missing-field`. */
  readonly code: string;
  /** Human-readable reason naming the field or rule at fault. */
  readonly reason: string;
}

export interface BatchResult {
  readonly rejected?: readonly Rejection[];
  /**
   * Backpressure from the handler: this batch's effects are durable, but a downstream is
   * saturated, so pause this partition for that long before delivering its next batch. Other
   * partitions keep flowing.
   */
  readonly pauseMs?: number;
  /**
   * The handler took only the messages before this offset (one of the batch's offsets): commit up
   * to it and deliver the rest again, fetched anew, in a later batch (after `pauseMs`, if given).
   * For a handler that must see some messages together and got only part of them.
   */
  readonly handledBefore?: string;
}

export type BatchHandler = (batch: PartitionBatch) => Promise<BatchResult | void>;

/**
 * The partitions of each topic the group gave one member. Topics are co-partitioned: a member
 * gets the same partition numbers of every topic it subscribes to (a key lands on the same
 * partition number of each topic, so one member sees all of a key's messages).
 */
export type Assignment = ReadonlyMap<string, readonly number[]>;

/**
 * One assignment's tenure. `current` is true from the assignment until the member may have lost
 * it: a newer assignment, a rebalance begun, the subscription stopping, or (Kafka) no heartbeat
 * answered for so long that the group may have dropped the member — a process paused past its
 * session timeout comes back with `current` false. A member that publishes what its partitions
 * cause checks it first, so a member the group has replaced does not publish beside its successor.
 */
export interface Membership {
  readonly current: boolean;
}

export interface SubscribeOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly handler: BatchHandler;
  /** Start from the earliest retained offset when the group has no committed offset (default true). */
  readonly fromBeginning?: boolean;
  /** Topic that receives rejected messages; defaults to the configured dead-letter topic. */
  readonly deadLetterTopic?: string;
  /** Most messages handed to the handler in one batch (default 1000). */
  readonly maxBatchSize?: number;
  /** Most partitions handled concurrently by this subscription (default 4). */
  readonly maxInFlightBatches?: number;
  /**
   * One member of the group owns every partition; the others stand by and take over when it
   * leaves (for state that cannot be split by partition). Every member of a group must agree.
   */
  readonly exclusive?: boolean;
  /**
   * The group gave this member a new assignment (at the first join and at every rebalance). No
   * batch is handled until the returned promise settles — the moment to rebuild state for the
   * partitions from what precedes their committed offsets (see `readBack`). A rejection is
   * retried with backoff, like a failing batch. `membership` says, later, whether the assignment
   * still holds.
   */
  readonly onAssigned?: (assignment: Assignment, membership: Membership) => Promise<void>;
}

/** A bounded read of a topic's history, outside any consumer group's progress. */
export interface ReadBackRequest {
  readonly topic: string;
  /** Partitions to read; every partition when omitted. */
  readonly partitions?: readonly number[];
  /** From the first message stamped at or after this time (epoch ms; 0: from the earliest retained). */
  readonly since: number;
  /**
   * Up to, not including: where the group will resume (its committed offset; nothing for a
   * partition it has not committed on), or the end of each partition as the read starts.
   */
  readonly until: { readonly committedBy: string } | 'end';
}

export interface Subscription {
  /** Orderly stop: stop fetching → let in-flight batches finish → commit → leave the group. */
  stop(): Promise<void>;
}

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** Retention in milliseconds; undefined uses the configured default (KAFKA_TOPIC_RETENTION). */
  readonly retentionMs?: number;
  /**
   * A table topic: the newest record per key is kept whatever its age (Kafka: cleanup.policy
   * compact; the embedded log and the in-memory bus keep such a topic whole). `retentionMs`
   * does not apply.
   */
  readonly compacted?: boolean;
}

export interface Producer {
  /** Resolves once the bus has durably accepted every message (acks=all on Kafka). */
  send(topic: string, messages: readonly OutboundMessage[]): Promise<void>;
}

/** A partition's retained range: its first retained offset, and the offset the next message will get (decimal strings, as in Kafka). */
export interface PartitionBounds {
  readonly partition: number;
  readonly start: string;
  readonly end: string;
}

export interface MessageBus extends Producer {
  readonly kind: 'kafka' | 'embedded' | 'memory';
  connect(): Promise<void>;
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Reads a range of history, partition by partition in offset order; resolves once all of it was handed over. */
  readBack(request: ReadBackRequest, onBatch: (batch: PartitionBatch) => Promise<void> | void): Promise<void>;
  partitionCount(topic: string): Promise<number>;
  /** Every partition's retained range as of now: a reader that reached each `end` has seen everything sent before the call. */
  bounds(topic: string): Promise<readonly PartitionBounds[]>;
  /** Whether the bus is connected and usable, for readiness probes. */
  isReady(): boolean;
  /** Stops every subscription in order, then disconnects. */
  close(): Promise<void>;
}

/** Injection token for the bus in NestJS modules. */
export const MESSAGE_BUS = Symbol.for('aftershock.MessageBus');
