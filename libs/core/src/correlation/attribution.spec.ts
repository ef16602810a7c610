import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aChange, MINUTE, T0 } from '#testing';
import { attribute, type ChangeFacts } from './attribution.js';
import { DependencyGraph } from './dependency-graph.js';

// frontend → checkout → payments → db;  frontend → catalog
const graph = new DependencyGraph([
  { from: 'frontend', to: 'checkout' },
  { from: 'checkout', to: 'payments' },
  { from: 'payments', to: 'db' },
  { from: 'frontend', to: 'catalog' },
]);
const noFacts = (): ChangeFacts => ({});

describe('change attribution', () => {
  it('names the change on the symptom’s own service, just before the onset, first', () => {
    const suspects = attribute({
      symptom: { service: 'checkout', onset: T0 + 6 * MINUTE },
      changes: [aChange({ id: 'bad', service: 'checkout', startedAt: T0, finishedAt: T0 + 2 * MINUTE })],
      facts: noFacts,
      graph,
    });
    assert.equal(suspects[0]!.changeId, 'bad');
    assert.ok(suspects[0]!.probability > 0.6, `probability ${suspects[0]!.probability}`);
    assert.equal(suspects.at(-1)!.changeId, null);
    assert.ok(Math.abs(suspects.reduce((s, x) => s + x.probability, 0) - 1) < 1e-9);
    const factors = suspects[0]!.evidence.map((e) => e.factor);
    assert.deepEqual(factors, ['prior', 'timing', 'topology', 'onset-alignment']);
    assert.match(suspects[0]!.evidence[1]!.detail, /6 min before the onset/);
  });

  it('weighs only changes to the symptom’s own environment: a failed staging deploy is no suspect for production', () => {
    const staging = aChange({ id: 'staging', service: 'checkout', environment: 'staging', startedAt: T0 });
    const production = aChange({ id: 'prod', service: 'payments', environment: 'production', startedAt: T0 });
    const failed: ChangeFacts = {
      verdict: { outcome: 'fail', summary: 'errors up', failingKinds: ['error_ratio'] },
    };
    const symptom = { service: 'checkout', onset: T0 + 4 * MINUTE, kind: 'error_ratio' };
    const ids = (environment?: string) =>
      attribute({
        symptom: { ...symptom, environment },
        changes: [staging, production],
        facts: () => failed,
        graph,
      })
        .map((s) => s.changeId)
        .sort((a, b) => (a ?? '').localeCompare(b ?? ''));
    assert.deepEqual(ids('production'), [null, 'prod']);
    assert.deepEqual(ids('staging'), [null, 'staging']);
    // A symptom that names no environment weighs every change, as before.
    assert.deepEqual(ids(undefined), [null, 'prod', 'staging']);
  });

  it('with no change nearby, "no likely change" wins', () => {
    const suspects = attribute({
      symptom: { service: 'checkout', onset: T0 },
      changes: [aChange({ id: 'old', service: 'checkout', startedAt: T0 - 5 * 3_600_000 })],
      facts: noFacts,
      graph,
    });
    assert.deepEqual(
      suspects.map((s) => s.changeId),
      [null],
    );
    assert.equal(suspects[0]!.probability, 1);
    assert.match(suspects[0]!.evidence[0]!.detail, /no change within 2\.0 h/);
  });

  it('a change the graph does not connect still competes, weighed down, and without a graph it is no evidence either way', () => {
    const elsewhere = aChange({ id: 'elsewhere', service: 'catalog', startedAt: T0 - 5 * MINUTE });
    const symptom = { service: 'checkout', onset: T0 };
    const known = attribute({ symptom, changes: [elsewhere], facts: noFacts, graph });
    assert.deepEqual(
      known.map((s) => s.changeId),
      [null, 'elsewhere'],
    );
    assert.ok(known[0]!.probability > 0.85, `no change: ${known[0]!.probability}`);
    assert.match(
      known[1]!.evidence.find((e) => e.factor === 'topology')!.detail,
      /connects catalog and checkout in no way/,
    );
    const blind = attribute({ symptom, changes: [elsewhere], facts: noFacts, graph: new DependencyGraph() });
    const topology = blind
      .find((s) => s.changeId === 'elsewhere')!
      .evidence.find((e) => e.factor === 'topology')!;
    assert.equal(topology.weight, 0);
    assert.match(topology.detail, /says nothing/);
    // A failed verification outweighs the graph's silence.
    const failed = attribute({
      symptom,
      changes: [elsewhere],
      facts: () => ({ verdict: { outcome: 'fail', summary: 'latency ×3' } }),
      graph: new DependencyGraph(),
    });
    assert.equal(failed[0]!.changeId, 'elsewhere');
  });

  it('with no graph, the same-service change leads a larger fleet’s changes elsewhere by more: each other service is one of many a change could have reached', () => {
    const symptom = { service: 'checkout', onset: T0 + 5 * MINUTE, kind: 'error_ratio' };
    const own = aChange({ id: 'own', service: 'checkout', startedAt: T0 });
    const elsewhere = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        aChange({ id: `other-${i}`, service: `svc-${i}`, startedAt: T0 - 30 * MINUTE }),
      );
    const failed = (c: { id: string }): ChangeFacts =>
      c.id === 'other-0'
        ? { verdict: { outcome: 'fail', summary: 'errors ×5', failingKinds: ['error_ratio'] } }
        : {};
    const topologyOf = (changes: ReturnType<typeof aChange>[]) =>
      attribute({ symptom, changes, facts: failed, graph: new DependencyGraph() })
        .find((s) => s.changeId === 'other-0')!
        .evidence.find((e) => e.factor === 'topology')!.weight;
    // Two services: no evidence either way. Twenty: a twentieth of the blame each, bounded below.
    assert.equal(topologyOf([own, ...elsewhere(1)]), 0);
    assert.ok(Math.abs(topologyOf([own, ...elsewhere(19)]) - Math.log(8 / 19)) < 1e-9);
    assert.equal(topologyOf([own, ...elsewhere(199)]), Math.log(0.1));
    // A failed change elsewhere no longer outranks the change on the symptom's own service in a large fleet.
    const ranked = attribute({
      symptom,
      changes: [own, ...elsewhere(19)],
      facts: failed,
      graph: new DependencyGraph(),
    });
    assert.equal(ranked[0]!.changeId, 'own');
  });

  it('a service the graph has never heard of is off every path of a symptom whose dependencies the graph knows completely', () => {
    const failed = (): ChangeFacts => ({ verdict: { outcome: 'fail', summary: 'errors ×7' } });
    // checkout's dependencies (payments, db) all come from the catalog: a failed change on a
    // service nobody lists cannot be behind checkout's symptom, and "no change" wins.
    const stranger = aChange({ id: 'stranger', service: 'elsewhere', startedAt: T0 - 5 * MINUTE });
    const closed = attribute({
      symptom: { service: 'checkout', onset: T0 },
      changes: [stranger],
      facts: failed,
      graph,
    });
    assert.equal(closed[0]!.changeId, null);
    assert.match(
      closed[1]!.evidence.find((e) => e.factor === 'topology')!.detail,
      /connects elsewhere and checkout in no way/,
    );
    // The same from the other side: every caller of payments is known, and the symptom's
    // service is none of them.
    const fromChange = attribute({
      symptom: { service: 'elsewhere', onset: T0 },
      changes: [aChange({ id: 'pay', service: 'payments', startedAt: T0 - 5 * MINUTE })],
      facts: failed,
      graph,
    });
    assert.equal(fromChange[0]!.changeId, null);
    // A symptom on a service the graph knows nothing of, and a change it knows nothing of either:
    // no evidence either way, and the failed verification leads.
    const blind = attribute({
      symptom: { service: 'nowhere', onset: T0 },
      changes: [stranger],
      facts: failed,
      graph,
    });
    assert.equal(blind[0]!.changeId, 'stranger');
  });

  it('depth weakens a dependency only a little: the change three hops down that failed beats a passing one a hop down', () => {
    const suspects = attribute({
      symptom: { service: 'frontend', onset: T0 + 6 * MINUTE },
      changes: [
        aChange({ id: 'deep', service: 'db', startedAt: T0 }),
        aChange({ id: 'near', service: 'catalog', startedAt: T0 + MINUTE }),
      ],
      facts: (c) => ({
        verdict: c.id === 'deep' ? { outcome: 'fail', summary: '' } : { outcome: 'pass', summary: '' },
      }),
      graph,
    });
    assert.equal(suspects[0]!.changeId, 'deep');
    assert.match(suspects[0]!.evidence.find((e) => e.factor === 'topology')!.detail, /3 hops/);
  });

  it('a change on a dependency explains symptoms on its callers; a caller’s change hardly explains its dependency', () => {
    const onDependency = attribute({
      symptom: { service: 'frontend', onset: T0 + 5 * MINUTE },
      changes: [aChange({ id: 'payments-config', kind: 'config', service: 'payments', startedAt: T0 })],
      facts: noFacts,
      graph,
    });
    assert.equal(onDependency[0]!.changeId, 'payments-config');
    assert.match(
      onDependency[0]!.evidence.find((e) => e.factor === 'topology')!.detail,
      /frontend → checkout → payments, 2 hops/,
    );

    const onCaller = attribute({
      symptom: { service: 'payments', onset: T0 + 5 * MINUTE },
      changes: [aChange({ id: 'frontend-deploy', service: 'frontend', startedAt: T0 })],
      facts: noFacts,
      graph,
    });
    assert.equal(onCaller[0]!.changeId, null);
  });

  it('of two concurrent deploys, the one whose verification failed comes first', () => {
    const suspects = attribute({
      symptom: { service: 'frontend', onset: T0 + 8 * MINUTE },
      changes: [
        aChange({ id: 'good', service: 'checkout', startedAt: T0 }),
        aChange({ id: 'bad', service: 'catalog', startedAt: T0 + 30_000 }),
      ],
      facts: (c) => ({
        verdict:
          c.id === 'bad'
            ? { outcome: 'fail', summary: 'error ratio 0.1% → 6%' }
            : { outcome: 'pass', summary: '' },
      }),
      graph,
    });
    assert.deepEqual(suspects.map((s) => s.changeId).slice(0, 2), ['bad', null]);
    assert.match(
      suspects[0]!.evidence.find((e) => e.factor === 'verification')!.detail,
      /failed: error ratio/,
    );
  });

  it('a rollback that ends the symptom confirms the suspect', () => {
    const bad = aChange({ id: 'bad', service: 'checkout', startedAt: T0 });
    const rollback = aChange({
      id: 'rb',
      kind: 'rollback',
      service: 'checkout',
      startedAt: T0 + 20 * MINUTE,
      finishedAt: T0 + 22 * MINUTE,
      rollbackOf: 'bad',
    });
    const before = attribute({
      symptom: { service: 'checkout', onset: T0 + 5 * MINUTE },
      changes: [bad],
      facts: noFacts,
      graph,
    });
    const after = attribute({
      symptom: { service: 'checkout', onset: T0 + 5 * MINUTE, endedAt: T0 + 25 * MINUTE },
      changes: [bad, rollback],
      facts: (c) => (c.id === 'bad' ? { rolledBackBy: rollback } : {}),
      graph,
    });
    assert.equal(after[0]!.changeId, 'bad');
    assert.ok(after[0]!.probability > before[0]!.probability);
    assert.match(
      after[0]!.evidence.find((e) => e.factor === 'rollback-confirmation')!.detail,
      /ended the symptom 3 min after the rollback finished/,
    );
  });

  it('platform changes are candidates for every service in their scope only', () => {
    const clusterChange = aChange({
      id: 'k8s-upgrade',
      kind: 'infrastructure',
      service: 'platform',
      scope: 'cluster',
      scopeName: 'eu-1',
      startedAt: T0,
    });
    const inScope = attribute({
      symptom: { service: 'catalog', onset: T0 + 4 * MINUTE, cluster: 'eu-1' },
      changes: [clusterChange],
      facts: noFacts,
      graph,
    });
    assert.equal(inScope[0]!.changeId, 'k8s-upgrade');
    const outOfScope = attribute({
      symptom: { service: 'catalog', onset: T0 + 4 * MINUTE, cluster: 'us-2' },
      changes: [clusterChange],
      facts: noFacts,
      graph,
    });
    assert.deepEqual(
      outOfScope.map((s) => s.changeId),
      [null],
    );
  });

  it('is deterministic: same input, same ranking and numbers', () => {
    const input = {
      symptom: { service: 'frontend', onset: T0 + 3 * MINUTE },
      changes: [
        aChange({ id: 'a', service: 'checkout', startedAt: T0 }),
        aChange({ id: 'b', service: 'catalog', startedAt: T0 }),
      ],
      facts: noFacts,
      graph,
    };
    assert.deepEqual(attribute(input), attribute(input));
  });

  it('a failure detected long before the onset says less than a fresh change on the same service', () => {
    // Two changes on checkout: the first failed verification (detected at +3 min) and its
    // regression was over; the second started 2 minutes before a new symptom, no verdict yet.
    const changes = [
      aChange({ id: 'earlier', service: 'checkout', startedAt: T0, finishedAt: T0 }),
      aChange({
        id: 'fresh',
        service: 'checkout',
        startedAt: T0 + 10 * MINUTE,
        finishedAt: T0 + 10 * MINUTE,
      }),
    ];
    const facts = (c: { id: string }): ChangeFacts =>
      c.id === 'earlier'
        ? {
            verdict: {
              outcome: 'fail',
              summary: '',
              decidedAt: T0 + 3 * MINUTE,
              failingKinds: ['saturation'],
            },
          }
        : {};
    const rankAt = (onset: number) =>
      attribute({ symptom: { service: 'checkout', onset }, changes, facts, graph });
    const later = rankAt(T0 + 12 * MINUTE);
    assert.equal(later[0]!.changeId, 'fresh');
    const stale = later
      .find((x) => x.changeId === 'earlier')!
      .evidence.find((e) => e.factor === 'onset-after-failure');
    assert.match(stale!.detail, /detected at \d\d:\d\d UTC, 9 min before this symptom began/);
    // A symptom that began while the regression was fresh is still the failed change's.
    const early = rankAt(T0 + 4 * MINUTE);
    assert.equal(early[0]!.changeId, 'earlier');
    assert.ok(!early[0]!.evidence.some((e) => e.factor === 'onset-after-failure'));
  });

  it("explains away a caller's latency failure by a failed change on its dependency", () => {
    const changes = [
      aChange({ id: 'frontend-config', kind: 'config', service: 'frontend', startedAt: T0, finishedAt: T0 }),
      aChange({
        id: 'payments-deploy',
        service: 'payments',
        startedAt: T0 + 4 * MINUTE,
        finishedAt: T0 + 4 * MINUTE,
      }),
    ];
    const failed =
      (kinds: string[]) =>
      (c: { id: string }): ChangeFacts => ({
        verdict: {
          outcome: 'fail',
          summary: '',
          decidedAt: c.id === 'frontend-config' ? T0 + 8 * MINUTE : T0 + 7 * MINUTE,
          failingKinds: c.id === 'frontend-config' ? kinds : ['saturation'],
        },
      });
    const symptom = { service: 'frontend', onset: T0 + 7 * MINUTE };
    const latency = attribute({ symptom, changes, facts: failed(['latency']), graph });
    assert.equal(latency[0]!.changeId, 'payments-deploy');
    const away = latency
      .find((x) => x.changeId === 'frontend-config')!
      .evidence.find((e) => e.factor === 'explained-away');
    assert.match(away!.detail, /failed only on latency.*checkout → payments/);
    // A CPU failure of the caller itself does not travel from the dependency: not explained away.
    const cpu = attribute({ symptom, changes, facts: failed(['latency', 'saturation']), graph });
    const own = cpu.find((x) => x.changeId === 'frontend-config')!;
    assert.ok(!own.evidence.some((e) => e.factor === 'explained-away'));
    assert.ok(own.probability > latency.find((x) => x.changeId === 'frontend-config')!.probability);
  });
});

describe('change attribution: what a failure says about this symptom', () => {
  const fail = (kinds: string[], decidedAt = T0 + 4 * MINUTE): ChangeFacts => ({
    verdict: {
      outcome: 'fail',
      summary: '',
      decidedAt,
      failingKinds: kinds,
      failingMetrics: kinds.map((k) => `checkout.${k}`),
    },
  });

  it('a change that failed on the kind of trouble the symptom shows comes before one that failed on another', () => {
    const changes = [
      aChange({ id: 'slow', service: 'payments', startedAt: T0 }),
      aChange({ id: 'failing', service: 'catalog', startedAt: T0 }),
    ];
    const facts = (c: { id: string }) => (c.id === 'slow' ? fail(['latency']) : fail(['error_ratio']));
    const suspects = attribute({
      symptom: { service: 'frontend', onset: T0 + 3 * MINUTE, kind: 'error_ratio' },
      changes,
      facts,
      graph,
    });
    assert.equal(suspects[0]!.changeId, 'failing');
    assert.match(
      suspects[0]!.evidence.find((e) => e.factor === 'failure-kind')!.detail,
      /the kind of trouble/,
    );
    const cpu = attribute({
      symptom: { service: 'frontend', onset: T0 + 3 * MINUTE, kind: 'latency' },
      changes: [changes[0]!],
      facts: () => fail(['saturation']),
      graph,
    });
    assert.ok(
      cpu[0]!.evidence.find((e) => e.factor === 'failure-kind')!.weight > 0,
      'CPU slows a service down',
    );
  });

  it('a release on top of an earlier failed one that was not rolled back inherits the failure, and is not blamed first', () => {
    const bad = aChange({ id: 'bad', service: 'checkout', startedAt: T0 });
    const next = aChange({ id: 'next', service: 'checkout', startedAt: T0 + 5 * MINUTE });
    const symptom = { service: 'checkout', onset: T0 + 7 * MINUTE, kind: 'latency' };
    const facts = (c: { id: string }) =>
      fail(['latency'], c.id === 'bad' ? T0 + 3 * MINUTE : T0 + 8 * MINUTE);
    const suspects = attribute({ symptom, changes: [bad, next], facts, graph });
    assert.equal(suspects[0]!.changeId, 'bad');
    const inherited = suspects
      .find((x) => x.changeId === 'next')!
      .evidence.find((e) => e.factor === 'inherited-failure');
    assert.match(inherited!.detail, /had failed its own verification and was not rolled back/);
    // Rolled back before the next release: the next one's failure is its own.
    const rollback = aChange({
      id: 'rb',
      service: 'checkout',
      kind: 'rollback',
      startedAt: T0 + 4 * MINUTE,
      rollbackOf: 'bad',
    });
    const after = attribute({
      symptom,
      changes: [bad, rollback, next],
      facts: (c) =>
        c.id === 'bad' ? { ...facts(c), rolledBackBy: rollback } : c.id === 'next' ? facts(c) : {},
      graph,
    });
    assert.ok(
      !after.find((x) => x.changeId === 'next')!.evidence.some((e) => e.factor === 'inherited-failure'),
    );
  });

  it('interim looks that found nothing for a few minutes count against a change, less than a pass', () => {
    const change = aChange({ id: 'quiet', service: 'checkout', startedAt: T0 });
    const rank = (facts: ChangeFacts) =>
      attribute({
        symptom: { service: 'checkout', onset: T0 + 6 * MINUTE },
        changes: [change],
        facts: () => facts,
        graph,
      })[0]!;
    const soFar = rank({ progress: { clearSinceMs: 5 * MINUTE, look: 5 } });
    const passed = rank({ verdict: { outcome: 'pass', summary: '' } });
    const unknown = rank({});
    const weight = (s: typeof soFar) => s.evidence.find((e) => e.factor === 'verification')?.weight ?? 0;
    assert.ok(weight(passed) < weight(soFar) && weight(soFar) < weight(unknown));
    assert.match(
      soFar.evidence.find((e) => e.factor === 'verification')!.detail,
      /no regression in its first 5 min/,
    );
  });

  it("a move that is not significant yet takes back some of that, by its p-value and the look's number of tests", () => {
    const change = aChange({ id: 'moving', service: 'checkout', startedAt: T0 });
    const weight = (nearest: { metric: string; pValue: number } | undefined, tests = 4) =>
      attribute({
        symptom: { service: 'checkout', onset: T0 + 6 * MINUTE },
        changes: [change],
        facts: () => ({ progress: { clearSinceMs: 5 * MINUTE, look: 5, tests, nearest } }),
        graph,
      })[0]!.evidence.find((e) => e.factor === 'verification')!;
    const nothing = weight(undefined);
    const weak = weight({ metric: 'latency_p95', pValue: 0.2 });
    const near = weight({ metric: 'latency_p95', pValue: 0.004 });
    const nearAmongMany = weight({ metric: 'latency_p95', pValue: 0.004 }, 80);
    assert.equal(weak.weight, nothing.weight, 'p = 0.2 over 4 tests says nothing');
    assert.ok(near.weight > nothing.weight, 'p = 0.004 over 4 tests counts for something');
    assert.ok(near.weight <= 0, 'never evidence for the change: only less against it');
    assert.ok(nearAmongMany.weight < near.weight, 'the same p-value among 80 tests says less');
    assert.match(near.detail, /though latency_p95 has moved the bad way \(p = 0\.0040\)/);
    assert.doesNotMatch(nothing.detail, /though/);
  });
});
