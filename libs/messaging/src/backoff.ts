// Exponential backoff for "dependency unavailable" retries, and a sleep that a stop request
// cuts short so shutdown never waits out a 30-second backoff.
import { setTimeout as sleepFor } from 'node:timers/promises';

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 30_000 };

/** Delay before retry number `attempt` (1-based): doubling, capped, with ±20% jitter so replicas do not retry in step. */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleepFor(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
