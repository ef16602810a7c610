// Exponential backoff with jitter for transient store failures: the delay doubles per attempt up
// to a cap, and each delay is drawn from its upper half so many writers that failed together do
// not retry together.

export interface RetryPolicy {
  /** Delay before the first retry (default 100 ms). */
  readonly initialDelayMs?: number;
  /** Cap on any one delay (default 10 s). */
  readonly maxDelayMs?: number;
  /** Attempts in all, the first included (default 10); then the failure is reported. */
  readonly maxAttempts?: number;
}

export const DEFAULT_RETRY: Required<RetryPolicy> = {
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  maxAttempts: 10,
};

/** The delay after failed attempt `attempt` (1-based). */
export function backoffDelay(
  policy: Required<RetryPolicy>,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
