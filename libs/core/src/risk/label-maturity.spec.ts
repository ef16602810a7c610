import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelMaturity, MATURE, maturityAt } from './label-maturity.js';
import { seededRandom } from './simulation.js';

const DAY = 86_400_000;

describe('label maturity (how long failures take to come to light)', () => {
  // Two years of changes, a quarter of them failing; each failure reported after an
  // exponential delay with a mean of 60 days. Seen from the end: young changes' failures are
  // mostly not on record yet.
  const random = seededRandom(7);
  const now = Date.UTC(2026, 0, 1);
  const observations = Array.from({ length: 20_000 }, () => {
    const startedAt = now - random() * 730 * DAY;
    const fails = random() < 0.25;
    const knownAt = fails ? startedAt - Math.log(1 - random()) * 60 * DAY : null;
    return { startedAt, knownAt };
  });
  const truth = (age: number) => 1 - Math.exp(-age / (60 * DAY));

  it('recovers the delay distribution from right-truncated records (within 3 points)', () => {
    const curve = labelMaturity(observations, now);
    // The horizon is a year: 1 − e^(−365/60) ≈ 0.998 of the failures are reported by then.
    for (const days of [7, 30, 60, 90, 180]) {
      const f = maturityAt(curve, days * DAY);
      assert.ok(
        Math.abs(f - truth(days * DAY)) < 0.03,
        `${days} days: ${f.toFixed(3)} vs ${truth(days * DAY).toFixed(3)}`,
      );
    }
    assert.equal(maturityAt(curve, 800 * DAY), 1);
  });

  it('is 1 everywhere when labels are known at once, and rises with age', () => {
    assert.equal(maturityAt(MATURE, 0), 1);
    const immediate = labelMaturity(
      observations.map((o) => ({ startedAt: o.startedAt, knownAt: o.knownAt === null ? null : o.startedAt })),
      now,
    );
    assert.ok(maturityAt(immediate, 2 * 3_600_000) > 0.99);
    const curve = labelMaturity(observations, now);
    let previous = 0;
    for (let days = 1; days < 400; days += 7) {
      const f = maturityAt(curve, days * DAY);
      assert.ok(f >= previous - 1e-9, `not monotone at ${days} days`);
      previous = f;
    }
  });

  it('ignores failures recorded after the instant it is asked about', () => {
    const earlier = now - 200 * DAY;
    const curve = labelMaturity(
      observations.filter((o) => o.startedAt < earlier),
      earlier,
    );
    const peeking = labelMaturity(
      observations
        .filter((o) => o.startedAt < earlier)
        .map((o) => ({ startedAt: o.startedAt, knownAt: o.knownAt })),
      now,
    );
    assert.ok(curve.failures < peeking.failures);
  });
});
