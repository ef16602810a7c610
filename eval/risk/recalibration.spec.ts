import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MATURE, sigmoid } from '#core';
import { seededRandom } from '#core/testing';
import { IDENTITY, learnCalibration, type Scoring } from './recalibration.js';

const DAY = 86_400_000;
const NOW = 1_000 * DAY;

/** Changes scored with log-odds z whose true log-odds are shift + slope·z, outcomes all known. */
function record(n: number, shift: number, slope: number, seed = 7): Scoring[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const z = -4 + 4 * random();
    const failed = random() < sigmoid(shift + slope * z);
    return {
      service: `s${i % 4}`,
      startedAt: NOW - 400 * DAY,
      logOdds: z,
      failedAt: failed ? NOW - DAY : null,
    };
  });
}

const options = { now: NOW, maturity: MATURE, halfLifeMs: undefined, minMaturity: 0 } as const;

describe('walk-forward recalibration from the track record', () => {
  it('recovers an over-confident model’s slope and shift (Platt)', () => {
    const c = learnCalibration(record(20_000, -0.3, 0.6), { ...options, kind: 'platt' });
    assert.ok(Math.abs(c.slope - 0.6) < 0.08, `slope ${c.slope}`);
    assert.ok(Math.abs(c.shift + 0.3) < 0.2, `shift ${c.shift}`);
  });

  it('a calibrated model is left about as it is', () => {
    const c = learnCalibration(record(20_000, 0, 1), { ...options, kind: 'platt' });
    assert.ok(Math.abs(c.slope - 1) < 0.08 && Math.abs(c.shift) < 0.2, JSON.stringify(c));
  });

  it("'spread' learns the slope and keeps the track record's mean predicted risk", () => {
    const rows = record(20_000, -0.3, 0.6);
    const c = learnCalibration(rows, { ...options, kind: 'spread' });
    assert.ok(Math.abs(c.slope - 0.6) < 0.08, `slope ${c.slope}`);
    const mean = (f: (z: number) => number) => rows.reduce((s, r) => s + f(r.logOdds), 0) / rows.length;
    assert.ok(Math.abs(mean((z) => sigmoid(c.shift + c.slope * z)) - mean(sigmoid)) < 1e-6);
  });

  it('thin evidence (under 20 failures or three services failing) leaves the log-odds alone', () => {
    assert.deepEqual(learnCalibration(record(60, -0.3, 0.6), { ...options, kind: 'platt' }), IDENTITY);
    const oneService = record(5_000, -0.3, 0.6).map((r) => ({ ...r, service: 'only' }));
    assert.deepEqual(learnCalibration(oneService, { ...options, kind: 'platt' }), IDENTITY);
  });

  it('failures reported after the refit are not known to it', () => {
    const late = record(5_000, 0, 1).map((r) => ({ ...r, failedAt: r.failedAt === null ? null : NOW + DAY }));
    // No failure on record: too little evidence to move anything.
    assert.deepEqual(learnCalibration(late, { ...options, kind: 'platt' }), IDENTITY);
  });
});
