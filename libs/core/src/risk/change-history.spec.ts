import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aChange, anIncident, aProblem, aVerdict, MINUTE, T0 } from '#testing';
import { ChangeHistory, fleetStats, type HistoryEvent } from './change-history.js';
import { simulateHistory } from './simulation.js';

const DAY = 86_400_000;

function feed(
  history: ChangeHistory,
  events: readonly HistoryEvent[],
  until = Number.POSITIVE_INFINITY,
): void {
  for (const e of events) {
    if (e.at >= until) break;
    history.add(e);
  }
}

describe('service change failure rates', () => {
  // Five services whose every change fails with a known probability, 20 changes a day offered
  // (about 6 a day land in business hours), for 60 days.
  const TRUE_RATES = [0.02, 0.05, 0.1, 0.2, 0.3];
  const start = Date.UTC(2026, 0, 5);
  const sim = simulateHistory({
    seed: 42,
    services: TRUE_RATES.map((baseRate, i) => ({
      name: `svc-${i}`,
      team: `team-${i}`,
      baseRate,
      changesPerDay: 20,
    })),
    days: 60,
    start,
    routine: true,
  });

  it('converge to the true rates: within 3 standard errors of the window’s sample after 60 days', () => {
    const history = new ChangeHistory();
    feed(history, sim.events);
    const asOf = start + 60 * DAY;
    for (const [i, p] of TRUE_RATES.entries()) {
      const rate = history.smoothedRate(`svc-${i}`, null, asOf);
      const n = rate.service.changes;
      const tolerance = 3 * Math.sqrt((p * (1 - p)) / n);
      assert.ok(n > 150, `svc-${i}: ${n} changes in the window`);
      assert.ok(
        Math.abs(rate.smoothed - p) <= tolerance,
        `svc-${i}: smoothed ${rate.smoothed.toFixed(4)} vs true ${p} (±${tolerance.toFixed(4)}, n=${n})`,
      );
    }
  });

  it('with little history, lean on the fleet; the error shrinks as history grows', () => {
    const early = new ChangeHistory();
    feed(early, sim.events, start + 2 * DAY);
    const late = new ChangeHistory();
    feed(late, sim.events);
    const fleetEarly = early.fleet(start + 2 * DAY).rate;
    let errorEarly = 0;
    let errorLate = 0;
    for (const [i, p] of TRUE_RATES.entries()) {
      const e = early.smoothedRate(`svc-${i}`, null, start + 2 * DAY);
      const l = late.smoothedRate(`svc-${i}`, null, start + 60 * DAY);
      // Early estimates sit between the service's own rate and the fleet's.
      const lo = Math.min(e.serviceRate, fleetEarly) - 1e-9;
      const hi = Math.max(e.serviceRate, fleetEarly) + 1e-9;
      assert.ok(e.smoothed >= lo && e.smoothed <= hi, `svc-${i}: ${e.smoothed} not between ${lo} and ${hi}`);
      errorEarly += Math.abs(e.smoothed - p) / TRUE_RATES.length;
      errorLate += Math.abs(l.smoothed - p) / TRUE_RATES.length;
    }
    assert.ok(
      errorLate < errorEarly / 2,
      `mean absolute error: ${errorEarly.toFixed(4)} after 2 days, ${errorLate.toFixed(4)} after 60`,
    );
  });

  it('estimates the prior strength from how much services differ', () => {
    const alike = fleetStats(
      Array.from({ length: 10 }, () => ({ changes: 200, failures: 20 })),
      new Map(),
      20,
    );
    assert.equal(alike.priorStrength, 500, 'identical rates: pool as much as allowed');
    const spread = fleetStats(
      [0.01, 0.05, 0.1, 0.2, 0.4].map((r) => ({ changes: 400, failures: Math.round(400 * r) })),
      new Map(),
      20,
    );
    assert.ok(spread.estimated && spread.priorStrength < 10, `m = ${spread.priorStrength}`);
    assert.equal(
      fleetStats([{ changes: 5, failures: 1 }], new Map(), 20).priorStrength,
      20,
      'too few services: default',
    );
  });
});

describe('the history as of an instant', () => {
  it('counts only settled changes, and failures only once they are on record', () => {
    const history = new ChangeHistory({ settleMs: 60 * MINUTE });
    history.addChange(aChange({ id: 'a', startedAt: T0 }));
    history.addChange(aChange({ id: 'b', startedAt: T0 + 10 * MINUTE }));
    history.addVerdict(aVerdict({ changeId: 'a', outcome: 'fail', decidedAt: T0 + 90 * MINUTE }));
    assert.deepEqual(history.serviceCount('checkout', T0 + 30 * MINUTE), { changes: 0, failures: 0 });
    assert.deepEqual(history.serviceCount('checkout', T0 + 80 * MINUTE), { changes: 2, failures: 0 });
    assert.deepEqual(history.serviceCount('checkout', T0 + 90 * MINUTE), { changes: 2, failures: 1 });
  });

  it('knows open problems and the last day’s incidents on the service', () => {
    const history = new ChangeHistory();
    history.addProblem(
      aProblem({ id: 'p1', services: ['checkout'], status: 'problem', updatedAt: T0 - DAY }),
    );
    history.addProblem(
      aProblem({ id: 'p1', version: 2, services: ['checkout'], status: 'resolved', updatedAt: T0 + DAY }),
    );
    history.addIncident(anIncident({ id: 'i1', openedAt: T0 - 2 * DAY, updatedAt: T0 - 2 * DAY }));
    history.addIncident(
      anIncident({ id: 'i2', openedAt: T0 - 3 * 3_600_000, updatedAt: T0 - 3 * 3_600_000 }),
    );
    assert.deepEqual(
      history.openProblems('checkout', T0).map((p) => p.id),
      ['p1'],
    );
    assert.deepEqual(history.openProblems('checkout', T0 + 2 * DAY), []);
    assert.deepEqual(history.recentIncidents('checkout', T0), ['i2']);
  });

  it('finds similar changes that failed: same kind, same component, same config key', () => {
    const history = new ChangeHistory({ settleMs: 0 });
    history.addChange(
      aChange({ id: 'c1', kind: 'config', configKeys: ['pool.size'], startedAt: T0 - 3 * DAY }),
    );
    history.addChange(
      aChange({ id: 'c2', kind: 'config', configKeys: ['timeout'], startedAt: T0 - 2 * DAY }),
    );
    history.addChange(aChange({ id: 'd1', component: 'db', startedAt: T0 - DAY }));
    history.addVerdict(aVerdict({ changeId: 'c1', outcome: 'fail', decidedAt: T0 - 3 * DAY + 20 * MINUTE }));
    history.addVerdict(aVerdict({ changeId: 'd1', outcome: 'fail', decidedAt: T0 - DAY + 20 * MINUTE }));
    const similar = history.similarFailures(
      aChange({ id: 'new', kind: 'config', component: 'db', configKeys: ['pool.size'], startedAt: T0 }),
      T0,
    );
    assert.deepEqual(similar.sameKind, { changes: 2, failures: 1 });
    assert.deepEqual(similar.sameComponent, { changes: 1, failures: 1 });
    assert.deepEqual(similar.sameConfigKey, { changes: 1, failures: 1 });
    assert.deepEqual(similar.examples, ['c1', 'd1']);
  });

  it('is bounded: records older than the retention are dropped, duplicates are not kept twice', () => {
    const history = new ChangeHistory({ retentionMs: 10 * DAY });
    for (let d = 0; d < 30; d++) {
      const change = aChange({ id: `c${d}`, startedAt: T0 + d * DAY });
      history.addChange(change);
      history.addChange(change);
      history.addIncident(anIncident({ id: `i${d}`, openedAt: T0 + d * DAY, updatedAt: T0 + d * DAY }));
    }
    const size = history.size();
    assert.ok(size.changes <= 12 && size.incidents <= 12, JSON.stringify(size));
    assert.equal(history.change('c0'), undefined);
    assert.ok(history.change('c29'));
  });
});
