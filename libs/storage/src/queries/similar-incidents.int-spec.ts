// The similar incidents of one on the real engine: the candidates query finds those sharing a
// problem, the primary service, the suspect's service, an alert name or the title (digits aside)
// in their newest version, and not the others; the core then says which are similar and why.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Incident } from '#contracts';
import { similarIncidents } from '#core';
import type { ClickHouseStore } from '#storage';
import { anIncident, aProblem, MINUTE, T0 } from '#testing';
import { migratedTestClickHouse, type TestClickHouse } from '#testing/infra';
import { TABLES, toIncidentRow, toProblemRow } from '../records/index.js';
import { IncidentsRepository } from './incidents.repository.js';

const HOUR = 60 * MINUTE;
const alert = (name: string, service: string) => ({
  type: 'alert' as const,
  ref: `fp-${name}`,
  service,
  name,
  at: T0,
});
const suspect = (changeId: string, service: string) => ({
  changeId,
  service,
  kind: 'deployment' as const,
  component: null,
  probability: 0.7,
  evidence: [],
});
/** An incident on `service` that shares nothing with `now` unless told. */
const other = (id: string, h: number, service: string, more: Partial<Incident> = {}) =>
  anIncident({
    id,
    openedAt: T0 + h * HOUR,
    updatedAt: T0 + h * HOUR,
    title: `DiskFull on ${service}`,
    service,
    services: [service],
    members: [alert('DiskFull', service)],
    suspects: [suspect(`chg-${id}`, service)],
    ...more,
  });

describe('similar incidents on the engine', () => {
  let ch: TestClickHouse;
  let store: ClickHouseStore;
  const now = anIncident({
    id: 'now',
    openedAt: T0 + 100 * HOUR,
    updatedAt: T0 + 100 * HOUR,
    title: 'Pod cart-7f9c restarted 12 times',
    service: 'cart',
    services: ['cart'],
    members: [alert('PodRestarts', 'cart')],
    suspects: [suspect('chg-now', 'payments')],
  });

  before(async () => {
    ch = await migratedTestClickHouse();
    store = ch.store;
    const incidents = [
      now,
      other('in-problem', 1, 'ledger'),
      other('same-service', 2, 'cart'),
      other('same-title', 3, 'search', { title: 'Pod cart-1a2b restarted 3 times' }),
      other('same-suspect', 4, 'orders', { suspects: [suspect('chg-x', 'payments')] }),
      other('same-alert', 5, 'cart', { members: [alert('PodRestarts', 'cart')] }),
      other('unrelated', 6, 'ledger'),
      other('was-related', 7, 'ledger', { suspects: [suspect('chg-y', 'payments')] }),
    ];
    await store.insert(TABLES.incidents, incidents.map(toIncidentRow));
    // Newer versions: `same-alert` resolved as a duplicate; `was-related` re-ranked away from payments.
    await store.insert(TABLES.incidents, [
      toIncidentRow({
        ...incidents[5]!,
        version: 2,
        event: 'merged',
        status: 'resolved',
        resolvedAt: T0 + 6 * HOUR,
        duplicateOf: 'same-service',
      }),
      toIncidentRow({
        ...incidents[7]!,
        version: 2,
        event: 'updated',
        suspects: [suspect('chg-y', 'ledger')],
      }),
    ]);
    await store.insert(TABLES.problems, [
      toProblemRow(aProblem({ id: 'prb-now', title: 'Cart pods restart', members: ['now', 'in-problem'] })),
      toProblemRow(
        aProblem({ id: 'prb-fixed', status: 'resolved', fixChangeId: 'chg-fix', members: ['same-suspect'] }),
      ),
      toProblemRow(aProblem({ id: 'prb-none', members: ['unrelated'] })),
    ]);
  });
  after(() => ch.cleanup());

  it('reads the candidates in their newest version, newest first, and the problems of both sides', async () => {
    const found = await new IncidentsRepository(store).similarCandidates('now');
    assert.ok(found);
    assert.deepEqual(
      found.candidates.map((c) => c.id),
      ['same-alert', 'same-suspect', 'same-title', 'same-service', 'in-problem'],
    );
    assert.equal(found.candidates[0]?.status, 'resolved');
    assert.deepEqual(found.problems.map((p) => p.id).sort(), ['prb-fixed', 'prb-now']);
    assert.equal(await new IncidentsRepository(store).similarCandidates('missing'), undefined);
  });

  it('gives each similar one with its reasons and how it ended', async () => {
    const found = (await new IncidentsRepository(store).similarCandidates('now'))!;
    const similar = similarIncidents(found.incident, found.candidates, found.problems);
    assert.deepEqual(
      similar.map((s) => [s.id, s.reasons.map((r) => r.kind)]),
      [
        ['same-alert', ['signature']],
        ['same-suspect', ['suspect-service']],
        ['same-title', ['signature']],
        ['in-problem', ['problem']],
      ],
    );
    assert.equal(similar[0]?.duplicateOf, 'same-service');
    assert.equal(similar[0]?.resolvedAt, T0 + 6 * HOUR);
    assert.equal(similar[1]?.fixedBy, 'chg-fix');
  });
});
