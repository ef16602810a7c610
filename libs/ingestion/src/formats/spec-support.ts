// Shared by the format specs (not part of the library's API): golden fixtures from
// libs/ingestion/fixtures/<format>/, a codec with a fixed clock in the fixtures' time range,
// refusal capture and the fuzz loop every format runs.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { projectPath } from '#config';
import { DecodeError, EventCodec } from '#contracts';
import { fuzzCases, type Mutation } from '#testing';
import type { CanonicalEvent, NormaliseContext, Normaliser, RawInput } from '../normaliser.js';
import { ServiceIdentity } from '../service-identity.js';

/** The fixtures happen on 2026-11-02 between 11:00 and 12:40 UTC; "now" is 13:00. */
export const NOW = Date.UTC(2026, 10, 2, 13, 0, 0);
export const codec = new EventCodec({ now: () => NOW });
export const context: NormaliseContext = { identity: new ServiceIdentity() };

export type Headers = Record<string, string>;

export function fixture(format: string, name: string): Buffer {
  return readFileSync(projectPath('libs', 'ingestion', 'fixtures', format, name));
}

/** `<name>.headers.json` next to a fixture, or {} when there is none. */
export function fixtureHeaders(format: string, name: string): Headers {
  const path = projectPath('libs', 'ingestion', 'fixtures', format, name.replace(/\.json$/, '.headers.json'));
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Headers) : {};
}

export function fixtureJson(format: string, name: string): Record<string, unknown> {
  return JSON.parse(fixture(format, name).toString('utf8')) as Record<string, unknown>;
}

export function raw(body: Buffer | string | object, headers: Headers = {}, source = 'spec'): RawInput {
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { body: bytes, headers, source, receivedAt: NOW };
}

export function rawFixture(format: string, name: string): RawInput {
  return raw(fixture(format, name), fixtureHeaders(format, name), `spec:${format}`);
}

/** Every event passes the newest schema unchanged: nothing was left for defaults to fill. */
export function assertValid(events: readonly CanonicalEvent[]): void {
  for (const { event, value } of events) {
    assert.deepEqual(codec.validate(event, value), value, `${event} ${value.id} is complete and valid`);
  }
}

export function refusal(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof DecodeError, `expected a DecodeError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the input to be refused');
}

export interface FuzzOutcome {
  readonly total: number;
  readonly accepted: number;
  readonly refused: number;
}

/**
 * Mutations of the golden payloads: each must either yield events that all validate or be
 * refused with a DecodeError. Anything else fails with the case seed, so it can be replayed
 * with `fuzzCases(payloads, 1, caseSeed)`.
 */
export function fuzz(
  normaliser: Normaliser,
  payloads: readonly Buffer[],
  options: { count: number; seed: number; headers?: (body: Buffer) => Headers },
): FuzzOutcome {
  let accepted = 0;
  let refused = 0;
  for (let attempt = 0; accepted + refused < options.count; attempt++) {
    const caseSeed = options.seed * 1_000_003 + attempt;
    const mutation = fuzzCases(payloads, 1, caseSeed).next().value as Mutation;
    const input = raw(mutation.bytes, options.headers?.(mutation.bytes) ?? {}, 'fuzz');
    const where = `${normaliser.format} fuzz case seed ${caseSeed} (${mutation.kind})`;
    let events: CanonicalEvent[];
    try {
      events = normaliser.normalise(input, context);
    } catch (error) {
      if (!(error instanceof DecodeError)) {
        assert.fail(`${where}: threw ${(error as Error).stack ?? String(error)}`);
      }
      refused += 1;
      continue;
    }
    for (const { event, value } of events) {
      try {
        codec.validate(event, value);
      } catch (error) {
        assert.fail(`${where}: returned an invalid ${event}: ${String(error)}`);
      }
    }
    accepted += 1;
  }
  assert.equal(accepted + refused, options.count);
  assert.ok(refused > 0, `${normaliser.format}: some mutations must be refused`);
  return { total: options.count, accepted, refused };
}
