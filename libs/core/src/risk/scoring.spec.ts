import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auc, brierScore, reliabilityTable, score } from './scoring.js';

const p = (probability: number, failed: boolean) => ({ probability, failed });

describe('prediction scores', () => {
  it('Brier score and skill against the base rate, by hand', () => {
    const predictions = [p(0.9, true), p(0.2, false), p(0.4, true), p(0.1, false)];
    // (0.01 + 0.04 + 0.36 + 0.01) / 4
    assert.equal(brierScore(predictions).toFixed(4), '0.1050');
    const s = score(predictions);
    assert.equal(s.baseRate, 0.5);
    assert.equal(s.brierReference, 0.25);
    assert.equal(s.brierSkill.toFixed(2), '0.58');
  });

  it('AUC counts ordered pairs, ties as half', () => {
    assert.equal(auc([p(0.9, true), p(0.2, false), p(0.4, true), p(0.1, false)]), 1);
    // pairs (pos, neg): (0.3,0.3) tie ½, (0.3,0.1) 1, (0.05,0.3) 0, (0.05,0.1) 0 → 1.5/4
    assert.equal(auc([p(0.3, true), p(0.05, true), p(0.3, false), p(0.1, false)]), 0.375);
    assert.ok(Number.isNaN(auc([p(0.3, true)])));
  });

  it('reliability bins hold equal counts in order of prediction', () => {
    const predictions = Array.from({ length: 100 }, (_, i) => p(i / 100, i % 10 === 0));
    const table = reliabilityTable(predictions, 4);
    assert.deepEqual(
      table.map((b) => b.count),
      [25, 25, 25, 25],
    );
    assert.equal(table[0]!.meanPredicted.toFixed(2), '0.12');
    assert.equal(table[0]!.observedRate, 3 / 25);
  });
});
