import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Change } from '#contracts';
import { aChange, anIncident, aProblem, aVerdict, MINUTE } from '#testing';
import { parsePolicy } from '../policy/parse-policy.js';
import { assess, assessDetailed } from './assess.js';
import { ChangeHistory } from './change-history.js';
import { logit } from './features.js';
import {
  DEFAULT_RISK_MODEL,
  DEFAULT_TRACK_RECORD,
  estimateRisk,
  fitFromHistory,
  trackRecordFits,
} from './risk-model.js';
import { score } from './scoring.js';
import { simulateHistory } from './simulation.js';
import { changeFeatures } from './features.js';

const DAY = 86_400_000;
const POLICY = parsePolicy(
  `version: 1
riskClasses: { normalFrom: 0.05, highFrom: 0.2 }
freezeWindows:
  - id: weekend-freeze
    timeZone: Europe/Berlin
    recurring: { from: 'Fri 18:00', to: 'Mon 06:00' }
    environments: [production]
rules:
  - id: block-risky-in-freeze
    description: inside a freeze window only standard-risk changes are considered
    match: { environment: [production], freeze: inside, minRiskClass: normal }
    decision: blocked
  - id: standard-automated-canary
    description: automated pipeline deploys with passing tests, canary rollout, standard risk, outside freeze windows
    match: { kind: [deployment], automated: true, testsPassed: true, rollout: [canary], maxRiskClass: standard, freeze: outside }
    decision: approved
default: review
teams:
  search: { timeZone: Europe/Berlin }
`,
  'standard-changes.yaml',
);

/** Wednesday 2026-11-04 11:00 Berlin. */
const WEDNESDAY = Date.UTC(2026, 10, 4, 10, 0);
/** Friday 2026-11-06 23:00 Berlin. */
const FRIDAY_23 = Date.UTC(2026, 10, 6, 22, 0);

/** 30 days of history: a fleet of services with known records, two changes a day each. */
function fleetHistory(failuresOf: Record<string, number>): ChangeHistory {
  const history = new ChangeHistory();
  for (const [service, failures] of Object.entries(failuresOf)) {
    for (let d = 0; d < 60; d++) {
      const id = `${service}-${d}`;
      const startedAt = WEDNESDAY - ((d + 1) * DAY) / 2;
      history.addChange(aChange({ id, service, team: service === 'search' ? 'search' : 'core', startedAt }));
      if (d < failures)
        history.addVerdict(
          aVerdict({
            id: `${id}/1`,
            changeId: id,
            service,
            outcome: 'fail',
            decidedAt: startedAt + 20 * MINUTE,
          }),
        );
    }
  }
  return history;
}

const risky = (overrides: Partial<Change> = {}): Change =>
  aChange({
    id: 'risky',
    service: 'search',
    team: 'search',
    kind: 'database_migration',
    automated: false,
    pipeline: null,
    rollout: 'all_at_once',
    sizeLines: 2400,
    startedAt: FRIDAY_23,
    ...overrides,
  });

describe('change risk assessment', () => {
  const history = fleetHistory({ checkout: 0, search: 9, catalog: 3, payments: 1, shipping: 6 });
  history.addIncident(
    anIncident({
      id: 'inc-9',
      service: 'search',
      services: ['search'],
      openedAt: FRIDAY_23 - 5 * 3_600_000,
      updatedAt: FRIDAY_23 - 5 * 3_600_000,
      suspects: [],
    }),
  );
  history.addProblem(
    aProblem({
      id: 'prb-3',
      services: ['search'],
      status: 'problem',
      title: 'index rebuild times out',
      updatedAt: FRIDAY_23 - 2 * DAY,
    }),
  );

  it('a risky change at 23:00 on a Friday inside the freeze window is blocked, with those reasons', () => {
    const { assessment, outcome } = assessDetailed(risky(), history, POLICY, FRIDAY_23 - MINUTE);
    assert.equal(assessment.decision, 'blocked');
    assert.equal(assessment.policyRule, 'block-risky-in-freeze');
    assert.equal(assessment.riskClass, 'high');
    assert.ok(assessment.probability > 0.5, `probability ${assessment.probability}`);
    const reason = (factor: string) => assessment.reasons.find((r) => r.factor === factor)!;
    assert.match(reason('timing').detail, /^Fri 23:00 Europe\/Berlin: outside business hours$/);
    assert.ok(reason('timing').weight > 0);
    assert.match(
      reason('freeze-window').detail,
      /inside freeze window weekend-freeze \(Fri 18:00–Mon 06:00 Europe\/Berlin\)/,
    );
    assert.match(reason('change-kind').detail, /a database migration/);
    assert.match(reason('automation').detail, /made by hand/);
    assert.match(reason('rollout').detail, /all at once/);
    assert.match(reason('open-problems').detail, /prb-3 “index rebuild times out”/);
    assert.match(reason('recent-incidents').detail, /1 incident\(s\).*inc-9/);
    assert.match(
      reason('change-failure-rate').detail,
      /search: 9 of 55 settled changes failed in the window; team search .*; smoothed .* \(beta prior of \d+ pseudo-changes, estimated from the fleet\)/,
    );
    assert.match(
      reason('policy').detail,
      /^blocked by block-risky-in-freeze — inside a freeze window .* \(rules\[0\] of standard-changes\.yaml\): .*inside freeze window weekend-freeze/,
    );
    assert.deepEqual(
      outcome.reasons.at(-1),
      'inside freeze window weekend-freeze (Fri 18:00–Mon 06:00 Europe/Berlin; starts Fri 23:00 Europe/Berlin)',
    );
  });

  it('a routine automated canary deploy of a stable service with passing tests is standard and pre-approved', () => {
    const change = aChange({ id: 'routine', service: 'checkout', team: 'core', startedAt: WEDNESDAY });
    const assessment = assess(change, history, POLICY, WEDNESDAY);
    assert.equal(assessment.riskClass, 'standard');
    assert.equal(assessment.decision, 'approved');
    assert.equal(assessment.policyRule, 'standard-automated-canary');
    assert.ok(assessment.probability < 0.05, `probability ${assessment.probability}`);
    assert.deepEqual(
      {
        id: assessment.id,
        changeId: assessment.changeId,
        service: assessment.service,
        team: assessment.team,
        assessedAt: assessment.assessedAt,
      },
      { id: 'asm-routine', changeId: 'routine', service: 'checkout', team: 'core', assessedAt: WEDNESDAY },
    );
    const policy = assessment.reasons.find((r) => r.factor === 'policy')!;
    assert.match(policy.detail, /^approved by standard-automated-canary — automated pipeline deploys/);
    assert.match(
      policy.detail,
      /tests passed; rollout canary; risk class standard \(at most standard\); outside every freeze window$/,
    );
  });

  it('the reasons’ weights add up to the log-odds of the probability', () => {
    const { assessment, logOdds } = assessDetailed(risky(), history, POLICY, FRIDAY_23);
    const sum = assessment.reasons.reduce((s, r) => s + r.weight, 0);
    assert.ok(Math.abs(sum - logOdds) < 0.01, `${sum} vs ${logOdds}`);
    assert.ok(Math.abs(logit(assessment.probability) - logOdds) < 1e-6);
    assert.equal(assessment.reasons[0]!.factor, 'baseline');
  });

  it('reads the history as of the change, never what the change caused', () => {
    const before = assess(risky({ id: 'x' }), history, POLICY, FRIDAY_23);
    const later = new ChangeHistory();
    const after = assess(risky({ id: 'x' }), later, POLICY, FRIDAY_23);
    assert.notEqual(before.probability, after.probability);
    history.addIncident(
      anIncident({
        id: 'caused',
        service: 'search',
        services: ['search'],
        openedAt: FRIDAY_23 + 10 * MINUTE,
        updatedAt: FRIDAY_23 + 10 * MINUTE,
      }),
    );
    assert.equal(
      assess(risky({ id: 'x' }), history, POLICY, FRIDAY_23 + DAY).probability,
      before.probability,
    );
  });
});

describe('fitting the model on history', () => {
  it('learns the generated effects and predicts the next weeks calibrated in the large', () => {
    const start = Date.UTC(2026, 0, 5);
    const sim = simulateHistory({ seed: 11, services: 12, days: 120, start });
    const policy = {
      ...POLICY,
      services: new Map(sim.services.map((s) => [s.name, { timeZone: s.timeZone, rules: [] }])),
    };
    const history = new ChangeHistory();
    const cut = start + 100 * DAY;
    const heldOut: Change[] = [];
    for (const e of sim.events) {
      if (e.type === 'change') {
        if (e.at >= cut) heldOut.push(e.value);
        else history.addChange(e.value);
      } else if (e.at < cut) history.add(e);
    }
    const model = fitFromHistory(history, policy, cut);
    assert.ok(model.fit && model.fit.converged && model.fit.failures > 100, JSON.stringify(model.fit));
    assert.ok(model.weights['tests-failed'] > 0.5, `tests-failed ${model.weights['tests-failed']}`);
    assert.ok(model.weights['rollout:canary'] < 0, `canary ${model.weights['rollout:canary']}`);
    const predictions = heldOut.map((c) => ({
      probability: estimateRisk(model, c, changeFeatures(c, history, policy, cut)).probability,
      failed: sim.truth.get(c.id)!.failed,
    }));
    const fitted = score(predictions);
    const defaults = score(
      heldOut.map((c) => ({
        probability: estimateRisk(DEFAULT_RISK_MODEL, c, changeFeatures(c, history, policy, cut)).probability,
        failed: sim.truth.get(c.id)!.failed,
      })),
    );
    assert.ok(Math.abs(fitted.meanBias) < 0.03, `mean bias ${fitted.meanBias}`);
    assert.ok(fitted.auc > 0.65, `AUC ${fitted.auc}`);
    assert.ok(fitted.brierSkill > 0, `Brier skill ${fitted.brierSkill} (defaults ${defaults.brierSkill})`);
  });
});

describe('the track record a gate keeps', () => {
  it('is rebuilt from the history: fits two weeks apart, oldest first, and a fit given them learns its trust in the levels from them', () => {
    const start = Date.UTC(2026, 0, 5);
    const sim = simulateHistory({ seed: 13, services: 12, days: 120, start });
    const policy = {
      ...POLICY,
      services: new Map(sim.services.map((s) => [s.name, { timeZone: s.timeZone, rules: [] }])),
    };
    const history = new ChangeHistory();
    for (const e of sim.events) history.add(e);
    const now = start + 120 * DAY;
    const fits = trackRecordFits(history, policy, now);
    assert.ok(fits.length >= 3, `${fits.length} fits`);
    const ends = fits.map((f) => f.fit!.to);
    assert.deepEqual(
      ends,
      [...ends].sort((a, b) => a - b),
      'oldest first',
    );
    assert.ok(
      ends.every((to) => to <= now - DEFAULT_TRACK_RECORD.everyMs),
      'each made before now',
    );
    const model = fitFromHistory(history, policy, now, { earlier: fits });
    assert.ok(model.fit?.trust, 'the trust was learnt from the track record');
    assert.ok(model.fit.trust.fits > 0 && model.fit.trust.changes > 0, JSON.stringify(model.fit.trust));
    assert.ok(model.levelTrust! > 0 && model.levelTrust! <= 1);
    assert.equal(fitFromHistory(history, policy, now).fit?.trust, undefined, 'none without earlier fits');
  });
});
