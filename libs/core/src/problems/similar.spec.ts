import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Incident } from '#contracts';
import { anIncident, aProblem, MINUTE, T0 } from '#testing';
import { similarIncidents, suspectServiceOf, titleKey } from './similar.js';

const HOUR = 60 * MINUTE;
const at = (h: number) => ({ openedAt: T0 + h * HOUR, updatedAt: T0 + h * HOUR });
const alert = (name: string, service = 'checkout') => ({
  type: 'alert' as const,
  ref: `fp-${name}`,
  service,
  name,
  at: T0,
});
const suspect = (changeId: string | null, service: string | null, probability: number) => ({
  changeId,
  service,
  kind: changeId ? ('deployment' as const) : null,
  component: null,
  probability,
  evidence: [],
});
const unrelated = (id: string, h: number, more: Partial<Incident> = {}) =>
  anIncident({
    id,
    ...at(h),
    title: `DiskFull on ledger-${h}`,
    service: 'ledger',
    services: ['ledger'],
    members: [alert('DiskFull', 'ledger')],
    suspects: [suspect(`chg-${id}`, 'ledger', 0.6)],
    ...more,
  });

describe('similar incidents', () => {
  const current = anIncident({
    id: 'now',
    ...at(100),
    title: 'HighErrorRate on checkout — 3 services affected',
    members: [alert('HighErrorRate'), alert('LatencyHigh')],
    suspects: [suspect(null, null, 0.3), suspect('chg-9', 'payments', 0.5), suspect('chg-8', 'cart', 0.2)],
  });

  it('lists each with why: same problem, same alerts on the service, same masked title, same suspect service', () => {
    const candidates = [
      unrelated('in-problem', 10),
      anIncident({
        id: 'same-alerts',
        ...at(20),
        title: 'Something else',
        members: [alert('LatencyHigh'), alert('HighErrorRate')],
        suspects: [],
      }),
      unrelated('same-title', 30, { title: 'HighErrorRate on checkout — 7 services affected' }),
      unrelated('same-suspect', 40, { suspects: [suspect('chg-1', 'payments', 0.9)] }),
      unrelated('nothing', 50),
      // Same alerts but on another primary service: not the same signature.
      unrelated('other-service', 60, {
        members: [alert('HighErrorRate', 'ledger'), alert('LatencyHigh', 'ledger')],
      }),
    ];
    const problem = aProblem({
      id: 'prb-1',
      title: 'Checkout errors at peak',
      members: ['now', 'in-problem'],
    });
    const found = similarIncidents(current, candidates, [problem]);
    assert.deepEqual(
      found.map((s) => [s.id, s.reasons.map((r) => r.kind)]),
      [
        ['same-suspect', ['suspect-service']],
        ['same-title', ['signature']],
        ['same-alerts', ['signature']],
        ['in-problem', ['problem']],
      ],
    );
    assert.equal(found[3]!.reasons[0]!.detail, 'Checkout errors at peak');
    assert.deepEqual(found[3]!.problemIds, ['prb-1']);
    assert.equal(found[2]!.reasons[0]!.detail, 'same alerts HighErrorRate, LatencyHigh on checkout');
    assert.equal(found[1]!.reasons[0]!.detail, 'same title (numbers and ids aside)');
    assert.equal(found[0]!.reasons[0]!.detail, 'its likely cause was also a change to payments');
  });

  it('gives several reasons strongest first, excludes itself and repeats, keeps the newest up to the limit', () => {
    const twin = anIncident({
      id: 'twin',
      ...at(5),
      title: 'HighErrorRate on checkout',
      members: [alert('HighErrorRate'), alert('LatencyHigh')],
      suspects: [suspect('chg-2', 'payments', 0.7)],
    });
    const many = Array.from({ length: 14 }, (_, i) => ({ ...twin, id: `twin-${i}`, ...at(i) }));
    const problem = aProblem({ members: ['now', 'twin'] });
    const found = similarIncidents(current, [current, twin, twin, ...many], [problem], 10);
    assert.equal(found.length, 10);
    assert.deepEqual(
      found.slice(0, 3).map((s) => s.id),
      ['twin-13', 'twin-12', 'twin-11'],
    );
    const all = similarIncidents(current, [current, twin, twin], [problem]);
    assert.deepEqual(
      all.map((s) => s.id),
      ['twin'],
    );
    assert.deepEqual(
      all[0]!.reasons.map((r) => r.kind),
      ['problem', 'signature', 'suspect-service'],
    );
  });

  it('says how a resolved one ended: resolved at, the fix of its problem (made before planned), duplicate of', () => {
    const ended = unrelated('ended', 10, {
      status: 'resolved',
      resolvedAt: T0 + 11 * HOUR,
      duplicateOf: 'first',
      suspects: [suspect('chg-1', 'payments', 0.9)],
    });
    const planned = aProblem({
      id: 'p-planned',
      status: 'known_error',
      fixChangeId: 'chg-plan',
      members: ['ended'],
    });
    const made = aProblem({ id: 'p-made', status: 'resolved', fixChangeId: 'chg-fix', members: ['ended'] });
    const [one] = similarIncidents(current, [ended], [planned, made]);
    assert.equal(one?.resolvedAt, T0 + 11 * HOUR);
    assert.equal(one?.fixedBy, 'chg-fix');
    assert.equal(one?.duplicateOf, 'first');
    assert.deepEqual(one?.problemIds, [], 'the incident is in neither problem');
    assert.equal(similarIncidents(current, [ended], [planned])[0]?.fixedBy, 'chg-plan');
    assert.equal(similarIncidents(current, [ended], [])[0]?.fixedBy, null);
  });

  it('masks numbers and ids in titles, strips the blast radius, and keys nothing from a title of variables only', () => {
    assert.equal(
      titleKey('Pod checkout-7f9c restarted 12 times'),
      titleKey('Pod checkout-1a2b restarted 3 times'),
    );
    assert.notEqual(titleKey('Pod checkout restarted'), titleKey('Pod cart restarted'));
    assert.equal(titleKey('5xx on x — 4 services affected'), titleKey('5xx on x'));
    assert.equal(titleKey('12 34'), null);
    assert.equal(suspectServiceOf(current), 'payments');
    assert.equal(suspectServiceOf(anIncident({ suspects: [suspect(null, null, 1)] })), null);
  });
});
