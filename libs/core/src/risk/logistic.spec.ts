import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitLogistic, predictiveRate, sigmoid, solveSpd } from './logistic.js';
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

  it('gives the Laplace posterior: the weights’ and levels’ covariance is the inverse of the full Hessian', () => {
    // Three groups with levels; the block inverse (levels eliminated) must equal the full one.
    const n = 600;
    const group = Array.from({ length: n }, (_, i) => i % 3);
    const few = xs.slice(0, n);
    const fit = fitLogistic(few, ys.slice(0, n), {
      prior: [0, 0, 0],
      lambda: [0.5, 2, 3],
      groups: { of: group, count: 3, lambda: 4 },
    });
    assert.ok(fit.converged);
    const size = 3 + 3;
    const h = Array.from({ length: size }, () => new Array<number>(size).fill(0));
    few.forEach((x, i) => {
      const z = [1, x[0]!, x[1]!, 0, 0, 0];
      z[3 + group[i]!] = 1;
      const p = sigmoid(
        fit.weights[0]! + fit.weights[1]! * x[0]! + fit.weights[2]! * x[1]! + fit.levels[group[i]!]!,
      );
      for (let j = 0; j < size; j++) for (let k = 0; k < size; k++) h[j]![k]! += p * (1 - p) * z[j]! * z[k]!;
    });
    [0.5, 2, 3, 4, 4, 4].forEach((l, j) => (h[j]![j]! += l));
    const inverse = h.map((_, j) =>
      solveSpd(
        h,
        h.map((__, k) => Number(k === j)),
      ),
    );
    const close = (a: number, b: number) => Math.abs(a - b) < 1e-6 * (1 + Math.abs(b));
    for (let j = 0; j < 3; j++)
      for (let k = 0; k < 3; k++)
        assert.ok(
          close(fit.covariance[j]![k]!, inverse[j]![k]!),
          `Σ[${j}][${k}] ${fit.covariance[j]![k]} vs ${inverse[j]![k]}`,
        );
    for (let m = 0; m < 3; m++) {
      const level = fit.levelPosterior[m]!;
      assert.ok(
        close(level.variance, inverse[3 + m]![3 + m]!),
        `var u${m} ${level.variance} vs ${inverse[3 + m]![3 + m]}`,
      );
      for (let j = 0; j < 3; j++)
        assert.ok(close(level.withWeights[j]!, inverse[3 + m]![j]!), `cov(u${m}, w${j})`);
    }
  });

  it('the predictive rate: σ(mean) at zero variance, the Gaussian integral of σ otherwise', () => {
    for (const m of [-6, -2, 0, 1.5]) assert.equal(predictiveRate(m, 0), sigmoid(m));
    // ∫ σ(m + s·t) φ(t) dt by the trapezoid rule on a fine grid, the same integral another way.
    const integral = (m: number, v: number) => {
      let sum = 0;
      const steps = 40_000;
      for (let i = -steps; i <= steps; i++) {
        const t = (i / steps) * 12;
        sum +=
          (Math.exp((-t * t) / 2) / Math.sqrt(2 * Math.PI)) * sigmoid(m + Math.sqrt(v) * t) * (12 / steps);
      }
      return sum;
    };
    for (const [m, v] of [
      [-2, 1],
      [-3, 4],
      [2, 9],
      [-4, 0.05],
    ] as const)
      assert.ok(Math.abs(predictiveRate(m, v) - integral(m, v)) < 1e-5, `m ${m}, v ${v}`);
    assert.ok(Math.abs(predictiveRate(0, 25) - 0.5) < 1e-12);
    // Towards ½ as the variance grows: a low risk rises, a high one falls; MacKay's probit
    // approximation σ(m / √(1 + πv/8)) agrees to a few thousandths.
    let previous = sigmoid(-3);
    for (const v of [0.5, 2, 8, 32]) {
      const p = predictiveRate(-3, v);
      assert.ok(p > previous && p < 0.5, `v ${v}: ${p}`);
      assert.ok(Math.abs(p - sigmoid(-3 / Math.sqrt(1 + (Math.PI * v) / 8))) < 0.01, `probit at v ${v}`);
      previous = p;
    }
    assert.ok(predictiveRate(3, 2) < sigmoid(3));
  });
});
