// The store port on the engine testClickHouse() provides: chDB here, a server when
// CLICKHOUSE_URL is set or Docker runs.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { testClickHouse } from '#testing/infra';
import { describeStoreConformance } from './store-conformance.js';

describeStoreConformance('ClickHouseStore (testClickHouse)', testClickHouse);

it('gives each test its own database', async () => {
  const ch = await testClickHouse();
  try {
    const [row] = await ch.store.query<{ db: string }>('SELECT currentDatabase() AS db');
    assert.match(row!.db, /^test_/);
  } finally {
    await ch.cleanup();
  }
});
