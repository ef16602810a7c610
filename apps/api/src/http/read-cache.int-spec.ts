// The list and DORA reads through the ReadCache on the real engine: a kept answer is never older
// than the records, and what it keeps equals what the records give when computed afresh.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { projectPath } from '#config';
import { ManualClock, parsePolicy } from '#core';
import {
  ChangesRepository,
  IncidentsRepository,
  TABLES,
  toChangeRow,
  toIncidentRow,
  toVerdictRow,
  VerdictsRepository,
  type ClickHouseStore,
  type RecordSource,
} from '#storage';
import { aChange, anIncident, aVerdict, MINUTE, T0 } from '#testing';
import { migratedTestClickHouse, type TestClickHouse } from '#testing/infra';
import { DoraService, type DoraQuery } from '../dora/dora.service.js';
import type { RiskGate } from '../gate/risk-gate.js';
import { ReadCache, readKey } from './read-cache.js';

const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const source = (timestamp: number): RecordSource => ({ topic: 't', partition: 0, offset: '0', timestamp });

describe('ReadCache on the store', () => {
  let ch: TestClickHouse;
  let store: ClickHouseStore;
  let cache: ReadCache;
  const clock = new ManualClock(T0 + DAY);

  before(async () => {
    ch = await migratedTestClickHouse();
    store = ch.store;
    cache = new ReadCache(store, clock);
  });
  after(() => ch.cleanup());

  it('lists a newly recorded incident on the first read after it is written', async () => {
    const incidents = new IncidentsRepository(store);
    const list = () =>
      cache.read(readKey('incidents', {}), { tables: [TABLES.incidents] }, () =>
        incidents.ranked({ from: T0 - DAY, to: T0 + 2 * DAY, limit: 50 }),
      );
    await store.insert(TABLES.incidents, [toIncidentRow(anIncident({ id: 'inc-1', openedAt: T0 }))]);
    const first = await list();
    assert.deepEqual(
      first.map((i) => i.id),
      ['inc-1'],
    );
    assert.equal(await list(), first, 'kept while nothing is written');

    await store.insert(TABLES.incidents, [toIncidentRow(anIncident({ id: 'inc-2', openedAt: T0 + HOUR }))]);
    assert.deepEqual(
      (await list()).map((i) => i.id),
      ['inc-2', 'inc-1'],
      'the clock has not moved: the write alone makes it read again',
    );
  });

  it('keeps DORA figures equal to the ones computed afresh from the records, across writes', async () => {
    const policy = parsePolicy(
      readFileSync(projectPath('deploy', 'policy', 'standard-changes.yaml'), 'utf8'),
      'standard-changes.yaml',
    );
    const gate = { policy: () => policy } as unknown as RiskGate;
    const dora = new DoraService(
      new ChangesRepository(store),
      new VerdictsRepository(store),
      new IncidentsRepository(store),
      gate,
    );
    const query: DoraQuery = { from: T0 - 7 * DAY, to: T0 + DAY, now: clock.now() };
    const tables = [TABLES.changes, TABLES.verdicts, TABLES.incidents];
    const cached = () =>
      cache.read(readKey('dora', {}), { tables, uses: [policy] }, () => dora.figures(query));

    await store.insert(TABLES.changes, [
      toChangeRow(aChange({ id: 'd1', startedAt: T0 - DAY, commitAt: T0 - DAY - HOUR }), source(T0 - DAY)),
      toChangeRow(aChange({ id: 'd2', startedAt: T0 - 2 * HOUR }), source(T0 - 2 * HOUR)),
    ]);
    const before = await cached();
    assert.deepEqual(before, await dora.figures(query));
    assert.equal(before.fleet?.changeFailureRate.failures, 0);

    // d2 fails its verification, then a third deployment lands: both count at once.
    await store.insert(TABLES.verdicts, [
      toVerdictRow(aVerdict({ changeId: 'd2', final: true, outcome: 'fail' })),
    ]);
    await store.insert(TABLES.changes, [
      toChangeRow(aChange({ id: 'd3', startedAt: T0 - HOUR }), source(T0 - HOUR)),
    ]);
    const after = await cached();
    assert.deepEqual(after, await dora.figures(query), 'what is kept is what the records give');
    assert.equal(after.fleet?.changeFailureRate.failures, 1);
    assert.equal(after.fleet?.deployments, 3);
    assert.equal(await cached(), after, 'and kept again until the next write');
  });
});
