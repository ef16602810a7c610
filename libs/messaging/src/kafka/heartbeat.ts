// Keeps the group membership alive while a long batch runs (kafkajs only heartbeats between
// batches itself), and notices when the group starts rebalancing so the batch can stop early, commit
// what it finished and let kafkajs rejoin, instead of holding up the whole group.

/** Group coordinator answers meaning the member lost, or is about to lose, its partitions. */
const LOST_ASSIGNMENT = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);

function lostAssignment(error: unknown): error is Error {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === 'string' && LOST_ASSIGNMENT.has(type);
}

export class HeartbeatWhileBusy {
  private readonly timer: NodeJS.Timeout;
  private lost: Error | undefined;

  constructor(heartbeat: () => Promise<void>, intervalMs: number, onLostAssignment: () => void) {
    this.timer = setInterval(() => {
      heartbeat().catch((error: unknown) => {
        if (!lostAssignment(error) || this.lost) return;
        this.lost = error;
        onLostAssignment();
      });
    }, intervalMs);
    this.timer.unref();
  }

  /** The group error to hand back to kafkajs so it rejoins, if one was seen. */
  get lostAssignmentError(): Error | undefined {
    return this.lost;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
