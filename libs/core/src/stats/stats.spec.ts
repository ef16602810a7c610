// Reference values from SciPy 1.17 (scipy.stats / scipy.special), quoted next to each check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  alphaForLook,
  alphaSpent,
  betaInc,
  binomialLowerTail,
  binomialUpperTail,
  brownForsythe,
  exactDistribution,
  fSf,
  simesSignificant,
  gammaQ,
  hodgesLehmannShift,
  lag1Autocorrelation,
  logGamma,
  mad,
  mannWhitney,
  median,
  normalCdf,
  normalQuantile,
  normalSf,
  poissonDispersion,
  poissonRateTest,
  quantile,
  quantileSelect,
  rankScaleTest,
  robustLag1Autocorrelation,
  robustSigma,
  SeededRandom,
  studentTSf,
} from './index.js';

function close(actual: number, expected: number, relTol = 1e-9, label = ''): void {
  const ok = Math.abs(actual - expected) <= relTol * Math.max(Math.abs(expected), 1e-300);
  assert.ok(ok, `${label} ${actual} ≠ ${expected} (rel tol ${relTol})`);
}

describe('special functions', () => {
  it('log-gamma, incomplete gamma and beta match SciPy', () => {
    close(logGamma(0.3), 1.0957979948180756, 1e-12, 'gammaln(0.3)');
    close(logGamma(123.4), 469.3360974421906, 1e-12, 'gammaln(123.4)');
    close(betaInc(0.3, 2.5, 3.5), 0.29675298929566646, 1e-10, 'betainc');
    close(gammaQ(0.5, 30), 9.485737571073857e-15, 1e-9, 'gammaincc(0.5, 30)');
  });
  it('normal tails keep their digits far out, and the quantile inverts the cdf', () => {
    close(normalSf(6), 9.865876450376946e-10, 1e-9, 'norm.sf(6)');
    close(normalCdf(-1.5), 0.06680720126885807, 1e-12, 'norm.cdf(-1.5)');
    close(normalQuantile(0.975), 1.959963984540054, 1e-12, 'norm.ppf(0.975)');
    close(normalQuantile(1e-10), -6.361340902404056, 1e-10, 'norm.ppf(1e-10)');
  });
  it('t, F and binomial tails match SciPy', () => {
    close(studentTSf(2.1, 7), 0.036935598106461326, 1e-10, 't.sf(2.1, 7)');
    close(studentTSf(-1.3, 15), 0.8933883394433686, 1e-10, 't.sf(-1.3, 15)');
    close(fSf(4.2, 1, 18), 0.05528621136059286, 1e-10, 'f.sf(4.2, 1, 18)');
    close(binomialUpperTail(8, 8, 1 / 6), 5.95374180765127e-7, 1e-9, 'binomtest(8, 8, 1/6, greater)');
    close(binomialUpperTail(12, 40, 0.2), 0.08750523592200611, 1e-9, 'binomtest(12, 40, 0.2, greater)');
    close(binomialLowerTail(3, 40, 0.2), 0.028462094459744576, 1e-9, 'binomtest(3, 40, 0.2, less)');
  });
});

describe('robust location and scale', () => {
  it('quantiles follow type 7 (numpy default)', () => {
    const v = [3, 1, 4, 1, 5, 9, 2, 6];
    close(quantile(v, 0.1), 1, 1e-12);
    close(quantile(v, 0.5), 3.5, 1e-12);
    close(quantile(v, 0.9), 6.9, 1e-12);
  });
  it('median, MAD and a robust σ shrug off an outlier; a mostly-zero series still has scale', () => {
    assert.equal(median([1, 2, 3, 4, 100]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(mad([1, 2, 3, 4, 100]), 1); // scipy.stats.median_abs_deviation
    assert.ok(Math.abs(robustSigma([1, 2, 3, 4, 100]) - 1.4826) < 1e-3);
    const sparse = [0, 0, 0, 0, 0, 0, 0, 3];
    assert.equal(mad(sparse), 0);
    assert.ok(robustSigma(sparse) > 0);
    assert.equal(median(new Array(1001).fill(7)), 7);
  });
  it('Hodges-Lehmann shift is the median pairwise difference', () => {
    const x = [0.12, 0.121, 0.119, 0.13, 0.118, 0.125, 0.122, 0.117, 0.124, 0.12, 0.123, 0.119];
    const y = [0.9, 0.91, 0.88, 0.95, 0.92];
    close(hodgesLehmannShift(x, y), 0.7895, 1e-9, 'numpy median of outer differences');
  });
  it('lag-1 autocorrelation sees a smooth series and not white noise', () => {
    const rng = new SeededRandom(1);
    const noise = Array.from({ length: 2000 }, () => rng.normal());
    assert.ok(Math.abs(lag1Autocorrelation(noise)) < 0.06);
    let s = 0;
    const ar = Array.from({ length: 2000 }, () => (s = 0.8 * s + rng.normal()));
    assert.ok(Math.abs(lag1Autocorrelation(ar) - 0.8) < 0.05);
  });
});

describe('Mann-Whitney U', () => {
  it('exact small-sample p-values match SciPy', () => {
    // scipy.stats.mannwhitneyu([2,3,4], [1,5,6,7], alternative='greater', method='exact') → U=3, p=0.885714
    const r = mannWhitney([1, 5, 6, 7], [2, 3, 4]);
    assert.equal(r.method, 'exact');
    assert.equal(r.u, 3);
    close(r.pGreater, 0.8857142857142858, 1e-12);
    // Complete separation 5 vs 12: exact p = 1/C(17,5) = 0.00016160310277957336
    const x = [0.12, 0.121, 0.119, 0.13, 0.118, 0.125, 0.122, 0.117, 0.124, 0.12, 0.123, 0.119];
    const big = mannWhitney(x, [0.9, 0.91, 0.88, 0.95, 0.92], { method: 'exact' });
    close(big.pGreater, 0.00016160310277957336, 1e-9);
    const dist = exactDistribution(5, 12);
    close(
      dist.reduce((a, b) => a + b, 0),
      1,
      1e-12,
    );
  });
  it('the tie-corrected normal approximation matches SciPy', () => {
    // scipy: mannwhitneyu(y, x, alternative='less', method='asymptotic') → U=23, p=0.06645972909265946
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    const r = mannWhitney(x, y);
    assert.equal(r.method, 'normal');
    assert.equal(r.u, 23);
    close(r.pLess, 0.06645972909265946, 1e-9);
  });
  it('handles a zero baseline with sparse errors (heavy ties)', () => {
    // scipy: mannwhitneyu([0,0,0,3,0,5], [0]*30, alternative='greater', method='asymptotic') → U=120, p=0.000806
    const approx = mannWhitney(new Array(30).fill(0), [0, 0, 0, 3, 0, 5], { method: 'normal' });
    assert.equal(approx.u, 120);
    close(approx.pGreater, 0.0008061215027864499, 1e-9);
    // Exactly: as large a rank sum needs both non-zero values among the six, C(34,4)/C(36,6) —
    // thirty times the approximation's p.
    const exact = mannWhitney(new Array(30).fill(0), [0, 0, 0, 3, 0, 5]);
    assert.equal(exact.method, 'exact');
    close(exact.pGreater, 46376 / 1947792, 1e-12);
    const allTied = mannWhitney([1, 1, 1], [1, 1]);
    assert.equal(allTied.pGreater, 1);
  });
  it('tied samples get the exact permutation p-values of their mid-rank sums', () => {
    // Every way of choosing which values are the second sample's, enumerated.
    const enumerate = (x: number[], y: number[]) => {
      const all = [...x, ...y].sort((a, b) => a - b);
      const rank = (v: number) => (all.indexOf(v) + all.lastIndexOf(v) + 2) / 2;
      const observed = y.reduce((sum, v) => sum + rank(v), 0);
      let greater = 0;
      let less = 0;
      let total = 0;
      const walk = (from: number, left: number, sum: number): void => {
        if (left === 0) {
          total++;
          if (sum >= observed - 1e-9) greater++;
          if (sum <= observed + 1e-9) less++;
          return;
        }
        for (let i = from; i < all.length; i++) walk(i + 1, left - 1, sum + rank(all[i]!));
      };
      walk(0, y.length, 0);
      return { greater: greater / total, less: less / total };
    };
    const cases: [number[], number[]][] = [
      [
        [1, 1, 2, 3, 3, 3, 4],
        [3, 4, 4, 5],
      ],
      [
        [2, 2, 5],
        [1, 2, 2, 2, 5, 6, 6],
      ], // the first sample the smaller
      [
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 9],
        [9, 9, 10],
      ],
      [
        [4, 4, 4, 4, 5, 5, 6],
        [3, 4, 4],
      ],
    ];
    for (const [x, y] of cases) {
      const r = mannWhitney(x, y, { method: 'exact' });
      const want = enumerate(x, y);
      close(r.pGreater, want.greater, 1e-12);
      close(r.pLess, want.less, 1e-12);
    }
    // Four one-minute points above a rounded baseline: 1/C(34,4), not the approximation's 7·10⁻⁴.
    const baseline = Array.from({ length: 30 }, (_, i) => [0.003, 0.004, 0.005][i % 3]!);
    close(mannWhitney(baseline, [0.2, 0.21, 0.2, 0.19]).pGreater, 1 / 46376, 1e-12);
  });
});

describe('rate test for sparse counts', () => {
  it('flags errors after an all-zero baseline (conditional binomial, SciPy binomtest)', () => {
    // 0 errors in 30 minutes, then 8 in 6 minutes: binomtest(8, 8, 6/36, 'greater') = 5.95e-7
    const r = poissonRateTest({
      baselineEvents: 0,
      baselineExposure: 30,
      observedEvents: 8,
      observedExposure: 6,
    });
    close(r.pGreater, 5.95374180765127e-7, 1e-9);
    assert.equal(r.ratio, Infinity);
  });
  it('does not flag the same rate, and overdispersion weakens the evidence', () => {
    const same = poissonRateTest({
      baselineEvents: 20,
      baselineExposure: 10_000,
      observedEvents: 10,
      observedExposure: 5_000,
    });
    assert.ok(same.pGreater > 0.4);
    const plain = poissonRateTest({
      baselineEvents: 20,
      baselineExposure: 10_000,
      observedEvents: 25,
      observedExposure: 5_000,
    });
    const bursty = poissonRateTest({
      baselineEvents: 20,
      baselineExposure: 10_000,
      observedEvents: 25,
      observedExposure: 5_000,
      dispersion: 4,
    });
    close(plain.pGreater, 0.0017783483479728783, 1e-9, 'binomtest(25, 45, 1/3, greater)');
    assert.ok(bursty.pGreater > 0.1);
    const none = poissonRateTest({
      baselineEvents: 0,
      baselineExposure: 30,
      observedEvents: 0,
      observedExposure: 15,
    });
    assert.equal(none.pGreater, 1);
  });
  it('estimates dispersion from the baseline, and 1 for zeros or Poisson-like counts', () => {
    assert.equal(poissonDispersion([0, 0, 0, 0], [1, 1, 1, 1]), 1);
    assert.ok(poissonDispersion([0, 0, 20, 0, 0, 0, 20, 0], [1, 1, 1, 1, 1, 1, 1, 1]) > 5);
  });
});

describe('Brown-Forsythe scale test', () => {
  it('matches scipy.stats.levene(center="median")', () => {
    const x = [8.88, 9.12, 9.04, 8.98, 9.0, 9.08, 9.01, 8.85, 9.06, 8.99];
    const y = [8.88, 8.95, 9.29, 9.44, 9.15, 9.58, 8.36, 9.18, 8.67, 9.05];
    const r = brownForsythe(x, y);
    close(r.f, 8.461374333228711, 1e-9);
    close(r.pTwoSided, 0.009364737715584381, 1e-8);
    close(r.pGreater, 0.009364737715584381 / 2, 1e-8);
    const r2 = brownForsythe([1, 2, 3, 4, 100], [1, 5, 9, 13, 17, 200]);
    close(r2.f, 0.16864382659693347, 1e-9);
    close(r2.pTwoSided, 0.6909247755873941, 1e-8);
  });
});

describe('rank scale test', () => {
  // A low-traffic service's p95 a minute: the largest of ~6 requests, 3% of which are 10× slow.
  const rng = new SeededRandom(11);
  const slowTail = () => (rng.next() < 0.03 ? 10 : 1) * Math.exp(0.5 * rng.normal());
  const p95of6 = () => Math.max(...Array.from({ length: 6 }, slowTail));

  it('holds its level on heavy-tailed, bimodal small samples (where Brown-Forsythe does not)', () => {
    const reps = 4000;
    let rank = 0;
    let bf = 0;
    for (let r = 0; r < reps; r++) {
      const x = Array.from({ length: 30 }, p95of6);
      const y = Array.from({ length: 5 }, p95of6);
      if (rankScaleTest(x, y).pGreater <= 0.01) rank++;
      if (brownForsythe(x, y).pGreater <= 0.01) bf++;
    }
    assert.ok(rank / reps <= 0.015, `rank scale test: ${rank}/${reps} at α = 1%`);
    assert.ok(bf / reps > 0.015, `Brown-Forsythe on these samples: ${bf}/${reps} at α = 1%`);
  });

  it('finds a spread blow-up with the same median, and its spreads ignore a moved location', () => {
    const x = Array.from({ length: 30 }, () => Math.exp(0.1 * rng.normal()));
    const wide = Array.from({ length: 15 }, () => Math.exp(0.8 * rng.normal()));
    const wider = rankScaleTest(x, wide);
    assert.ok(wider.pGreater < 1e-4, `p = ${wider.pGreater}`);
    assert.ok(wider.spreadY / wider.spreadX > 4);
    assert.equal(wider.logScale, true);
    const shifted = rankScaleTest(
      x,
      x.slice(0, 15).map((v) => 3 * v),
    );
    assert.ok(shifted.spreadY / shifted.spreadX < 1.5, 'a location shift is not a wider spread');
  });
});

describe('Simes multiplicity', () => {
  it('calls significant whatever Bonferroni does, and related tests that are small together', () => {
    const rng = new SeededRandom(3);
    for (let r = 0; r < 300; r++) {
      const p = Array.from({ length: 1 + rng.int(30) }, () => rng.next() ** 4);
      const simes = simesSignificant(p, 0.01);
      p.forEach((v, i) =>
        assert.ok(!(v <= 0.01 / p.length) || simes[i], `Bonferroni takes ${v} of ${p.length}`),
      );
    }
    // Three related tests at the smallest p a rank test of 3 points against 30 can give.
    const related = [1.8e-4, 1.8e-4, 1.8e-4, ...Array.from({ length: 27 }, (_, i) => 0.2 + i * 0.02)];
    assert.deepEqual(simesSignificant(related, 0.0026).slice(0, 4), [true, true, true, false]);
    assert.ok(
      related.every((v) => v > 0.0026 / 30),
      'Bonferroni takes none of them',
    );
  });

  it('keeps the level for a clean change whose tests are positively dependent', () => {
    const rng = new SeededRandom(4);
    let fails = 0;
    const reps = 20_000;
    for (let r = 0; r < reps; r++) {
      // 20 tests sharing a common factor (the same latency at several percentiles, say).
      const common = rng.normal();
      const p = Array.from({ length: 20 }, () => normalSf(0.8 * common + 0.6 * rng.normal()));
      if (simesSignificant(p, 0.01).some(Boolean)) fails++;
    }
    assert.ok(fails / reps <= 0.012, `${fails}/${reps} at α = 1%`);
  });
});

describe('robust lag-1 autocorrelation', () => {
  it('does not read an earlier burst inside the baseline as dependence, and still sees AR(1) noise', () => {
    const rng = new SeededRandom(9);
    const white = Array.from({ length: 40 }, () => rng.normal());
    const burst = white.map((v, i) => (i >= 15 && i < 19 ? v + 8 : v));
    assert.ok(lag1Autocorrelation(burst) > 0.4, 'the classical estimate is fooled');
    assert.ok(robustLag1Autocorrelation(burst) < 0.3, `robust: ${robustLag1Autocorrelation(burst)}`);
    let x = 0;
    const ar = Array.from({ length: 200 }, () => (x = 0.8 * x + 0.6 * rng.normal()));
    assert.ok(robustLag1Autocorrelation(ar) > 0.6, `AR(0.8): ${robustLag1Autocorrelation(ar)}`);
  });
});

describe('alpha spending', () => {
  it('O’Brien-Fleming spends almost nothing early; every function spends exactly α by the end', () => {
    // 2·norm.sf(norm.ppf(0.975)/sqrt(0.5)) = 0.005574596680784415
    close(alphaSpent('obrien-fleming', 0.05, 0.5), 0.005574596680784415, 1e-9);
    for (const kind of ['obrien-fleming', 'pocock', 'linear'] as const) {
      close(alphaSpent(kind, 0.01, 1), 0.01, 1e-9, kind);
      let total = 0;
      let prev = 0;
      for (let k = 1; k <= 15; k++) {
        total += alphaForLook(kind, 0.01, k / 15, prev);
        prev = k / 15;
      }
      close(total, 0.01, 1e-9, `${kind} total`);
    }
    assert.ok(alphaSpent('pocock', 0.01, 0.2) > alphaSpent('obrien-fleming', 0.01, 0.2) * 100);
  });
});

describe('quantile by selection', () => {
  it('agrees with the sorting quantile', () => {
    const rng = new SeededRandom(8);
    for (const n of [1, 2, 5, 20, 101]) {
      const v = Array.from({ length: n }, () => Math.round(rng.normal(0, 3)));
      for (const q of [0, 0.05, 0.5, 0.95, 1])
        close(quantileSelect(Float64Array.from(v), q), quantile(v, q), 1e-12, `n=${n} q=${q}`);
    }
  });
});
