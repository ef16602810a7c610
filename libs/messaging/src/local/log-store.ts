// Where a one-process bus keeps its partitions and its groups' committed offsets. Two stores:
// in the heap (memory/, unit tests) and on disk in SQLite (embedded/, the all-in-one default).
// The consumer-group machinery above them (local-bus.ts) is the same for both.
import type { InboundMessage } from '../port.js';

export type AppendedMessage = Omit<InboundMessage, 'topic' | 'partition' | 'offset'>;

export interface StoredPartition {
  readonly topic: string;
  readonly partition: number;
  /** The first offset still retained. */
  readonly startOffset: number;
  /** The offset the next appended message gets. */
  readonly endOffset: number;
  /**
   * Up to `maxMessages` messages from `offset` on (from the start when `offset` was trimmed
   * away), and no more than `maxBytes` of keys, values and headers — at least one message.
   */
  read(offset: number, maxMessages: number, maxBytes: number): InboundMessage[];
  /** The first offset stamped at or after `timestamp` (the end when none is). */
  offsetAt(timestamp: number): number;
  /** Called after appends become readable; returns the unsubscribe function. */
  onAppend(listener: () => void): () => void;
}

export interface TopicLayout {
  readonly partitions: number;
  /** Age after which messages go; KEPT_WHOLE for a table topic (nothing expires, by age or size). */
  readonly retentionMs: number;
}

/** The retention of a table topic (`TopicSpec.compacted`): its messages are never expired. */
export const KEPT_WHOLE = -1;

export interface Appended {
  readonly partition: number;
  readonly message: AppendedMessage;
}

export interface LogStore {
  /** The partitions of a topic; created with `layout` when the topic is new. */
  partitions(topic: string, layout: TopicLayout): readonly StoredPartition[];
  /**
   * Appends, in call order; resolves once the messages are durable as far as this store can make
   * them (the heap store: at once; SQLite: committed under its sync policy).
   */
  append(topic: string, messages: readonly Appended[]): Promise<void>;
  committedOffset(groupId: string, topic: string, partition: number): number | undefined;
  /** Records where a group resumes; durable at the latest when the store closes. */
  commit(groupId: string, topic: string, partition: number, next: number): void;
  /** Whether the store can take appends (false once closed or broken). */
  isHealthy(): boolean;
  close(): Promise<void>;
}
