import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulate } from './simulate.js';
import { bandOf, generateSystem, TRAFFIC_BANDS } from './topology.js';

describe('fleet simulator', () => {
  it('draws systems of 10–80 services, depth 2–6, 0.1–1,000 req/s, with every traffic band and depth among 40 seeds', () => {
    const bands = new Set<string>();
    const depths = new Set<number>();
    for (let seed = 1; seed <= 40; seed++) {
      const s = generateSystem(seed);
      assert.ok(s.services.length >= 10 && s.services.length <= 80, `${s.services.length} services`);
      assert.ok(s.depth >= 2 && s.depth <= 6);
      assert.equal(Math.max(...s.services.map((x) => x.level)), s.depth, 'the depth is a real call chain');
      for (const x of s.services) {
        assert.ok(x.rate >= 0.1 && x.rate <= 1000, `${x.name} ${x.rate} req/s`);
        if (x.level > 0) assert.ok(x.callers.length > 0, `${x.name} has a caller`);
        bands.add(bandOf(x.rate));
      }
      depths.add(s.depth);
    }
    assert.equal(bands.size, TRAFFIC_BANDS.length);
    assert.deepEqual([...depths].sort(), [2, 3, 4, 5, 6]);
  });

  it('is deterministic: the same seed gives the same changes and telemetry', () => {
    const first = (seed: number) => {
      const sim = simulate(seed, { warmupMs: 50 * 60_000, durationMs: 90 * 60_000 });
      const batches = [];
      for (const b of sim.batches()) if (batches.push(b) >= 400) break;
      return {
        changes: sim.changes.map((c) => [c.change.id, c.change.service, c.change.startedAt, c.fault]),
        batches,
      };
    };
    assert.deepEqual(first(3), first(3));
    assert.notDeepEqual(
      simulate(3).changes.map((c) => c.change.startedAt),
      simulate(4).changes.map((c) => c.change.startedAt),
    );
  });

  it('streams bad changes among clean ones, with release trains, concurrent deploys and rollbacks that end the effect', () => {
    const origins = new Set<string>();
    let bad = 0;
    let clean = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const sim = simulate(seed);
      for (const c of sim.changes) {
        origins.add(c.origin);
        if (c.fault) bad++;
        else clean++;
        if (c.change.rollbackOf) {
          const of = sim.changes.find((x) => x.change.id === c.change.rollbackOf)!;
          assert.equal(of.effectEnd, c.change.startedAt);
        }
      }
    }
    assert.deepEqual([...origins].sort(), ['concurrent', 'rollback', 'single', 'train']);
    assert.ok(bad > 20 && clean > 3 * bad, `${bad} bad, ${clean} clean`);
  });

  it('moves the golden signals of a bad change by the size drawn, and a clean change not at all', () => {
    const sim = simulate(2);
    for (const c of sim.changes) {
      if (!c.fault) assert.equal(sim.move(c), 0);
      else if (c.fault.kind === 'latency' && c.effectEnd > c.change.startedAt + 11 * 60_000)
        assert.ok(sim.move(c) > 0, `${c.change.id} latency ×${c.fault.size}`);
    }
  });
});
