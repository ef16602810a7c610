import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Change, Incident, Verdict } from '#contracts';
import { aChange, anAlert, aPoint, aTelemetryBatch, aVerdict, MINUTE, T0 } from '#testing';
import type { Anomaly } from '../anomaly/detector.js';
import { SeededRandom } from '../stats/random.js';
import {
  Correlator,
  DEFAULT_CORRELATOR_SETTINGS,
  type AnomalyPort,
  type VerifierPort,
} from './correlator.js';

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

describe('Correlator and inputs from partitions that run apart', () => {
  /** A detector that reports the anomalies a test hands it with the next telemetry batch. */
  class HandedAnomalies implements AnomalyPort {
    next: Anomaly[] = [];
    observeTelemetry(): Anomaly[] {
      return this.next.splice(0);
    }
  }
  const latencyUp = (service: string, at: number): Anomaly => ({
    id: `anomaly-${service}-${at}`,
    service,
    environment: 'production',
    metric: 'http.server.request.duration.p95',
    labels: {},
    onset: at,
    detectedAt: at,
    direction: 'up',
    magnitude: { absolute: 0.3, relative: 2 },
    baseline: 0.15,
    observed: 0.45,
    score: 0.95,
    sigmas: 9,
    summary: `p95 up on ${service}`,
    seasonal: false,
    shape: 'shift',
  });

  /** Members of the one incident after the anomaly and the alert arrive in the given order. */
  function members(order: 'anomaly first' | 'alert first', anomalyAt: number): string[] {
    const detector = new HandedAnomalies();
    const correlator = new Correlator(new QueuedVerdicts(), detector);
    const anomaly = () => {
      detector.next.push(latencyUp('checkout', anomalyAt));
      correlator.process({
        type: 'telemetry',
        batch: aTelemetryBatch({ points: [aPoint({ timestamp: T0 + 6 * MINUTE })] }),
      });
    };
    const alert = () =>
      correlator.process({
        type: 'alert',
        alert: anAlert({ service: 'checkout', startsAt: T0 + 5 * MINUTE }),
      });
    for (const arrive of order === 'anomaly first' ? [anomaly, alert] : [alert, anomaly]) arrive();
    const incidents = correlator.activeIncidents();
    assert.equal(incidents.length, 1);
    return incidents[0]!.members.map((m) => m.ref).sort();
  }

  it('an anomaly that arrived before the incident reaching its service joins it all the same', () => {
    const alertFirst = members('alert first', T0 + 4 * MINUTE);
    assert.deepEqual(alertFirst, ['anomaly-checkout-' + (T0 + 4 * MINUTE), 'fp-1'].sort());
    assert.deepEqual(members('anomaly first', T0 + 4 * MINUTE), alertFirst);
  });

  it('an anomaly waits a grouping window for an incident, no longer', () => {
    const longBefore = T0 + 5 * MINUTE - DEFAULT_CORRELATOR_SETTINGS.incidents.groupingWindowMs - 2 * MINUTE;
    assert.deepEqual(members('anomaly first', longBefore), ['fp-1']);
  });
});

describe('Correlator: an alert handled before its own change failed', () => {
  it('moves to that change’s incident once its verification fails, whatever the order', () => {
    // Eight services deployed at once; a and b are bad. b's alert is handled after a's failed
    // verification but before b's own (partitions run apart; a replay after a restart meets them
    // in another order): it first joins a's incident, then moves to b's.
    const correlator = new Correlator(new QueuedVerdicts(), undefined);
    const services = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (const service of services)
      correlator.process({
        type: 'change',
        change: aChange({ id: `${service}-v2`, service, startedAt: T0 }),
      });
    const failed = (service: string, at: number) =>
      aVerdict({
        id: `${service}-v2/1`,
        changeId: `${service}-v2`,
        service,
        decidedAt: at,
        observationStart: T0,
        metrics: [
          {
            ...aVerdict().metrics[0]!,
            metric: 'http.server.error.ratio',
          },
        ],
      });
    const latest = new Map<string, Incident>();
    const take = (outputs: ReturnType<Correlator['process']>) => {
      for (const o of outputs) if (o.type === 'incident') latest.set(o.incident.id, o.incident);
    };
    take(correlator.process({ type: 'verdict', verdict: failed('a', T0 + 3 * MINUTE) }));
    take(
      correlator.process({
        type: 'alert',
        alert: anAlert({
          fingerprint: 'b-errors',
          name: 'HighErrorRate',
          service: 'b',
          startsAt: T0 + 4 * MINUTE,
        }),
      }),
    );
    take(correlator.process({ type: 'verdict', verdict: failed('b', T0 + 5 * MINUTE) }));
    const holders = [...latest.values()].filter((i) => i.members.some((m) => m.ref === 'b-errors'));
    assert.deepEqual(
      holders.map((i) => [i.service, i.suspects[0]!.changeId]),
      [['b', 'b-v2']],
      JSON.stringify([...latest.values()].map((i) => [i.service, i.members.map((m) => m.ref)])),
    );
    const aIncident = [...latest.values()].find((i) => i.suspects[0]!.changeId === 'a-v2')!;
    assert.deepEqual(
      aIncident.members.map((m) => m.ref),
      ['verdict:a-v2'],
    );
  });
});
