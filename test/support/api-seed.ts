// Writes canonical events into ClickHouse (chDB) the way the recorder stores them, from a short-
// lived process of its own: chDB serves one data directory per process, so the api under test
// can only open the directory after this has closed it.
//   node dist/test/support/api-seed.js <events.json>     (AFTERSHOCK_DATA_DIR, CLICKHOUSE_DATABASE)
// The events file holds [{ "event": "change", "value": {…} }, …].
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSettings, storeSettings } from '#config';
import type { EventName, EventTypes } from '#contracts';
import { silentLogger } from '#observability';
import { createClickHouseStore } from '#storage';
import { eventRows, eventTable } from '#storage';
import { childEnv } from './app-process.js';

export type SeedEvent = { [E in EventName]: { readonly event: E; readonly value: EventTypes[E] } }[EventName];

async function main(file: string): Promise<void> {
  const events = JSON.parse(readFileSync(file, 'utf8')) as SeedEvent[];
  const store = await createClickHouseStore(loadSettings(storeSettings), silentLogger);
  try {
    const byTable = new Map<string, object[]>();
    events.forEach((e, i) => {
      const table = eventTable(e.event);
      const source = { topic: 'seed', partition: 0, offset: String(i), timestamp: Date.now() };
      const rows = byTable.get(table) ?? [];
      rows.push(...eventRows(e.event, e.value as never, source));
      byTable.set(table, rows);
    });
    // Versions of incidents and problems one insert each, as the recorder receives them: one
    // block with several versions of a row would be collapsed on insert (optimize_on_insert).
    for (const [table, rows] of byTable) {
      if (table === 'incidents' || table === 'problems') {
        for (const [i, row] of rows.entries())
          await store.insert(table, [row], { dedupToken: `seed/${table}/${i}` });
      } else {
        await store.insert(table, rows, { dedupToken: `seed/${table}` });
      }
    }
  } finally {
    await store.close();
  }
}

/** Runs the seeding in a child process for the data directory and database. */
export function seedStore(events: readonly SeedEvent[], env: { dataDir: string; database: string }): void {
  const file = join(env.dataDir, 'seed-events.json');
  writeFileSync(file, JSON.stringify(events));
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), file], {
    env: childEnv({ AFTERSHOCK_DATA_DIR: env.dataDir, CLICKHOUSE_DATABASE: env.database }),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`seeding failed (exit ${run.status}): ${run.stderr}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main(process.argv[2]!);
}
