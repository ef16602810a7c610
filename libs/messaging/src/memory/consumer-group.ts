// An in-memory consumer group: members share the partitions of the topics they subscribe to,
// offsets are committed per partition, and a new member resumes from them. Each partition has
// one pump that delivers its batches strictly one after another to whichever member owns the
// partition *now*, so a rebalance waits only for the revoked partition's in-flight batch —
// never for the others — and the next owner starts exactly at the committed offset.
import type { BatchOutcome } from '../batch-runner.js';
import type { Assignment, PartitionBatch } from '../port.js';
import { recordConsumerLag } from '../metrics.js';
import type { PartitionLog } from './partition-log.js';
import { Wakeup } from './wakeup.js';

export interface GroupMember {
  readonly topics: ReadonlySet<string>;
  readonly fromBeginning: boolean;
  readonly maxBatchSize: number;
  /** Handles the batch; calls `commit` once its effects are durable, before resolving. */
  deliver(batch: PartitionBatch, commit: (next: string) => void): Promise<BatchOutcome>;
  /** Waits out handler-requested backpressure; resolves early when the member stops. */
  pause(ms: number): Promise<void>;
  /** The member's share of partitions changed (at joining, and when others join or leave). */
  assigned(assignment: Assignment): void;
}

type PartitionKey = `${string}\u0000${number}`;
const keyOf = (topic: string, partition: number): PartitionKey => `${topic}\u0000${partition}`;

export class ConsumerGroup {
  private readonly members: GroupMember[] = [];
  private readonly committed = new Map<PartitionKey, number>();
  /** Where a partition without a committed offset starts (earliest or latest at first fetch). */
  private readonly resetPositions = new Map<PartitionKey, number>();
  private readonly pumps = new Map<PartitionKey, Wakeup>();
  /** Each member's last announced assignment, to announce only changes. */
  private readonly announced = new Map<GroupMember, string>();

  constructor(
    readonly groupId: string,
    private readonly logsOf: (topic: string) => readonly PartitionLog[],
  ) {}

  join(member: GroupMember): void {
    this.members.push(member);
    this.membershipChanged();
    for (const topic of member.topics) {
      for (const log of this.logsOf(topic)) {
        if (!this.pumps.has(keyOf(log.topic, log.partition))) void this.pump(log);
      }
    }
  }

  leave(member: GroupMember): void {
    const index = this.members.indexOf(member);
    if (index >= 0) this.members.splice(index, 1);
    this.announced.delete(member);
    this.membershipChanged();
  }

  /** Topics some current member subscribes to. */
  subscribedTopics(): Set<string> {
    return new Set(this.members.flatMap((m) => [...m.topics]));
  }

  committedOffset(topic: string, partition: number): number | undefined {
    return this.committed.get(keyOf(topic, partition));
  }

  /** Partition p of a topic goes to the (p mod n)-th member subscribed to it, in join order. */
  ownerOf(topic: string, partition: number): GroupMember | undefined {
    const candidates = this.members.filter((m) => m.topics.has(topic));
    return candidates.length === 0 ? undefined : candidates[partition % candidates.length];
  }

  private membershipChanged(): void {
    // Announced before the pumps wake, so a member's hook is in place before its batches come.
    for (const member of this.members) {
      const assignment = new Map(
        [...member.topics].map((topic) => [
          topic,
          this.logsOf(topic)
            .filter((log) => this.ownerOf(topic, log.partition) === member)
            .map((log) => log.partition),
        ]),
      );
      const fingerprint = JSON.stringify([...assignment]);
      if (this.announced.get(member) === fingerprint) continue;
      this.announced.set(member, fingerprint);
      member.assigned(assignment);
    }
    for (const wakeup of this.pumps.values()) wakeup.notify();
  }

  private async pump(log: PartitionLog): Promise<void> {
    const key = keyOf(log.topic, log.partition);
    const wakeup = new Wakeup();
    this.pumps.set(key, wakeup);
    const stopListening = log.onAppend(() => wakeup.notify());
    try {
      for (;;) {
        // No await between this check and the `finally`: a member joining meanwhile sees no
        // pump for the partition and starts a fresh one.
        const owner = this.ownerOf(log.topic, log.partition);
        if (!owner) return;
        const position = this.position(log, owner);
        const messages = log.read(position, owner.maxBatchSize);
        if (messages.length === 0) {
          await wakeup.wait();
          continue;
        }
        const batch: PartitionBatch = { topic: log.topic, partition: log.partition, messages };
        const outcome = await owner.deliver(batch, (next) => {
          this.committed.set(key, Number(next));
          recordConsumerLag('memory', this.groupId, log.topic, log.partition, log.endOffset - Number(next));
        });
        if (outcome.done && outcome.pauseMs > 0) await owner.pause(outcome.pauseMs);
      }
    } finally {
      stopListening();
      this.pumps.delete(key);
    }
  }

  private position(log: PartitionLog, owner: GroupMember): number {
    const key = keyOf(log.topic, log.partition);
    const committed = this.committed.get(key);
    if (committed !== undefined) return committed;
    let reset = this.resetPositions.get(key);
    if (reset === undefined) {
      reset = owner.fromBeginning ? log.startOffset : log.endOffset;
      this.resetPositions.set(key, reset);
    }
    return reset;
  }
}
