// One retry delay for every component that retries a dependency (the bus's batch runner, state
// recovery, the store's batch writer): exponential, capped, with "equal jitter" — each delay
// drawn from the upper half of its step — so many replicas that failed together do not retry
// together, yet none retries sooner than half the step.

export interface BackoffPolicy {
  /** The first delay's step. */
  readonly initialMs: number;
  /** Cap on any one step. */
  readonly maxMs: number;
}

/** Delay before retry number `attempt` (1-based), with `random` uniform in [0, 1). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(step / 2 + random() * (step / 2));
}
