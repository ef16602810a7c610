// Retries of transient store failures: how many, and the steps of the delays between them
// (drawn by the core's one backoff).

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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
