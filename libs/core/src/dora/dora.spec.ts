import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Incident } from '#contracts';
import { aChange, anIncident, aVerdict, MINUTE, T0 } from '#testing';
import { changeFailureRateBand, deploymentFrequencyBand, leadTimeBand, timeToRestoreBand } from './bands.js';
import { doraFigures, durations, type DoraRecords } from './dora.js';

const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const suspect = (changeId: string, probability: number) => [
  { changeId, service: null, kind: null, component: null, probability, evidence: [] },
  { changeId: null, service: null, kind: null, component: null, probability: 1 - probability, evidence: [] },
];
const incident = (
  id: string,
  service: string,
  changeId: string,
  p: number,
  openedAt: number,
  restoreMs: number,
): Incident[] => [
  anIncident({
    id,
    service,
    services: [service],
    version: 1,
    openedAt,
    updatedAt: openedAt,
    suspects: suspect(changeId, p),
    team: null,
  }),
  anIncident({
    id,
    service,
    services: [service],
    version: 2,
    event: 'resolved',
    status: 'resolved',
    openedAt,
    updatedAt: openedAt + restoreMs,
    resolvedAt: openedAt + restoreMs,
    suspects: suspect(changeId, p),
    team: null,
  }),
];

// One week, two services. Hand-computed figures are in the tests.
const checkout = { service: 'checkout', team: 'payments' };
const search = { service: 'search', team: 'discovery' };
const FIXTURE: DoraRecords = {
  changes: [
    aChange({ ...checkout, id: 'c1', startedAt: T0, finishedAt: T0 + 10 * MINUTE, commitAt: T0 - 2 * HOUR }), // lead 130 min
    aChange({
      ...checkout,
      id: 'c2',
      startedAt: T0 + DAY,
      finishedAt: T0 + DAY + 10 * MINUTE,
      commitAt: T0 + DAY - 30 * MINUTE,
    }), // 40 min; fails
    aChange({
      ...checkout,
      id: 'rb-c2',
      kind: 'rollback',
      rollbackOf: 'c2',
      startedAt: T0 + DAY + 30 * MINUTE,
      commitAt: null,
    }),
    aChange({
      ...checkout,
      id: 'c3',
      kind: 'config',
      startedAt: T0 + 2 * DAY,
      finishedAt: null,
      commitAt: null,
    }),
    aChange({
      ...checkout,
      id: 'c4',
      startedAt: T0 + 3 * DAY,
      finishedAt: T0 + 3 * DAY + 10 * MINUTE,
      commitAt: T0 + 3 * DAY - 5 * HOUR,
    }), // 310 min
    aChange({
      ...checkout,
      id: 'c6',
      startedAt: T0 + 4 * DAY,
      finishedAt: null,
      commitAt: T0 + 4 * DAY + MINUTE,
    }), // skew: skipped
    aChange({
      ...checkout,
      id: 'rb-c6',
      kind: 'rollback',
      rollbackOf: 'c6',
      startedAt: T0 + 4 * DAY + 20 * MINUTE,
      commitAt: null,
    }),
    aChange({ ...checkout, id: 'c5', startedAt: T0 + 8 * DAY }), // after the range
    aChange({
      ...search,
      id: 's1',
      startedAt: T0 + DAY / 2,
      finishedAt: T0 + DAY / 2 + 5 * MINUTE,
      commitAt: T0 - DAY / 2,
    }), // 1445 min
    aChange({
      ...search,
      id: 's2',
      startedAt: T0 + 2.5 * DAY,
      finishedAt: T0 + 2.5 * DAY + 5 * MINUTE,
      commitAt: T0 + 2.5 * DAY - 3 * HOUR,
    }), // 185 min
    aChange({ ...search, id: 's3', environment: 'staging', startedAt: T0 + 5 * DAY }),
  ],
  verdicts: [
    aVerdict({ id: 'c1/1', changeId: 'c1', outcome: 'pass', decidedAt: T0 + 30 * MINUTE }),
    aVerdict({ id: 'c2/1', changeId: 'c2', outcome: 'fail', decidedAt: T0 + DAY + 30 * MINUTE }),
    aVerdict({
      id: 's2/1',
      changeId: 's2',
      look: 1,
      outcome: 'fail',
      decidedAt: T0 + 2.5 * DAY + 20 * MINUTE,
    }),
    aVerdict({
      id: 's2/2',
      changeId: 's2',
      look: 2,
      outcome: 'pass',
      decidedAt: T0 + 2.5 * DAY + 40 * MINUTE,
    }),
  ],
  incidents: [
    ...incident('inc-a', 'checkout', 'c2', 0.8, T0 + DAY + 20 * MINUTE, 45 * MINUTE),
    ...incident('inc-b', 'checkout', 'c4', 0.4, T0 + 3 * DAY + HOUR, 3 * HOUR), // below the threshold
    ...incident('inc-c', 'search', 's1', 0.9, T0 + DAY / 2 + 10 * MINUTE, 2 * HOUR),
  ],
};
const WEEK = { from: T0, to: T0 + 7 * DAY, environments: ['production'] };

describe('DORA figures on a hand-computed fixture', () => {
  it('per service', () => {
    const [c, s] = doraFigures(FIXTURE, WEEK);
    assert.equal(c!.key, 'checkout');
    assert.equal(c!.deployments, 5); // c1 c2 c3 c4 c6 (rollbacks and c5 not counted)
    assert.equal(c!.deploymentsPerDay, 5 / 7);
    assert.deepEqual(c!.leadTime, { count: 3, medianMs: 130 * MINUTE, p90Ms: 310 * MINUTE, skipped: 1 });
    assert.deepEqual(c!.changeFailureRate, { failures: 2, deployments: 5, rate: 0.4 }); // c2 (verdict, incident, rollback), c6 (rollback)
    assert.deepEqual(c!.timeToRestore, { count: 1, medianMs: 45 * MINUTE, p90Ms: 45 * MINUTE }); // inc-b not attributed
    assert.deepEqual(c!.bands, {
      deploymentFrequency: 'high',
      leadTime: 'high',
      changeFailureRate: 'low',
      timeToRestore: 'elite',
    });

    assert.equal(s!.key, 'search');
    assert.equal(s!.deployments, 2); // s3 is staging
    assert.deepEqual(s!.leadTime, { count: 2, medianMs: 815 * MINUTE, p90Ms: 1445 * MINUTE, skipped: 0 });
    assert.deepEqual(s!.changeFailureRate, { failures: 1, deployments: 2, rate: 0.5 }); // s2's later look passed
    assert.deepEqual(s!.timeToRestore, { count: 1, medianMs: 2 * HOUR, p90Ms: 2 * HOUR });
    assert.equal(s!.bands.timeToRestore, 'high');
  });

  it('per team and for the fleet', () => {
    const teams = doraFigures(FIXTURE, { ...WEEK, groupBy: 'team' });
    assert.deepEqual(
      teams.map((t) => [t.key, t.deployments, t.changeFailureRate.failures]),
      [
        ['discovery', 2, 1],
        ['payments', 5, 2],
      ],
    );
    const [fleet] = doraFigures(FIXTURE, { ...WEEK, groupBy: 'fleet' });
    assert.equal(fleet!.key, null);
    assert.deepEqual(fleet!.changeFailureRate, { failures: 3, deployments: 7, rate: 3 / 7 });
    // leads 40, 130, 185, 310, 1445 min
    assert.deepEqual(fleet!.leadTime, { count: 5, medianMs: 185 * MINUTE, p90Ms: 1445 * MINUTE, skipped: 1 });
    assert.deepEqual(fleet!.timeToRestore, { count: 2, medianMs: 82.5 * MINUTE, p90Ms: 120 * MINUTE });
  });

  it('time to restore over all incidents, all environments, and as known at an instant', () => {
    const [c] = doraFigures(FIXTURE, { ...WEEK, restore: 'all-incidents' });
    assert.deepEqual(c!.timeToRestore, { count: 2, medianMs: 112.5 * MINUTE, p90Ms: 180 * MINUTE });
    const all = doraFigures(FIXTURE, { from: T0, to: T0 + 7 * DAY });
    assert.equal(all.find((f) => f.key === 'search')!.deployments, 3);
    const early = doraFigures(FIXTURE, { ...WEEK, asOf: T0 + DAY + 15 * MINUTE });
    assert.equal(early[0]!.changeFailureRate.failures, 0);
  });

  it('bands follow the 2021 thresholds', () => {
    assert.equal(deploymentFrequencyBand(3), 'elite');
    assert.equal(deploymentFrequencyBand(1 / 7), 'high');
    assert.equal(deploymentFrequencyBand(1 / 60), 'medium');
    assert.equal(deploymentFrequencyBand(1 / 365), 'low');
    assert.equal(leadTimeBand(30 * MINUTE), 'elite');
    assert.equal(leadTimeBand(3 * DAY), 'high');
    assert.equal(leadTimeBand(60 * DAY), 'medium');
    assert.equal(leadTimeBand(200 * DAY), 'low');
    assert.equal(timeToRestoreBand(20 * HOUR), 'high');
    assert.equal(timeToRestoreBand(3 * DAY), 'medium');
    assert.equal(changeFailureRateBand(0.15), 'elite');
    assert.equal(changeFailureRateBand(0.31), 'low');
    assert.deepEqual(durations([4, 1, 3, 2]), { count: 4, medianMs: 2.5, p90Ms: 4 });
  });
});
