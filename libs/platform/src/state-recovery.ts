// The stateful-consumer contract, one for every app that keeps state (the correlator, problems):
// - At every assignment (start, restart, rebalance, takeover from a dead instance) the consumer
//   restores its state from history — the log and/or ClickHouse, each within horizons the app
//   states — before it handles a single batch of the assignment, publishes what the previous
//   owner concluded but never published, and only then resumes. A restore that fails is retried
//   by the subscription, which holds the assignment's batches until it succeeds (BatchRunner).
// - Steps (a batch's inputs, a timer, a restore) run one at a time, so outputs leave in the order
//   the state made them and a restore never sees a step half done.
// - Outputs are published only while the assignment holds (Membership.current). A member the
//   group has replaced — paused past its session timeout, cut off from its coordinator — refuses
//   with NotOwnerError instead of publishing beside its successor; its batch is not committed and
//   its state counts as stale (ahead of what was published) until the next assignment restores it.
// - A send that fails is retried while the assignment holds, never recomputed: the state has
//   already moved on, and handling the inputs again would skip the versions it made.
import {
  DEFAULT_BACKOFF,
  retryDelay,
  type Assignment,
  type BackoffPolicy,
  type Membership,
} from '#messaging';
import type { Logger } from '#observability';

/** What a restore reports, for the log line that says how it went. */
export type RestoreSummary = Record<string, unknown>;

/** The member no longer holds the assignment its state is for: nothing was published. */
export class NotOwnerError extends Error {
  constructor(app: string) {
    super(
      `${app}: this instance no longer holds its partitions (the group may have handed them on); not publishing`,
    );
    this.name = 'NotOwnerError';
  }
}

const NO_ASSIGNMENT: Membership = { current: false };

export class StateRecovery {
  private turn: Promise<unknown> = Promise.resolve();
  private running = false;
  private membership: Membership = NO_ASSIGNMENT;
  private behind = false;

  constructor(
    private readonly app: string,
    /** What each source is read back over, said once in every restore's log line. */
    private readonly horizons: Record<string, string>,
    private readonly logger: Logger,
    private readonly backoff: BackoffPolicy = DEFAULT_BACKOFF,
  ) {}

  /** Whether a restore is running (timers that would act on half-restored state wait). */
  get restoring(): boolean {
    return this.running;
  }

  /** Whether the state may be published from: restored for an assignment that still holds. */
  get owner(): boolean {
    return !this.behind && this.membership.current;
  }

  /**
   * Runs `restore` for a new assignment, after every earlier step. The returned promise rejects
   * when it fails: return it from the assignment hook, so the subscription retries it.
   */
  restore(
    assignment: Assignment,
    membership: Membership,
    restore: () => Promise<RestoreSummary>,
  ): Promise<void> {
    return this.step(async () => {
      this.running = true;
      this.membership = membership;
      this.behind = false;
      const started = performance.now();
      try {
        const summary = await restore();
        this.logger.info(`${this.app} state restored`, {
          partitions: Object.fromEntries(assignment),
          horizons: this.horizons,
          ...summary,
          ms: Math.round(performance.now() - started),
        });
      } catch (error) {
        this.behind = true; // half restored: nothing is published until a restore succeeds
        throw error;
      } finally {
        this.running = false;
      }
    });
  }

  /** Runs `work` after every earlier step (inputs, timers, restores), alone. */
  step<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(work);
    this.turn = run.catch(() => undefined);
    return run;
  }

  /**
   * Sends what the state produced, within a step. Resolves once sent; retries a failing send
   * (with backoff) while the assignment holds; throws NotOwnerError once it does not (or the
   * state is already behind), leaving the state stale until the next restore.
   */
  async publish(send: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (!this.owner) {
        this.behind = true;
        throw new NotOwnerError(this.app);
      }
      try {
        return await send();
      } catch (error) {
        const delayMs = retryDelay(this.backoff, attempt);
        this.logger.warn(`${this.app}: publishing failed, retrying the same outputs`, {
          attempt,
          retryInMs: delayMs,
          error,
        });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }
}
