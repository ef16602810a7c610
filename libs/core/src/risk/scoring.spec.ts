import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  auc,
  brierScore,
  effortAwareReview,
  recallAtChangeShare,
  gateAtSkipShare,
  gateCurve,
  reliabilityTable,
  score,
} from './scoring.js';

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

  it('effort-aware recall reviews the riskiest lines first, up to a fifth of all lines', () => {
    const changes = [
      { probability: 0.5, failed: true, lines: 10 }, // 0.05 per line
      { probability: 0.4, failed: false, lines: 400 }, // 0.001
      { probability: 0.1, failed: true, lines: 5 }, // 0.02
      { probability: 0.3, failed: true, lines: 585 }, // 0.0005
    ];
    // 1,000 lines in all: 200 may be read — the 10- and 5-line changes, not the 400-line one.
    assert.deepEqual(effortAwareReview(changes), { recall: 2 / 3, reviewedShare: 2 / 4 });
    assert.ok(Number.isNaN(effortAwareReview(changes.map((c) => ({ ...c, failed: false }))).recall));
  });

  it('recall at a share of changes reviews the riskiest first, whatever their size', () => {
    const changes = [p(0.9, true), p(0.8, false), p(0.5, true), p(0.2, false), p(0.1, true)];
    assert.equal(recallAtChangeShare(changes, 0.4), 1 / 3);
    assert.equal(recallAtChangeShare(changes, 0.6), 2 / 3);
  });

  it('the gate’s trade-off: changes skipping review and failing changes slipping through', () => {
    const predictions = [p(0.01, false), p(0.02, true), p(0.05, false), p(0.08, false), p(0.3, true)];
    const [low, mid] = gateCurve(predictions, [0.03, 0.1]);
    assert.deepEqual({ skip: low!.skipShare, slip: low!.slipShare }, { skip: 2 / 5, slip: 1 / 2 });
    assert.deepEqual({ skip: mid!.skipShare, slip: mid!.slipShare }, { skip: 4 / 5, slip: 1 / 2 });
    const half = gateAtSkipShare(predictions, 0.5);
    assert.equal(half.threshold, 0.05);
    assert.equal(half.skipped, 2);
  });
});
