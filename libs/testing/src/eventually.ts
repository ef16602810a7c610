// Waiting on an outcome in tests: retry a check until it passes, with a bound on the waiting (a
// broken component fails the test instead of hanging it), never an assertion on speed.
import { setTimeout as sleep } from 'node:timers/promises';

/** Retries `check` until it stops throwing, then returns its value; rethrows its last error after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 60_000,
  pollMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(pollMs);
    }
  }
}
