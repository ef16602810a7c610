// A consumer group of a one-process bus: members share the partitions of the topics they
// subscribe to, offsets are committed per partition (in the store), and a new member resumes
// from them. Each partition has one pump that delivers its batches strictly one after another
// to whichever member owns the partition *now*, so a rebalance waits only for the revoked
// partition's in-flight batch — never for the others — and the next owner starts exactly at the
// committed offset. A pump reads its batch only once its member has a free slot, so at most
// `maxInFlightBatches` batches per member are in the heap at once, each at most `maxBytes`.
import type { BatchOutcome } from '../batch-runner.js';
import type { Assignment, PartitionBatch } from '../port.js';
import type { LogStore, StoredPartition } from './log-store.js';
import { Wakeup } from './wakeup.js';

export interface GroupMember {
  readonly topics: ReadonlySet<string>;
  readonly fromBeginning: boolean;
  readonly maxBatchSize: number;
  readonly maxBytes: number;
  /** One member owns every partition; the others stand by until it leaves. */
  readonly exclusive: boolean;
  /** Waits for a free batch slot; resolves undefined when the member stops meanwhile. */
  acquireSlot(): Promise<(() => void) | undefined>;
  /** Handles the batch in the slot it holds (releasing it); calls `commit` once its effects are durable. */
  deliver(batch: PartitionBatch, release: () => void, commit: (next: string) => void): Promise<BatchOutcome>;
  /** Waits out handler-requested backpressure; resolves early when the member stops. */
  pause(ms: number): Promise<void>;
  /** The member's share of partitions changed (at joining, and when others join or leave). */
  assigned(assignment: Assignment): void;
}

type PartitionKey = `${string}\u0000${number}`;
const keyOf = (topic: string, partition: number): PartitionKey => `${topic}\u0000${partition}`;

export class ConsumerGroup {
  private readonly members: GroupMember[] = [];
  /** Where a partition without a committed offset starts (earliest or latest at first fetch). */
  private readonly resetPositions = new Map<PartitionKey, number>();
  private readonly pumps = new Map<PartitionKey, Wakeup>();
  /** Each member's last announced assignment, to announce only changes. */
  private readonly announced = new Map<GroupMember, string>();

  constructor(
    readonly groupId: string,
    private readonly logsOf: (topic: string) => readonly StoredPartition[],
    private readonly store: LogStore,
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
    return this.store.committedOffset(this.groupId, topic, partition);
  }

  /**
   * Partition p of a topic goes to the (p mod n)-th member subscribed to it, in join order; in an
   * exclusive group every partition goes to the longest-standing member.
   */
  ownerOf(topic: string, partition: number): GroupMember | undefined {
    const candidates = this.members.filter((m) => m.topics.has(topic));
    if (candidates.length === 0) return undefined;
    return candidates[0]!.exclusive ? candidates[0] : candidates[partition % candidates.length];
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

  private async pump(log: StoredPartition): Promise<void> {
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
        if (this.position(log, owner) >= log.endOffset) {
          await wakeup.wait();
          continue;
        }
        const release = await owner.acquireSlot();
        if (!release) continue; // the owner stopped: ask again who owns the partition now
        if (this.ownerOf(log.topic, log.partition) !== owner) {
          release();
          continue;
        }
        const messages = log.read(this.position(log, owner), owner.maxBatchSize, owner.maxBytes);
        if (messages.length === 0) {
          release();
          await wakeup.wait();
          continue;
        }
        const batch: PartitionBatch = { topic: log.topic, partition: log.partition, messages };
        const outcome = await owner.deliver(batch, release, (next) =>
          this.store.commit(this.groupId, log.topic, log.partition, Number(next)),
        );
        if (outcome.done && outcome.pauseMs > 0) await owner.pause(outcome.pauseMs);
      }
    } finally {
      stopListening();
      this.pumps.delete(key);
    }
  }

  private position(log: StoredPartition, owner: GroupMember): number {
    const key = keyOf(log.topic, log.partition);
    const committed = this.committedOffset(log.topic, log.partition);
    if (committed !== undefined) return committed;
    let reset = this.resetPositions.get(key);
    if (reset === undefined) {
      reset = owner.fromBeginning ? log.startOffset : log.endOffset;
      this.resetPositions.set(key, reset);
    }
    return reset;
  }
}
