// The history people read (an incident's and a problem's timeline) keeps every version, also
// after ClickHouse merged the current-state tables down to the newest row of each.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Incident, Problem } from '#contracts';
import { runMigrations, TABLES, toIncidentRow, toProblemRow, type ClickHouseStore } from '#storage';
import { anIncident, aProblem, MINUTE, T0, testClickHouse, type TestClickHouse } from '#testing';
import { ApiQueries } from './api-queries.js';

describe('version history in ClickHouse', () => {
  let ch: TestClickHouse;
  let store: ClickHouseStore;
  let queries: ApiQueries;

  before(async () => {
    ch = await testClickHouse();
    store = ch.store;
    await runMigrations(store);
    queries = new ApiQueries(store);
  });

  after(() => ch?.cleanup());

  it('a problem keeps every version after Confirm → Known error → Resolve, merged or not, with what people wrote', async () => {
    const steps: Partial<Problem>[] = [
      { status: 'candidate', count: 3 },
      { status: 'candidate', count: 4 },
      { status: 'problem', actor: 'pm@example.com', comment: 'the export host runs out of disk' },
      { status: 'known_error', actor: 'pm@example.com', workaround: 'restart the pool', comment: null },
      { status: 'resolved', actor: 'pm@example.com', fixChangeId: 'fix-1' },
    ];
    let last = aProblem({ id: 'prb-history' });
    for (const [i, step] of steps.entries()) {
      last = { ...last, ...step, version: i + 1, updatedAt: T0 + i * MINUTE };
      // One insert per version, as the recorder writes them as they arrive.
      await store.insert(TABLES.problems, [toProblemRow(last)]);
    }
    await store.command(`OPTIMIZE TABLE ${TABLES.problems} FINAL`);
    await store.command(`OPTIMIZE TABLE ${TABLES.problemVersions} FINAL`);
    const versions = await queries.problemVersions('prb-history');
    assert.deepEqual(
      versions.map((v) => [v.version, v.status, v.count, v.actor, v.workaround, v.comment]),
      [
        [1, 'candidate', 3, null, null, null],
        [2, 'candidate', 4, null, null, null],
        [3, 'problem', 4, 'pm@example.com', null, 'the export host runs out of disk'],
        [4, 'known_error', 4, 'pm@example.com', 'restart the pool', null],
        [5, 'resolved', 4, 'pm@example.com', 'restart the pool', null],
      ],
    );
  });

  it('an incident keeps every full version, each once though written twice', async () => {
    const versions: Incident[] = [
      anIncident({ id: 'inc-history', version: 1, event: 'opened' }),
      anIncident({
        id: 'inc-history',
        version: 2,
        event: 'acknowledged',
        status: 'acknowledged',
        actor: 'ana',
      }),
      anIncident({
        id: 'inc-history',
        version: 3,
        event: 'commented',
        status: 'acknowledged',
        comment: 'pool',
      }),
    ];
    for (const v of versions) await store.insert(TABLES.incidents, [toIncidentRow(v)]);
    await store.insert(TABLES.incidents, [toIncidentRow(versions[1]!)]); // redelivered
    await store.command(`OPTIMIZE TABLE ${TABLES.incidents} FINAL`);
    await store.command(`OPTIMIZE TABLE ${TABLES.incidentVersions} FINAL`);
    const history = await queries.incidentVersions('inc-history');
    assert.deepEqual(
      history.map((v) => [v.version, v.event, v.actor, v.comment]),
      [
        [1, 'opened', null, null],
        [2, 'acknowledged', 'ana', null],
        [3, 'commented', null, 'pool'],
      ],
    );
  });
});
