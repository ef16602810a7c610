// The heap store of the in-memory bus (unit tests only: nothing survives the process). Each
// partition is an append-only array with Kafka-style offsets, trimmed by time like Kafka's
// retention.ms; committed offsets are a map.
import type { InboundMessage } from '../port.js';
import {
  KEPT_WHOLE,
  type Appended,
  type AppendedMessage,
  type LogStore,
  type StoredPartition,
  type TopicLayout,
} from '../local/log-store.js';

/** Trimming copies the array, so it waits until enough expired messages make it worth it. */
const TRIM_AT_LEAST = 1024;

export class MemoryLogStore implements LogStore {
  private readonly topics = new Map<string, MemoryPartition[]>();
  private readonly committed = new Map<string, number>();
  private closed = false;

  partitions(topic: string, layout: TopicLayout): readonly MemoryPartition[] {
    let logs = this.topics.get(topic);
    if (!logs) {
      logs = Array.from(
        { length: layout.partitions },
        (_, p) => new MemoryPartition(topic, p, layout.retentionMs),
      );
      this.topics.set(topic, logs);
    }
    return logs;
  }

  async append(topic: string, messages: readonly Appended[]): Promise<void> {
    const logs = this.topics.get(topic)!;
    const touched = new Set<MemoryPartition>();
    for (const { partition, message } of messages) {
      logs[partition]!.append(message);
      touched.add(logs[partition]!);
    }
    for (const log of touched) log.notifyAppended();
  }

  committedOffset(groupId: string, topic: string, partition: number): number | undefined {
    return this.committed.get(offsetKey(groupId, topic, partition));
  }

  commit(groupId: string, topic: string, partition: number, next: number): void {
    this.committed.set(offsetKey(groupId, topic, partition), next);
  }

  isHealthy(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

const offsetKey = (groupId: string, topic: string, partition: number) => `${groupId}\0${topic}\0${partition}`;

class MemoryPartition implements StoredPartition {
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
    if (this.retentionMs !== KEPT_WHOLE) this.trim(message.timestamp - this.retentionMs);
  }

  notifyAppended(): void {
    for (const listener of this.listeners) listener();
  }

  read(offset: number, maxMessages: number, maxBytes: number): InboundMessage[] {
    const from = Math.max(offset, this.base) - this.base;
    const out: InboundMessage[] = [];
    let bytes = 0;
    for (let i = from; i < this.messages.length && out.length < maxMessages; i++) {
      const message = this.messages[i]!;
      bytes += (message.key?.length ?? 0) + (message.value?.length ?? 0);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(message);
    }
    return out;
  }

  /** Stamps only grow, as on a broker: a binary search. */
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
