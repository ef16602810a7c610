// The bus's "dependency unavailable" retries (delays from the core's one backoff), and a sleep
// that a stop request cuts short so shutdown never waits out a 30-second backoff.
import { setTimeout as sleepFor } from 'node:timers/promises';
import { backoffDelay, type BackoffPolicy } from '#core';

export type { BackoffPolicy };

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 30_000 };

/** Delay before retry number `attempt` (1-based). */
export function retryDelay(policy: BackoffPolicy, attempt: number): number {
  return backoffDelay(policy, attempt, Math.random);
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
