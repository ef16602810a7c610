// One partition of an in-memory topic: an append-only log with Kafka-style offsets, trimmed
// by time like Kafka's retention.ms so an all-in-one process does not grow without bound.
import type { InboundMessage } from '../port.js';

export type AppendedMessage = Omit<InboundMessage, 'topic' | 'partition' | 'offset'>;

/** Trimming copies the array, so it waits until enough expired messages make it worth it. */
const TRIM_AT_LEAST = 1024;

export class PartitionLog {
  private messages: InboundMessage[] = [];
  private base = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly retentionMs: number,
  ) {}

  get startOffset(): number {
    return this.base;
  }

  get endOffset(): number {
    return this.base + this.messages.length;
  }

  append(message: AppendedMessage): void {
    this.messages.push({
      topic: this.topic,
      partition: this.partition,
      offset: String(this.endOffset),
      ...message,
    });
    this.trim(message.timestamp - this.retentionMs);
  }

  /** Tells waiting consumers that messages arrived; called once per send, not per message. */
  notifyAppended(): void {
    for (const listener of this.listeners) listener();
  }

  /** Up to `max` messages from `offset` on (from the start when `offset` was trimmed away). */
  read(offset: number, max: number): InboundMessage[] {
    const from = Math.max(offset, this.base) - this.base;
    return this.messages.slice(from, from + max);
  }

  /** The first offset stamped at or after `timestamp` (the end when none is). Stamps only grow, as on a broker. */
  offsetAt(timestamp: number): number {
    let lo = 0;
    let hi = this.messages.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.messages[mid]!.timestamp < timestamp) lo = mid + 1;
      else hi = mid;
    }
    return this.base + lo;
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private trim(cutoff: number): void {
    const head = this.messages[0];
    if (!head || head.timestamp >= cutoff) return;
    let expired = 0;
    while (expired < this.messages.length && this.messages[expired]!.timestamp < cutoff) expired++;
    if (expired < TRIM_AT_LEAST && expired * 2 < this.messages.length) return;
    this.messages = this.messages.slice(expired);
    this.base += expired;
  }
}
