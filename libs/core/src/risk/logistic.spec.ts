import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitLogistic, sigmoid, solveSpd } from './logistic.js';
import { seededRandom } from './simulation.js';

describe('regularised logistic regression', () => {
  const random = seededRandom(3);
  const truth = [-2, 1.2, -0.8]; // intercept, w1, w2
  const xs: number[][] = [];
  const ys: boolean[] = [];
  for (let i = 0; i < 20_000; i++) {
    const x = [random() < 0.3 ? 1 : 0, random() * 4 - 2];
    xs.push(x);
    ys.push(random() < sigmoid(truth[0]! + truth[1]! * x[0]! + truth[2]! * x[1]!));
  }

  it('recovers the true weights from plenty of data (within 0.1)', () => {
    const fit = fitLogistic(xs, ys, { lambda: 1 });
    assert.ok(fit.converged);
    fit.weights.forEach((w, j) =>
      assert.ok(Math.abs(w - truth[j]!) < 0.1, `w${j} = ${w.toFixed(3)}, true ${truth[j]}`),
    );
  });

  it('stays at the prior with little data, and is deterministic', () => {
    const prior = [0, 0.5, 0.5];
    const few = fitLogistic(xs.slice(0, 5), ys.slice(0, 5), { prior, lambda: 50 });
    few.weights.forEach((w, j) => assert.ok(Math.abs(w - prior[j]!) < 0.1, `w${j} = ${w}`));
    assert.deepEqual(fitLogistic(xs, ys, { prior }).weights, fitLogistic(xs, ys, { prior }).weights);
  });

  it('solves positive-definite systems', () => {
    assert.deepEqual(
      solveSpd(
        [
          [4, 2],
          [2, 3],
        ],
        [2, 1],
      ).map((x) => Math.round(x * 1e9) / 1e9),
      [0.5, 0],
    );
  });
});
