import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aChange } from '#testing';
import { emptyPolicy } from '../policy/policy.js';
import { ChangeHistory } from './change-history.js';
import { changeFeatures, featureIndex, FEATURES, type Feature } from './features.js';
import { MATURE } from './label-maturity.js';
import { predictiveRate, sigmoid } from './logistic.js';
import {
  clusterDesignEffect,
  DEFAULT_RISK_MODEL,
  estimateRisk,
  fitRiskModel,
  logOddsVariance,
  predictLogOdds,
  probabilityOf,
} from './risk-model.js';
import { seededRandom } from './simulation.js';
import type { TrainingExample } from './training-example.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 1);

/** A feature vector with one feature set (the rest at their routine value, 0). */
function values(feature: Feature, x: number): number[] {
  const v = new Array<number>(FEATURES.length).fill(0);
  v[featureIndex(feature)] = x;
  return v;
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('fitting on outcomes that take time to show', () => {
  // Two years of changes; true log-odds −1.6 + 0.8 per doubling of files; each failure is
  // reported after an exponential delay with a mean of 120 days, so at the fit the youngest
  // changes' failures are mostly still to come.
  const random = seededRandom(5);
  const examples: TrainingExample[] = [];
  const truth: number[] = [];
  for (let i = 0; i < 30_000; i++) {
    const startedAt = NOW - random() * 730 * DAY;
    const x = normal(random);
    const p = sigmoid(-1.6 + 0.8 * x);
    const failedAt = random() < p ? startedAt - Math.log(1 - random()) * 120 * DAY : null;
    examples.push({ changeId: `c${i}`, service: 'svc', values: values('files', x), startedAt, failedAt });
    truth.push(p);
  }

  it('expects the failures still to come, and so predicts the true rate; reading them as clean does not', () => {
    const aware = fitRiskModel(examples, { now: NOW, servicePooling: false });
    const naive = fitRiskModel(examples, { now: NOW, servicePooling: false, maturity: MATURE });
    const predicted = (m: typeof aware) => mean(examples.map((e) => probabilityOf(m, e.values)));
    const trueRate = mean(truth);
    assert.ok(Math.abs(predicted(aware) - trueRate) < 0.01, `aware ${predicted(aware)} vs ${trueRate}`);
    assert.ok(predicted(naive) < trueRate - 0.02, `naive ${predicted(naive)} vs ${trueRate}`);
    assert.ok(Math.abs(aware.weights.files - 0.8) < 0.1, `files weight ${aware.weights.files}`);
    assert.ok(aware.fit?.converged);
  });

  it('never reads a failure reported after the fit', () => {
    const early = NOW - 365 * DAY;
    const seen = examples.filter((e) => e.startedAt < early);
    const a = fitRiskModel(seen, { now: early, servicePooling: false });
    // Same examples, failures after `early` erased: the same fit.
    const b = fitRiskModel(
      seen.map((e) => ({ ...e, failedAt: e.failedAt !== null && e.failedAt <= early ? e.failedAt : null })),
      { now: early, servicePooling: false },
    );
    assert.equal(a.intercept, b.intercept);
    assert.deepEqual(a.weights, b.weights);
  });
});

describe('per-service levels, pooled towards the fleet', () => {
  const random = seededRandom(9);
  const levels = [-0.9, -0.5, -0.2, 0, 0.1, 0.4, 0.8, 1.1];
  const examples: TrainingExample[] = [];
  const addService = (name: string, level: number, n: number) => {
    for (let i = 0; i < n; i++) {
      const x = normal(random);
      const startedAt = NOW - random() * 365 * DAY;
      const failed = random() < sigmoid(-2 + level + 0.5 * x);
      examples.push({
        changeId: `${name}-${i}`,
        service: name,
        values: values('entropy', x),
        startedAt,
        failedAt: failed ? startedAt : null,
      });
    }
  };
  levels.forEach((level, i) => addService(`svc-${i}`, level, 4000));
  // A new service with a short record that happens to look bad: 3 of 12 failed.
  for (let i = 0; i < 12; i++)
    examples.push({
      changeId: `new-${i}`,
      service: 'new',
      values: values('entropy', 0),
      startedAt: NOW - (i + 1) * DAY,
      failedAt: i < 3 ? NOW - (i + 1) * DAY : null,
    });
  const model = fitRiskModel(examples, { now: NOW });

  it('learns each long-running service’s own level and how much services differ', () => {
    const fleetMean = mean(levels);
    levels.forEach((level, i) => {
      const fitted = model.services![`svc-${i}`]!.offset;
      assert.ok(Math.abs(fitted - (level - fleetMean)) < 0.15, `svc-${i}: ${fitted} vs ${level - fleetMean}`);
    });
    const spread = model.fit!.serviceSpread!;
    assert.ok(spread > 0.4 && spread < 1.1, `spread ${spread}`);
  });

  it('keeps a service with a short record near the fleet, and a service never seen at it', () => {
    const own = model.services!['new']!;
    const raw = Math.log(3 / 9) - (model.intercept - mean(levels) + mean(levels)); // its own log-odds vs the fleet's
    assert.ok(Math.abs(own.offset) < Math.abs(raw), `shrunk: ${own.offset} vs ${raw}`);
    assert.equal(own.changes, 12);
    assert.equal(own.failures, 3);
    const v = values('entropy', 0);
    assert.equal(probabilityOf(model, v, 'never-seen'), probabilityOf(model, v));
  });

  it('with predictive mean-rate, averages the rate over the posterior: the less known, the nearer ½', () => {
    const moderated = fitRiskModel(examples, { now: NOW, predictive: 'mean-rate' });
    assert.equal(moderated.predictive, 'mean-rate');
    assert.equal(model.predictive, undefined);
    assert.equal(model.fit?.posterior, undefined);
    const v = values('entropy', 0);
    // Plug-in is σ of the log-odds, no variance asked for.
    assert.equal(probabilityOf(model, v, 'svc-3'), sigmoid(predictLogOdds(model, v, 'svc-3')));
    assert.equal(logOddsVariance(DEFAULT_RISK_MODEL, v, 'svc-3'), 0);
    // A service with 4,000 changes is known better than one with 12, and one never seen least.
    const long = logOddsVariance(moderated, v, 'svc-3');
    const short = logOddsVariance(moderated, v, 'new');
    const unseen = logOddsVariance(moderated, v, 'never-seen');
    assert.ok(long > 0 && long < short && short < unseen, `${long} < ${short} < ${unseen}`);
    const spread = moderated.fit!.serviceSpread!;
    assert.ok(
      unseen > spread ** 2 && unseen < spread ** 2 + 0.05,
      `unseen ${unseen}, spread² ${spread ** 2}`,
    );
    for (const service of ['svc-3', 'new', 'never-seen']) {
      const m = predictLogOdds(moderated, v, service);
      const p = probabilityOf(moderated, v, service);
      assert.equal(p, predictiveRate(m, logOddsVariance(moderated, v, service)));
      assert.ok(Math.abs(p - 0.5) < Math.abs(sigmoid(m) - 0.5), `${service}: ${p} vs ${sigmoid(m)}`);
    }
  });

  it('says so in the reasons', () => {
    const history = new ChangeHistory();
    const policy = emptyPolicy('spec');
    const change = aChange({ service: 'svc-7', startedAt: NOW });
    const reasons = estimateRisk(model, change, changeFeatures(change, history, policy)).reasons;
    const level = reasons.find((r) => r.factor === 'service-level')!;
    assert.match(level.detail, /^svc-7’s own record in the fit \(\d+ of 4000 changes failed\) puts it \+/);
    const unknown = aChange({ service: 'brand-new', startedAt: NOW });
    assert.match(
      estimateRisk(model, unknown, changeFeatures(unknown, history, policy)).reasons.find(
        (r) => r.factor === 'service-level',
      )!.detail,
      /new to the model: the fleet’s level applies/,
    );
  });
});

describe('recency', () => {
  it('with a half-life, follows a failure rate that fell', () => {
    const random = seededRandom(3);
    const examples: TrainingExample[] = Array.from({ length: 20_000 }, (_, i) => {
      const startedAt = NOW - random() * 730 * DAY;
      const rate = startedAt < NOW - 365 * DAY ? 0.3 : 0.1;
      return {
        changeId: `c${i}`,
        service: 'svc',
        values: values('files', 0),
        startedAt,
        failedAt: random() < rate ? startedAt : null,
      };
    });
    const v = values('files', 0);
    const flat = probabilityOf(fitRiskModel(examples, { now: NOW, servicePooling: false }), v);
    const recent = probabilityOf(
      fitRiskModel(examples, { now: NOW, servicePooling: false, halfLifeMs: 60 * DAY }),
      v,
    );
    assert.ok(Math.abs(flat - 0.2) < 0.02, `flat ${flat}`);
    assert.ok(recent < 0.13, `recent ${recent}`);
  });
});

describe('outcomes that come in clusters', () => {
  // Services × quarters; each change's log-odds −2 + 0.4 per unit of entropy, plus its cluster's
  // shift (sd `shift`): a service's changes of one quarter share its state then. The clusters'
  // mean entropy varies too, so with few clusters their shifts pass for an entropy effect.
  function fleet(seed: number, shift: number, clusters = 12, perCluster = 250): TrainingExample[] {
    const random = seededRandom(seed);
    const examples: TrainingExample[] = [];
    for (let c = 0; c < clusters; c++) {
      const service = `svc-${c % 3}`;
      const quarter = Math.floor(c / 3);
      const delta = shift * normal(random);
      const centre = normal(random);
      for (let i = 0; i < perCluster; i++) {
        const x = centre + normal(random);
        const startedAt = NOW - (quarter + 1) * 91 * DAY + random() * 90 * DAY;
        const failed = random() < sigmoid(-2 + 0.4 * x + delta);
        examples.push({
          changeId: `c${c}-${i}`,
          service,
          values: values('entropy', x),
          startedAt,
          failedAt: failed ? startedAt : null,
        });
      }
    }
    return examples;
  }
  const designEffectOf = (examples: readonly TrainingExample[]) => {
    const model = fitRiskModel(examples, { now: NOW, maturity: MATURE, featureEvidence: 'independent' });
    const groups = Object.keys(model.services!);
    return clusterDesignEffect(
      examples.map((e) => e.values),
      examples.map((e) => e.failedAt !== null),
      examples.map(() => 1),
      undefined,
      {
        w: [model.intercept, ...FEATURES.map((f) => model.weights[f])],
        u: groups.map((s) => model.services![s]!.offset),
      },
      examples.map((e) => groups.indexOf(e.service)),
      examples.map((e) => `${e.service}/${Math.floor((NOW - e.startedAt) / (91 * DAY))}`),
    );
  };

  it('finds independent outcomes about as informative as the likelihood takes them, clustered ones less', () => {
    const independent = mean([1, 2, 3, 4].map((seed) => designEffectOf(fleet(seed, 0))));
    const clustered = mean([1, 2, 3, 4].map((seed) => designEffectOf(fleet(seed, 0.8))));
    assert.ok(independent > 0.6 && independent < 1.5, `independent ${independent}`);
    assert.ok(clustered > 2 * independent, `clustered ${clustered} vs ${independent}`);
  });

  it('weighs the features by what the clusters say, and so strays less from the truth than counting every outcome on its own', () => {
    let clusteredError = 0;
    let independentError = 0;
    for (let seed = 10; seed < 30; seed++) {
      const examples = fleet(seed, 1, 9);
      const clustered = fitRiskModel(examples, { now: NOW, maturity: MATURE });
      const independent = fitRiskModel(examples, {
        now: NOW,
        maturity: MATURE,
        featureEvidence: 'independent',
      });
      assert.ok(clustered.fit!.designEffect! > 0, `design effect ${clustered.fit!.designEffect}`);
      assert.equal(independent.fit!.designEffect, undefined);
      clusteredError += (clustered.weights.entropy - 0.4) ** 2;
      independentError += (independent.weights.entropy - 0.4) ** 2;
    }
    // Pulled towards a prior (0.2) that is not the truth (0.4), it still strays less in all.
    assert.ok(clusteredError < independentError, `${clusteredError} vs ${independentError}`);
  });

  it('keeps the prior where it has nothing to add', () => {
    // The default weight of entropy is the prior's: with clustered evidence the fit stays nearer it.
    const examples = fleet(30, 1.2, 6);
    const clustered = fitRiskModel(examples, { now: NOW, maturity: MATURE });
    const independent = fitRiskModel(examples, {
      now: NOW,
      maturity: MATURE,
      featureEvidence: 'independent',
    });
    const prior = DEFAULT_RISK_MODEL.weights.entropy;
    assert.ok(
      Math.abs(clustered.weights.entropy - prior) < Math.abs(independent.weights.entropy - prior),
      `${clustered.weights.entropy} vs ${independent.weights.entropy} (prior ${prior})`,
    );
  });
});
