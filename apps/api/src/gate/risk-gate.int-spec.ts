// The gate's history, loaded in the background from the real engine: a stop that comes while it
// is still loading ends the load before the store closes, instead of leaving a read running on
// a store about to go away (which then failed, or ran under the engine's teardown).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '#core';
import { createLogger } from '#observability';
import { Readiness, ShutdownSequence } from '#platform';
import {
  ChangesRepository,
  IncidentsRepository,
  ProblemsRepository,
  TABLES,
  toChangeRow,
  VerdictsRepository,
  type ClickHouseStore,
} from '#storage';
import { aChange, eventually, MINUTE, T0 } from '#testing';
import { migratedTestClickHouse, type TestClickHouse } from '#testing/infra';
import { loadApiConfig } from '../api.settings.js';
import type { SloBudgets } from '../slo/slo-budgets.js';
import { RiskGate } from './risk-gate.js';

describe('RiskGate history load', () => {
  let ch: TestClickHouse;
  let store: ClickHouseStore;

  before(async () => {
    ch = await migratedTestClickHouse();
    store = ch.store;
    const changes = Array.from({ length: 50 }, (_, i) =>
      toChangeRow(aChange({ id: `chg-${i}`, service: `svc-${i % 5}`, startedAt: T0 - i * MINUTE }), {
        topic: 'changes',
        partition: 0,
        offset: String(i),
        timestamp: T0 - i * MINUTE,
      }),
    );
    await store.insert(TABLES.changes, changes);
  });
  after(() => ch.cleanup());

  /** The real store, counting the reads under way through it. */
  function counting(): { store: ClickHouseStore; reading: () => number } {
    let reading = 0;
    const query: ClickHouseStore['query'] = async (sql, params) => {
      reading++;
      try {
        return await store.query(sql, params);
      } finally {
        reading--;
      }
    };
    return {
      store: Object.assign(Object.create(store) as ClickHouseStore, { query }),
      reading: () => reading,
    };
  }

  function gate(
    shutdown: ShutdownSequence,
    readiness: Readiness,
    logs: string[],
    through: ClickHouseStore = store,
  ): RiskGate {
    const logger = createLogger({ sink: (line) => logs.push(line) });
    return new RiskGate(
      new ChangesRepository(through),
      new VerdictsRepository(through),
      new IncidentsRepository(through),
      new ProblemsRepository(through),
      loadApiConfig({}),
      new ManualClock(T0 + MINUTE),
      logger,
      readiness,
      shutdown,
      // Read only when a change is assessed; none is here.
      undefined as unknown as SloBudgets,
    );
  }

  it('loads the history and becomes ready when left to run', async () => {
    const logs: string[] = [];
    const readiness = new Readiness();
    const shutdown = new ShutdownSequence(createLogger({ sink: () => undefined }));
    const subject = gate(shutdown, readiness, logs);
    await subject.onModuleInit();
    subject.onApplicationBootstrap();
    await eventually(async () => assert.equal((await readiness.report()).ready, true));
    const loaded = logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'risk history loaded');
    assert.equal(loaded?.changes, 50);
    await shutdown.run();
    subject.onModuleDestroy();
  });

  it('ends a load still under way when the app stops, before the store is closed', async () => {
    const logs: string[] = [];
    const shutdown = new ShutdownSequence(createLogger({ sink: () => undefined }));
    const { store: through, reading } = counting();
    const subject = gate(shutdown, new Readiness(), logs, through);
    await subject.onModuleInit();
    subject.onApplicationBootstrap();
    assert.equal(reading(), 1, "the first page's read is under way");
    await shutdown.run();
    // The store's own shutdown step comes next: nothing of the gate's may still be reading.
    assert.equal(reading(), 0, 'a read still under way when the sequence reached the store');
    subject.onModuleDestroy();
    assert.equal(subject.isLoaded(), false, 'stopped at its first page, not read to the end');
    assert.deepEqual(
      logs.filter((l) => JSON.parse(l).level === 'error'),
      [],
    );
  });
});
