// What the incident book's specs share: a firing alert on checkout to feed the book, and reading
// a command's outcome as applied or refused (failing the spec, with the reason, when it is not).
import assert from 'node:assert/strict';
import type { Incident } from '#contracts';
import { T0 } from '#testing';
import type { CommandOutcome, Signal } from './incidents.js';

/** A firing warning on checkout at T0 (HighErrorRate, fingerprint fp-1), overridden per test. */
export const alert = (overrides: Partial<Signal> = {}): Signal => ({
  kind: 'alert',
  ref: 'fp-1',
  service: 'checkout',
  environment: 'production',
  name: 'HighErrorRate',
  signature: 'HighErrorRate',
  severity: 'warning',
  at: T0,
  firing: true,
  summary: 'errors above 5%',
  ...overrides,
});

/** The incident a command made; fails with the refusal if it was refused. */
export function applied(outcome: CommandOutcome): Incident {
  assert.ok('incident' in outcome, 'refused' in outcome ? outcome.refused : 'no outcome');
  return outcome.incident;
}

/** Why a command was refused; fails if it applied. */
export function refusedBy(outcome: CommandOutcome): string {
  assert.ok('refused' in outcome, 'the command applied');
  return outcome.refused;
}
