import assert from 'node:assert/strict';

/** The error of `kind` that `run` throws when it refuses its input (the test fails if it accepts). */
export function refusal<E extends Error>(kind: abstract new (...args: never[]) => E, run: () => unknown): E {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof kind, String(error));
    return error;
  }
  assert.fail(`expected a ${kind.name}`);
}
