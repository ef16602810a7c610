// Multi-window, multi-burn-rate alerting on generated series (10-second buckets, one look every
// 10 s, a 99.9% SLO). Time to fire for 2%, 10% and 100% error bursts against the SRE workbook's
// detection time for the same conditions, ((1 − SLO) / error rate) × window × burn rate; no
// page and no ticket in 30 simulated days of clean but noisy traffic; a single failed request
// on a quiet service pages nobody.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../clock.js';
import { SeededRandom } from '../stats/random.js';
import { WORKBOOK_TIERS } from './alert-tiers.js';
import { BurnRateAlerter, type AlertTransition } from './burn-rate.js';
import { CountRing } from './count-ring.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './duration.js';
import type { BurnRateTier } from './model.js';
import { validateOpenSlo } from './validate.js';

const LOOK = 10_000;
const TARGET = 0.999;

/** Feeds one bucket per look from `series(t)` and evaluates after each; returns every transition. */
function run(
  alerter: BurnRateAlerter,
  clock: ManualClock,
  from: number,
  until: number,
  series: (t: number) => [good: number, total: number],
  stop?: (all: AlertTransition[]) => boolean,
  look?: (t: number) => void,
): AlertTransition[] {
  const all: AlertTransition[] = [];
  for (let t = from; t < until; t += LOOK) {
    const [good, total] = series(t);
    if (total > 0) alerter.record(t, good, total);
    clock.set(t + LOOK);
    all.push(...alerter.evaluate());
    look?.(t);
    if (stop?.(all)) break;
  }
  return all;
}

function burst(errorRate: number, tiers: readonly BurnRateTier[] = WORKBOOK_TIERS) {
  const clock = new ManualClock(0);
  const alerter = new BurnRateAlerter({ target: TARGET, tiers, clock, bucketMs: LOOK });
  const start = 3 * DAY_MS; // three clean days first, so every window is full
  const bad = Math.round(errorRate * 100);
  const changes = run(
    alerter,
    clock,
    0,
    start + 6 * HOUR_MS,
    (t) => (t < start ? [100, 100] : [100 - bad, 100]),
    (all) => tiers.every((tier) => all.some((c) => c.tier === tier.name && c.state === 'firing')),
  );
  const fired = new Map<string, number>();
  for (const c of changes) if (c.state === 'firing' && !fired.has(c.tier)) fired.set(c.tier, c.at - start);
  return fired;
}

/** The workbook's detection time: ((1 − SLO) / error rate) × window × burn rate. */
const workbook = (tier: BurnRateTier, errorRate: number) =>
  ((1 - TARGET) / errorRate) * tier.longMs * tier.threshold;

describe('burn-rate alerting: time to fire against the SRE workbook', () => {
  for (const errorRate of [0.02, 0.1, 1]) {
    it(`a ${errorRate * 100}% error burst fires each tier within one look of the workbook's time`, (t) => {
      const fired = burst(errorRate);
      const rows: string[] = [];
      for (const tier of WORKBOOK_TIERS) {
        const expected = workbook(tier, errorRate);
        const actual = fired.get(tier.name);
        assert.ok(actual !== undefined, `${tier.name} never fired`);
        assert.ok(
          actual >= expected && actual <= expected + LOOK,
          `${tier.name}: ${actual / 1000} s vs ${expected / 1000} s`,
        );
        rows.push(`${tier.name} ${(expected / 1000).toFixed(1)} s → ${actual / 1000} s`);
      }
      t.diagnostic(`${errorRate * 100}%: ${rows.join('; ')}`);
      // The first page is the 1-hour tier's, as the workbook's table has it.
      const firstPage = Math.min(
        ...WORKBOOK_TIERS.filter((x) => x.severity === 'page').map((x) => fired.get(x.name)!),
      );
      assert.equal(firstPage, fired.get('page-1h'));
    });
  }

  it('resolves as soon as the short window clears: five minutes after a two-minute outage', () => {
    const clock = new ManualClock(0);
    const alerter = new BurnRateAlerter({
      target: TARGET,
      tiers: [WORKBOOK_TIERS[0]!],
      clock,
      bucketMs: LOOK,
    });
    const start = 2 * HOUR_MS;
    const end = start + 2 * MINUTE_MS;
    const changes = run(alerter, clock, 0, 4 * HOUR_MS, (t) =>
      t >= start && t < end ? [0, 100] : [100, 100],
    );
    assert.deepEqual(
      changes.map((c) => [c.state, (c.at - start) / 1000]),
      [
        ['firing', 60],
        ['ok', (end - start + 5 * MINUTE_MS) / 1000],
      ],
    );
    assert.equal(changes[1]!.notify, true, 'the workbook tiers report resolution');
  });
});

describe('burn-rate alerting: tiers from an AlertPolicy', () => {
  const policy = (name: string, severity: string, threshold: number, lookback: string, after?: string) =>
    [
      'apiVersion: openslo/v1',
      'kind: AlertPolicy',
      `metadata: { name: ${name} }`,
      'spec:',
      '  conditions:',
      `    - { kind: AlertCondition, metadata: { name: ${name}-c }, spec: { severity: ${severity}, condition: { kind: burnrate, threshold: ${threshold}, lookbackWindow: ${lookback}${after ? `, alertAfter: ${after}` : ''} } } }`,
      '  notificationTargets: [{ targetRef: on-call }]',
    ].join('\n');
  const slo = [
    'apiVersion: openslo/v1',
    'kind: SLO',
    'metadata: { name: api }',
    'spec:',
    '  service: api',
    '  indicator:',
    '    metadata: { name: api-errors }',
    '    spec:',
    '      ratioMetric:',
    '        bad: { metricSource: { type: Aftershock, spec: { metric: errors } } }',
    '        total: { metricSource: { type: Aftershock, spec: { metric: requests } } }',
    '  timeWindow: [{ duration: 30d, isRolling: true }]',
    '  budgetingMethod: Occurrences',
    '  objectives: [{ target: 0.999 }]',
    '  alertPolicies: [{ alertPolicyRef: fast }, { alertPolicyRef: medium }]',
  ].join('\n');

  it('are the workbook pair when written as the workbook writes them; no alertAfter is 1/12 of the window', (t) => {
    const text = [slo, policy('fast', 'page', 14.4, '1h', '5m'), policy('medium', 'page', 6, '6h')].join(
      '\n---\n',
    );
    const set = validateOpenSlo([{ file: 'api.yaml', text }]);
    assert.deepEqual(set.files[0]!.problems, []);
    const tiers = set.slos[0]!.alerting;
    assert.deepEqual(
      tiers.map((x) => [x.name, x.threshold, x.longMs / MINUTE_MS, x.shortMs / MINUTE_MS, x.targets]),
      [
        ['fast', 14.4, 60, 5, ['on-call']],
        ['medium', 6, 360, 30, ['on-call']],
      ],
    );
    const fired = burst(0.1, tiers);
    assert.deepEqual([fired.get('fast'), fired.get('medium')], [520_000, 1_300_000]);
    t.diagnostic('10% burst: fast 520 s, medium 1300 s (as the workbook tiers)');
  });
});

describe('burn-rate alerting: no false pages', () => {
  it('30 days of clean, noisy, diurnal traffic at half the budget rate: 0 pages, 0 tickets', (t) => {
    const random = new SeededRandom(20);
    const clock = new ManualClock(0);
    const alerter = new BurnRateAlerter({ target: TARGET, tiers: WORKBOOK_TIERS, clock, bucketMs: LOOK });
    const highest = WORKBOOK_TIERS.map(() => 0);
    const changes = run(
      alerter,
      clock,
      0,
      30 * DAY_MS,
      (t) => {
        const rate = 50 * (1 + 0.8 * Math.sin((2 * Math.PI * t) / DAY_MS));
        const total = random.poisson(rate);
        // Half the budget's even spend, and a one-minute blip of 5% errors every day at noon.
        const blip = t % DAY_MS >= 12 * HOUR_MS && t % DAY_MS < 12 * HOUR_MS + MINUTE_MS ? 0.05 : 0;
        const bad = Math.min(total, random.poisson(total * (0.0005 + blip)));
        return [total - bad, total];
      },
      undefined,
      () =>
        alerter.state().forEach((r, i) => {
          if (r.longEvents >= alerter.minEventsFor(WORKBOOK_TIERS[i]!))
            highest[i] = Math.max(highest[i]!, Math.min(r.burnLong ?? 0, r.burnShort ?? 0));
        }),
    );
    t.diagnostic(`highest burn (both windows) per tier: ${highest.map((b) => b.toFixed(2)).join(', ')}`);
    assert.deepEqual(changes, []);
    // Quiet enough to be clean, noisy enough that the test could fail: the noon blips show.
    assert.ok(highest[0]! > 1 && highest[0]! < 14.4 && highest[3]! < 1, highest.join(', '));
  });

  it('a single failed request on a quiet service cannot page, however large its burn rate', () => {
    const clock = new ManualClock(0);
    const alerter = new BurnRateAlerter({ target: TARGET, tiers: WORKBOOK_TIERS, clock, bucketMs: LOOK });
    // One request every ten minutes for a day; the one at noon fails.
    const changes = run(alerter, clock, 0, DAY_MS, (t) =>
      t % (10 * MINUTE_MS) === 0 ? [t === 12 * HOUR_MS ? 0 : 1, 1] : [0, 0],
    );
    assert.deepEqual(changes, []);
    assert.deepEqual(
      WORKBOOK_TIERS.map((tier) => alerter.minEventsFor(tier)),
      [70, 167, 334, 1001],
    );
  });

  it('at exactly the floor, one failure stays under the threshold; two can page', () => {
    const tier = WORKBOOK_TIERS[0]!;
    for (const [bad, pages] of [
      [1, false],
      [2, true],
    ] as const) {
      const clock = new ManualClock(0);
      const alerter = new BurnRateAlerter({ target: TARGET, tiers: [tier], clock, bucketMs: LOOK });
      // 70 requests in the hour, the failures in its last minute.
      const changes = run(alerter, clock, 0, HOUR_MS, (t) => {
        const k = t / LOOK;
        if (k % 5 !== 0 || k / 5 >= 70) return [0, 0];
        return [k / 5 >= 70 - bad ? 0 : 1, 1];
      });
      assert.equal(
        changes.some((c) => c.state === 'firing'),
        pages,
        `${bad} failure(s)`,
      );
    }
  });
});

describe('count ring', () => {
  it('late counts land in their bucket; counts older than the span are refused', () => {
    const ring = new CountRing(LOOK, 10);
    assert.ok(ring.add(50_000, 1, 2));
    assert.ok(ring.add(10_000, 3, 4)); // late, before the first bucket
    assert.ok(ring.add(30_000, 5, 6));
    assert.ok(ring.add(90_000, 0, 1));
    assert.deepEqual(ring.sum(9, 10), { good: 9, total: 13 });
    assert.deepEqual(ring.sum(4, 3), { good: 5, total: 6 }, 'buckets 2..4');
    assert.deepEqual(ring.sum(20, 5), { good: 0, total: 0 }, 'a window after the data');
    assert.equal(ring.add(-10_000, 1, 1), false, 'bucket −1 is older than the ten held (0..9)');
    assert.deepEqual(ring.sum(9, 10), { good: 9, total: 13 }, 'unchanged by the refused counts');
  });
});
