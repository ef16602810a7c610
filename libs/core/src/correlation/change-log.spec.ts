import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Change } from '#contracts';
import { aChange, aVerdict, MINUTE, T0 } from '#testing';
import { SeededRandom } from '../stats/random.js';
import { ChangeLog } from './change-log.js';

describe('ChangeLog', () => {
  it('finds and prunes changes by start time like a scan of all of them, whatever the arrival order', () => {
    const rng = new SeededRandom(11);
    const retention = 120 * MINUTE;
    const log = new ChangeLog(retention);
    let kept: Change[] = [];
    for (let i = 0; i < 2_000; i++) {
      // Mostly in order, some late by up to an hour, some at the same minute.
      const at = T0 + i * 30_000 - (rng.next() < 0.2 ? Math.floor(rng.next() * 60) * MINUTE : 0);
      const change = aChange({
        id: `c${Math.floor(rng.next() * 1e6)}-${i}`,
        startedAt: Math.floor(at / MINUTE) * MINUTE,
      });
      assert.equal(log.add(change), true);
      assert.equal(log.add(change), false, 'a redelivered change is not added twice');
      kept.push(change);
      if (i % 7 === 0) {
        const watermark = T0 + i * 30_000;
        log.prune(watermark);
        kept = kept.filter((c) => c.startedAt >= watermark - retention);
      }
      const from = T0 + (i - 200) * 30_000 + Math.floor(rng.next() * 100) * MINUTE;
      const to = from + Math.floor(rng.next() * 180) * MINUTE;
      const expected = kept
        .filter((c) => c.startedAt >= from && c.startedAt <= to)
        .sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
      assert.deepEqual(
        log.between(from, to).map((c) => c.id),
        expected.map((c) => c.id),
      );
      assert.equal(log.size, kept.length);
    }
  });
  it('an interim look that found nothing yet reports its tests and the metric nearest to a regression (bad direction only)', () => {
    const log = new ChangeLog(120 * MINUTE);
    const change = aChange({ id: 'chg-1', startedAt: T0 });
    log.add(change);
    const judged = (metric: string, pValue: number | null, effect: number | null, test = 'mann-whitney') => ({
      metric,
      outcome: 'pass' as const,
      test,
      pValue,
      effect,
      baselineValue: 1,
      observedValue: 1,
      reason: '',
    });
    log.recordVerdict(
      aVerdict({
        outcome: 'pass',
        final: false,
        look: 4,
        decidedAt: T0 + 4 * MINUTE,
        observationStart: T0,
        metrics: [
          judged('latency_p95', 0.03, 0.4),
          judged('error_ratio', 0.001, -0.5), // improved: no move towards a regression
          judged('cpu', 0.2, 0.1),
          judged('memory', null, null, 'none'), // not judged
        ],
      }),
    );
    assert.deepEqual(log.facts(change).progress, {
      clearSinceMs: 4 * MINUTE,
      look: 4,
      tests: 3,
      nearest: { metric: 'latency_p95', pValue: 0.03 },
    });
  });
});
