import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Verdict } from '#contracts';
import { aChange, anAlert, aVerdict, MINUTE, T0 } from '#testing';
import { Correlator, DEFAULT_CORRELATOR_SETTINGS, type VerifierPort } from './correlator.js';

/** A verifier that hands out the verdicts a test queues, when event time moves on. */
class QueuedVerdicts implements VerifierPort {
  readonly queue: Verdict[] = [];
  observeChange(): Verdict[] {
    return [];
  }
  observeTelemetry(): Verdict[] {
    return [];
  }
  advanceWatermark(): Verdict[] {
    return this.queue.splice(0);
  }
}

describe('Correlator re-attribution', () => {
  // a → b → c → d → e → f: with 3 hops, b is a candidate for a symptom on a, and e only
  // matters through a failure (it could explain a failure of d's away).
  const edges = ['a', 'b', 'c', 'd', 'e', 'f'].slice(0, -1).map((from, i) => ({
    from,
    to: ['b', 'c', 'd', 'e', 'f'][i]!,
  }));

  function setUp() {
    const verifier = new QueuedVerdicts();
    const correlator = new Correlator(verifier, undefined, DEFAULT_CORRELATOR_SETTINGS, edges);
    for (const service of ['b', 'e'])
      correlator.process({
        type: 'change',
        change: aChange({ id: `chg-${service}`, service, startedAt: T0 }),
      });
    correlator.process({ type: 'alert', alert: anAlert({ service: 'a', startsAt: T0 + 5 * MINUTE }) });
    assert.equal(correlator.activeIncidents().length, 1);
    // Graph searches from here on: a fresh attribution makes them, a reused one none.
    let searches = 0;
    const relation = correlator.graph.relation.bind(correlator.graph);
    correlator.graph.relation = (...args) => (searches++, relation(...args));
    return { verifier, correlator, searches: () => searches };
  }

  it('reuses an attribution when a change that is no candidate passes verification', () => {
    const { verifier, correlator, searches } = setUp();
    verifier.queue.push(
      aVerdict({ id: 'chg-e/17', changeId: 'chg-e', service: 'e', outcome: 'pass', metrics: [] }),
    );
    correlator.advanceTo(T0 + 20 * MINUTE);
    assert.equal(searches(), 0);
  });

  it('attributes afresh when such a change fails (it may explain a candidate away)', () => {
    const { verifier, correlator, searches } = setUp();
    verifier.queue.push(aVerdict({ id: 'chg-e/3', changeId: 'chg-e', service: 'e' }));
    correlator.advanceTo(T0 + 20 * MINUTE);
    assert.ok(searches() > 0);
  });
});
