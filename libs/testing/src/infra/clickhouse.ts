// Gives integration tests the real ClickHouse engine: the server at CLICKHOUSE_URL when set, a
// testcontainers server where Docker runs, else embedded chDB in a temporary directory. Every
// call gets a database of its own, dropped by cleanup(), so tests can share one engine.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChdbStore, HttpStore, runMigrations, type ClickHouseStore } from '#storage';
import { dockerAvailable } from './docker.js';

export interface TestClickHouse {
  readonly store: ClickHouseStore;
  /** Drops the test's database and closes the store. */
  cleanup(): Promise<void>;
}

const CLICKHOUSE_IMAGE = 'clickhouse/clickhouse-server:25.8';

let server: Promise<{ url: string; username: string; password: string }> | undefined;
let counter = 0;

export async function testClickHouse(): Promise<TestClickHouse> {
  const database = `test_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
  const remote = await serverConnection();
  if (remote) {
    const store = await HttpStore.open({ ...remote, database });
    return { store, cleanup: () => dropAndClose(store, database) };
  }
  const dir = await embeddedDir();
  const store = await ChdbStore.open({ dataDir: dir.path, database });
  dir.users++;
  return {
    store,
    cleanup: async () => {
      await dropAndClose(store, database);
      if (--dir.users === 0) await dir.remove();
    },
  };
}

/** The same, with the schema migrated as the apps run it. */
export async function migratedTestClickHouse(): Promise<TestClickHouse> {
  const ch = await testClickHouse();
  await runMigrations(ch.store);
  return ch;
}

function serverConnection(): Promise<{ url: string; username: string; password: string } | undefined> {
  const url = process.env.CLICKHOUSE_URL?.trim();
  if (url) {
    return Promise.resolve({
      url,
      username: process.env.CLICKHOUSE_USER ?? 'default',
      password: process.env.CLICKHOUSE_PASSWORD ?? '',
    });
  }
  return dockerAvailable().then((docker) => (docker ? (server ??= startContainer()) : undefined));
}

async function startContainer(): Promise<{ url: string; username: string; password: string }> {
  const { ClickHouseContainer } = await import('@testcontainers/clickhouse');
  const container = await new ClickHouseContainer(CLICKHOUSE_IMAGE).start();
  process.once('beforeExit', () => void container.stop());
  return {
    url: container.getHttpUrl(),
    username: container.getUsername(),
    password: container.getPassword(),
  };
}

async function dropAndClose(store: ClickHouseStore, database: string): Promise<void> {
  try {
    await store.command('DROP DATABASE IF EXISTS {db:Identifier} SYNC', { db: database });
  } finally {
    await store.close();
  }
}

interface EmbeddedDir {
  readonly path: string;
  users: number;
  remove(): Promise<void>;
}

// chDB binds one data directory per process: every test in this process shares this one.
let embedded: Promise<EmbeddedDir> | undefined;

function embeddedDir(): Promise<EmbeddedDir> {
  embedded ??= mkdtemp(join(tmpdir(), 'aftershock-chdb-')).then((path) => {
    const dir: EmbeddedDir = {
      path,
      users: 0,
      remove: async () => {
        embedded = undefined;
        // Closing defers the engine's teardown behind queries still running; wait for it.
        const { drainPending } = await import('chdb');
        await drainPending();
        await rm(path, { recursive: true, force: true });
      },
    };
    return dir;
  });
  return embedded;
}
