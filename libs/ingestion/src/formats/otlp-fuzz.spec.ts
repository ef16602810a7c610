// Fuzz tests of the OTLP metrics normaliser: mutated fixtures either give batches that pass
// canonical validation or are refused with a DecodeError — never another exception.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { projectPath } from '#config';
import { DecodeError, EventCodec, type TelemetryBatch } from '#contracts';
import { seededUniform } from '#core';
import { MINUTE, T0, fuzzCases, mutateBytes, type Mutation } from '#testing';
import { ServiceIdentity } from '../service-identity.js';
import { createOtlpMetricsNormaliser } from './otlp-metrics.js';

const CASES = 10_000;
const NAMES = ['all-types', 'cumulative-1', 'cumulative-2', 'cumulative-3'];
const fixture = (name: string): Buffer =>
  readFileSync(projectPath('libs', 'ingestion', 'fixtures', 'otlp', name));
const context = { identity: new ServiceIdentity() };
const codec = new EventCodec({ now: () => T0 + 5 * MINUTE });

interface Tally {
  accepted: number;
  refused: number;
  /** Of the refused: normalised, then refused by canonical validation (far timestamps, huge strings). */
  refusedByValidation: number;
  codes: Map<string, number>;
}

function fuzz(cases: Iterable<Mutation>, headers: Record<string, string>): Tally {
  // One normaliser for all cases, as in a consumer: its cumulative state sees the garbage too.
  const normaliser = createOtlpMetricsNormaliser({ maxSeries: 1_000 });
  const tally: Tally = { accepted: 0, refused: 0, refusedByValidation: 0, codes: new Map() };
  let index = 0;
  for (const mutation of cases) {
    let stage = 'normalise';
    try {
      const events = normaliser.normalise(
        { body: mutation.bytes, headers, source: 'otlp_metrics', receivedAt: T0 },
        context,
      );
      stage = 'validate';
      for (const e of events) codec.validate('telemetry', e.value as TelemetryBatch);
      tally.accepted++;
    } catch (error) {
      if (!(error instanceof DecodeError)) {
        assert.fail(
          `case ${index} (${mutation.kind}, ${stage}) threw ${String(error)}\n` +
            `payload (base64, first 2000 bytes): ${mutation.bytes.subarray(0, 2000).toString('base64')}`,
        );
      }
      tally.refused++;
      if (stage === 'validate') tally.refusedByValidation++;
      tally.codes.set(error.code, (tally.codes.get(error.code) ?? 0) + 1);
    }
    index++;
  }
  return tally;
}

function report(name: string, tally: Tally): void {
  const codes = [...tally.codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`);
  console.log(
    `${name}: ${tally.accepted} accepted, ${tally.refused} refused (${tally.refusedByValidation} by validation): ${codes.join(', ')}`,
  );
}

describe('OTLP metrics normaliser: fuzz', () => {
  it(`otlp_json: ${CASES} mutated fixtures are accepted valid or refused with a DecodeError`, () => {
    const cases = fuzzCases(
      NAMES.map((n) => fixture(`${n}.json`)),
      CASES,
      20261102,
    );
    const tally = fuzz(cases, {});
    report('otlp_json', tally);
    assert.equal(tally.accepted + tally.refused, CASES);
    assert.ok(tally.refused > 0 && tally.accepted > 0);
  });

  it(`otlp_proto: ${CASES} byte-level mutations (truncation, flips, random bytes) likewise`, () => {
    const payloads = NAMES.map((n) => fixture(`${n}.pb`));
    function* cases(): Generator<Mutation> {
      const random = seededUniform(1102);
      for (let i = 0; i < CASES; i++) {
        yield mutateBytes(payloads[Math.floor(random() * payloads.length)]!, random);
      }
    }
    const tally = fuzz(cases(), { 'content-type': 'application/x-protobuf' });
    report('otlp_proto', tally);
    assert.equal(tally.accepted + tally.refused, CASES);
    assert.ok(tally.refused > 0 && tally.accepted > 0);
  });
});
