import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Change, Incident, Verdict } from '#contracts';
import { aChange, anAlert, aVerdict, MINUTE, T0 } from '#testing';
import { SeededRandom } from '../stats/random.js';
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
  // a → b → c → d → e → f: every change in the window is a candidate for a symptom on a.
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
    const reach = correlator.graph.reach.bind(correlator.graph);
    correlator.graph.reach = (...args) => (searches++, reach(...args));
    return { verifier, correlator, searches: () => searches };
  }

  it('reuses an attribution when nothing it weighs changed (an interim look that passes is no verdict yet)', () => {
    const { verifier, correlator, searches } = setUp();
    verifier.queue.push(
      aVerdict({
        id: 'chg-e/5',
        changeId: 'chg-e',
        service: 'e',
        outcome: 'inconclusive',
        final: false,
        look: 5,
        metrics: [],
      }),
    );
    correlator.advanceTo(T0 + 20 * MINUTE);
    assert.equal(searches(), 0);
  });

  it('attributes afresh when a candidate fails', () => {
    const { verifier, correlator, searches } = setUp();
    verifier.queue.push(aVerdict({ id: 'chg-e/3', changeId: 'chg-e', service: 'e' }));
    correlator.advanceTo(T0 + 20 * MINUTE);
    assert.ok(searches() > 0);
  });
});

describe('Correlator re-ranking', () => {
  it('a change re-ranks only the incidents whose window holds it (no churn from later deploys)', () => {
    // A random fleet: a tree of 60 services, a deploy or a rollback most minutes, alerts that
    // open and join incidents. Whenever a change arrives, any incident event it causes must be
    // about an incident whose window holds the change.
    const rng = new SeededRandom(7);
    const services = Array.from({ length: 60 }, (_, i) => `s${i}`);
    const edges = services.slice(1).map((to, i) => ({ from: services[rng.int(i + 1)]!, to }));
    const { lookbackMs, skewMs } = DEFAULT_CORRELATOR_SETTINGS.attribution;
    const correlator = new Correlator(new QueuedVerdicts(), undefined, DEFAULT_CORRELATOR_SETTINGS, edges);
    const changes: Change[] = [];
    let checked = 0;
    for (let minute = 0; minute < 600; minute++) {
      const t = T0 + minute * MINUTE;
      if (rng.next() < 0.5) {
        const service = services[rng.int(services.length)]!;
        const startedAt = t - rng.int(5) * MINUTE;
        const change = aChange({
          id: `c${minute}`,
          service,
          startedAt,
          ...(rng.next() < 0.05 ? { scope: 'cluster' as const, cluster: 'eu-1' } : {}),
        });
        changes.push(change);
        for (const out of correlator.process({ type: 'change', change })) {
          if (out.type !== 'incident') continue;
          checked++;
          assert.ok(canBearOn(change, out.incident), `${change.id} re-ranked ${out.incident.id}`);
        }
      }
      if (rng.next() < 0.6) {
        correlator.process({
          type: 'alert',
          alert: anAlert({
            fingerprint: `f${rng.int(30)}`,
            service: services[rng.int(services.length)]!,
            name: `Alert${rng.int(4)}`,
            startsAt: t - MINUTE,
            status: rng.next() < 0.3 ? 'resolved' : 'firing',
            endsAt: t,
          }),
        });
      }
    }
    assert.ok(checked > 10, `changes re-ranked incidents ${checked} times`);

    function canBearOn(change: Change, incident: Incident): boolean {
      const sinceStart = incident.openedAt - change.startedAt;
      return sinceStart >= -skewMs && sinceStart <= lookbackMs;
    }
  });
});
