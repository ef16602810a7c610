import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FEATURES } from './features.js';
import { labelMaturity, MATURE } from './label-maturity.js';
import { learnLevelTrust, meanOnUnit } from './level-trust.js';
import { sigmoid } from './logistic.js';
import { DEFAULT_RISK_MODEL, fitRiskModel, predictLogOdds, type RiskModel } from './risk-model.js';
import { seededRandom } from './simulation.js';
import type { TrainingExample } from './training-example.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 1);
const ZERO = new Array<number>(FEATURES.length).fill(0);
const INTERCEPT = -2;

/** An earlier fit made at `at` that put each service at `levels[s]`. */
function earlierFit(at: number, levels: Record<string, number>): RiskModel {
  return {
    intercept: INTERCEPT,
    weights: DEFAULT_RISK_MODEL.weights,
    services: Object.fromEntries(
      Object.entries(levels).map(([s, offset]) => [s, { offset, changes: 100, failures: 10 }]),
    ),
    fit: {
      examples: 0,
      failures: 0,
      from: Number.NaN,
      to: at,
      iterations: 0,
      converged: true,
      maturity: MATURE,
      halfLifeMs: null,
      serviceSpread: 1,
    },
  };
}

interface World {
  readonly fits: RiskModel[];
  readonly examples: TrainingExample[];
}

/**
 * Four years of quarterly refits over `services` services; each refit puts a service at the
 * level it had then, and the changes after it fail at the rate of the level they really have:
 * `carried` × the fit's (1: stable rates; less: the services drift back towards the fleet).
 * Failures are reported after an exponential delay (mean `delayDays`, 0: at once).
 */
function world(seed: number, services: number, carried: number, delayDays = 0, perQuarter = 400): World {
  const random = seededRandom(seed);
  const fits: RiskModel[] = [];
  const examples: TrainingExample[] = [];
  for (let q = 0; q < 16; q++) {
    const at = NOW - (16 - q) * 91 * DAY;
    // A fresh draw of the levels each quarter: what the fit saw; the changes see `carried` of it.
    const levels = Object.fromEntries(
      Array.from({ length: services }, (_, s) => [`svc-${s}`, (random() * 2 - 1) * 2]),
    );
    fits.push(earlierFit(at, levels));
    for (let i = 0; i < perQuarter; i++) {
      const service = `svc-${i % services}`;
      const startedAt = at + random() * 91 * DAY;
      const p = sigmoid(INTERCEPT + carried * levels[service]!);
      const delay = delayDays === 0 ? 0 : -Math.log(1 - random()) * delayDays * DAY;
      const failedAt = random() < p ? startedAt + delay : null;
      examples.push({ changeId: `c${q}-${i}`, service, values: ZERO, startedAt, failedAt });
    }
  }
  return { fits, examples };
}

describe('learning how far service levels carry over', () => {
  it('trusts the levels in full where services keep their rates', () => {
    const { fits, examples } = world(1, 8, 1);
    const trust = learnLevelTrust(examples, fits, { now: NOW, maturity: MATURE });
    assert.ok(trust.trust > 0.9, `trust ${trust.trust}`);
    assert.equal(trust.fits, 16);
    assert.equal(trust.services, 8);
  });

  it('uses less of them where the rates drift back towards the fleet', () => {
    const { fits, examples } = world(2, 8, 0.4);
    const trust = learnLevelTrust(examples, fits, { now: NOW, maturity: MATURE });
    assert.ok(Math.abs(trust.trust - 0.4) < 0.12, `trust ${trust.trust}`);
    assert.ok(trust.own !== undefined && Math.abs(trust.own - 0.4) < 0.12, `own ${trust.own}`);
  });

  it('reads young changes with no failure yet by how far their failures have had time to show', () => {
    // Failures take a year on average to be reported: most of the last year's are still to come.
    const { fits, examples } = world(3, 8, 1, 365);
    const maturity = labelMaturity(
      examples.map((e) => ({ startedAt: e.startedAt, knownAt: e.failedAt })),
      NOW,
    );
    const aware = learnLevelTrust(examples, fits, { now: NOW, maturity });
    assert.ok(aware.trust > 0.85, `trust ${aware.trust}`);
  });

  it('takes the trust as unknown without a track record to go on: half of the levels', () => {
    const stable = world(4, 8, 0.3);
    // No earlier fits, or too few failures, or fewer than three services: nothing is known of
    // how far levels carry over; the mean of [0, 1]. The `full` prior keeps all of the level.
    const few = stable.examples.slice(0, 60);
    const two = world(5, 2, 0.3);
    for (const [examples, fits] of [
      [stable.examples, []],
      [few, stable.fits],
      [two.examples, two.fits],
    ] as const) {
      assert.equal(learnLevelTrust(examples, fits, { now: NOW, maturity: MATURE }).trust, 0.5);
      assert.equal(learnLevelTrust(examples, fits, { now: NOW, maturity: MATURE, prior: 'full' }).trust, 1);
    }
  });

  it('counts its evidence by service: a few services leave the trust nearer its prior', () => {
    const many = world(6, 12, 0.3, 0, 600);
    const few = world(6, 3, 0.3, 0, 600);
    const options = { now: NOW, maturity: MATURE, prior: 'full' } as const;
    const fromMany = learnLevelTrust(many.examples, many.fits, options);
    const fromFew = learnLevelTrust(few.examples, few.fits, options);
    assert.ok(fromMany.spread! < fromFew.spread!, `${fromMany.spread} vs ${fromFew.spread}`);
    assert.ok(fromFew.trust - fromFew.own! > fromMany.trust - fromMany.own!);
    // Unknown: pulled towards the middle of [0, 1], less so by the many services' evidence.
    const unknownMany = learnLevelTrust(many.examples, many.fits, { now: NOW, maturity: MATURE });
    const unknownFew = learnLevelTrust(few.examples, few.fits, { now: NOW, maturity: MATURE });
    assert.ok(Math.abs(unknownMany.trust - 0.3) < 0.1, `many: ${unknownMany.trust}`);
    assert.ok(unknownFew.trust < fromFew.trust, `${unknownFew.trust} vs ${fromFew.trust}`);
  });

  it('on a fleet whose levels drift, a thin track record under the unknown prior predicts the next year better than under the full one', () => {
    // Three services whose next changes show about a third of the level a fit saw; half a year
    // of track record, sixty changes a quarter: too little to say much by itself (or anything).
    let better = 0;
    const trials = 8;
    for (let seed = 0; seed < trials; seed++) {
      const { fits, examples } = world(100 + seed, 3, 0.35, 0, 60);
      const cut = fits[2]!.fit!.to;
      const record = examples.filter((e) => e.startedAt < cut);
      const earlier = fits.filter((f) => f.fit!.to < cut);
      // The next four quarters, each scored with the levels its own fit saw, at the trust learnt at the cut.
      const score = (trust: number) => {
        let ll = 0;
        for (const fit of fits.slice(2, 6)) {
          const from = fit.fit!.to;
          for (const e of examples) {
            if (e.startedAt < from || e.startedAt >= from + 91 * DAY) continue;
            const p = sigmoid(INTERCEPT + trust * fit.services![e.service]!.offset);
            ll += e.failedAt !== null ? Math.log(p) : Math.log1p(-p);
          }
        }
        return ll;
      };
      const unknown = learnLevelTrust(record, earlier, { now: cut, maturity: MATURE });
      const full = learnLevelTrust(record, earlier, { now: cut, maturity: MATURE, prior: 'full' });
      if (score(unknown.trust) > score(full.trust)) better++;
    }
    assert.ok(better >= 7, `better in ${better} of ${trials}`);
  });

  it('still trusts stable levels in full under the unknown prior once the track record is long', () => {
    const { fits, examples } = world(9, 8, 1);
    const trust = learnLevelTrust(examples, fits, { now: NOW, maturity: MATURE });
    assert.ok(trust.trust > 0.85, `trust ${trust.trust}`);
  });

  it('never reads an outcome reported after the fit, nor a fit made after it', () => {
    const { fits, examples } = world(7, 8, 0.5, 200);
    const cut = NOW - 400 * DAY;
    const seen = examples.filter((e) => e.startedAt < cut);
    const erased = seen.map((e) => ({
      ...e,
      failedAt: e.failedAt !== null && e.failedAt <= cut ? e.failedAt : null,
    }));
    const maturity = labelMaturity(
      erased.map((e) => ({ startedAt: e.startedAt, knownAt: e.failedAt })),
      cut,
    );
    const a = learnLevelTrust(seen, fits, { now: cut, maturity });
    const b = learnLevelTrust(erased, fits, { now: cut, maturity });
    const c = learnLevelTrust(
      erased,
      fits.filter((f) => f.fit!.to <= cut),
      { now: cut, maturity },
    );
    assert.deepEqual(a, b);
    assert.deepEqual(a, c);
  });
});

describe('the mean of a share known to lie in [0, 1]', () => {
  it('is the middle without evidence, the evidence itself where it is sharp and well inside', () => {
    assert.equal(meanOnUnit(0.9, 0), 0.5);
    assert.ok(Math.abs(meanOnUnit(0.3, 1e6) - 0.3) < 1e-4);
    assert.ok(Math.abs(meanOnUnit(0.5, 4) - 0.5) < 1e-9);
  });

  it('stays inside [0, 1] when the evidence points beyond it, nearer the end it points to', () => {
    // N(−10, 1) cut to [0, 1] is nearly an exponential of rate 10: mean ≈ 0.1.
    const low = meanOnUnit(-10, 1);
    assert.ok(low > 0.09 && low < 0.1, `low ${low}`);
    const high = meanOnUnit(1.5, 4);
    assert.ok(high > 0.6 && high < 1, `high ${high}`);
    // A sharp estimate at the end: half a standard deviation inside it.
    const edge = meanOnUnit(1, 10_000);
    assert.ok(Math.abs(edge - (1 - 0.01 * Math.sqrt(2 / Math.PI))) < 1e-3, `edge ${edge}`);
  });
});

describe('a fit given its earlier fits', () => {
  it('predicts with the share of the service levels its track record supports', () => {
    const { fits, examples } = world(8, 8, 0.4);
    const model = fitRiskModel(examples, { now: NOW, maturity: MATURE, earlier: fits, minFailures: 1 });
    const trust = model.levelTrust!;
    assert.ok(trust < 0.7, `trust ${trust}`);
    assert.equal(model.fit?.trust?.trust, trust);
    const level = model.services!['svc-0']!.offset;
    const z = predictLogOdds(model, ZERO, 'svc-0') - predictLogOdds(model, ZERO);
    assert.ok(Math.abs(z - trust * level) < 1e-12, `${z} vs ${trust} × ${level}`);
    // Without earlier fits: the levels as fitted.
    assert.equal(
      fitRiskModel(examples, { now: NOW, maturity: MATURE, minFailures: 1 }).levelTrust,
      undefined,
    );
  });
});
