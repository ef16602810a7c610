// The HTTP driver's own code (parameter formatting, JSON handling, settings, error mapping in
// @clickhouse/client) on the real engine without a server: the client runs over chDB's
// `chdb/connection` instead of HTTP. With CLICKHOUSE_URL set, store.int-spec.ts covers HTTP itself.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drainPending } from 'chdb';
import { createChdbConnection } from 'chdb/connection';
import { describeStoreConformance } from '../store-conformance.js';
import { HttpStore, type HttpStoreOptions } from './http-store.js';

// chdb declares the Connection type of @clickhouse/client-common, the client bundles its own
// copy of the same types: identical shapes that TypeScript sees as two.
const overChdb = (path: string) =>
  createChdbConnection({ path }) as unknown as HttpStoreOptions['connection'];

describeStoreConformance('HttpStore (@clickhouse/client over chdb/connection)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'aftershock-http-store-'));
  const store = await HttpStore.open({
    url: 'http://chdb.invalid:8123',
    username: 'default',
    password: '',
    database: 'default', // chdb/connection keeps its own current database
    connection: overChdb(dir),
  });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await drainPending();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
