// The stateful-consumer contract, one for every app that keeps state (the correlator, problems):
// at every assignment (start, restart, rebalance, takeover from a dead instance) the consumer
// restores its state from history — the log and/or ClickHouse, each within horizons the app
// states — before it handles a single batch of the assignment, publishes what the previous owner
// concluded but never published, and only then resumes. A restore that fails is retried by the
// subscription, which holds the assignment's batches until it succeeds (BatchRunner); inputs
// from the app's other consumers wait for the restore in progress.
import type { Assignment } from '#messaging';
import type { Logger } from '#observability';

/** What a restore reports, for the log line that says how it went. */
export type RestoreSummary = Record<string, unknown>;

export class StateRecovery {
  private settled: Promise<void> = Promise.resolve();
  private running = false;

  constructor(
    private readonly app: string,
    /** What each source is read back over, said once in every restore's log line. */
    private readonly horizons: Record<string, string>,
    private readonly logger: Logger,
  ) {}

  /** Whether a restore is running (timers that would act on half-restored state wait). */
  get restoring(): boolean {
    return this.running;
  }

  /** Resolves when no restore is running or pending; every input waits for it. */
  whenReady(): Promise<void> {
    return this.settled;
  }

  /**
   * Runs `restore` for a new assignment after any earlier one. The returned promise rejects when
   * it fails: return it from the assignment hook, so the subscription retries it.
   */
  restore(assignment: Assignment, restore: () => Promise<RestoreSummary>): Promise<void> {
    const run = this.settled.then(async () => {
      this.running = true;
      const started = performance.now();
      try {
        const summary = await restore();
        this.logger.info(`${this.app} state restored`, {
          partitions: Object.fromEntries(assignment),
          horizons: this.horizons,
          ...summary,
          ms: Math.round(performance.now() - started),
        });
      } finally {
        this.running = false;
      }
    });
    this.settled = run.catch(() => undefined);
    return run;
  }
}
