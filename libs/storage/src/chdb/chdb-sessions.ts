// chDB runs one embedded engine per process, bound to one data directory. This registry hands
// every store on the same directory and database the same Session (reference counted, closed
// with its last user) and refuses a second directory with an error that says why.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Session } from 'chdb';
import { StoreError } from '../port.js';
import { SESSION_SETTINGS } from '../wire.js';

interface Entry {
  readonly path: string;
  readonly session: Promise<Session>;
  readonly writes: WriteCounts;
  refs: number;
}

/**
 * Writes to one database of the engine, counted as each finishes: the embedded engine serves
 * only this process, so these counts see every write there is (the store's watermark).
 */
let engines = 0;

export class WriteCounts {
  /** Which opening of the engine: a token from before a reopen never matches one after it. */
  private readonly epoch = ++engines;
  /** Statements (DDL, INSERT … SELECT, mutations) may touch any table: they move every table. */
  private statements = 0;
  private readonly byTable = new Map<string, number>();

  inserted(table: string): void {
    this.byTable.set(table, (this.byTable.get(table) ?? 0) + 1);
  }

  statement(): void {
    this.statements++;
  }

  of(tables: readonly string[]): string {
    return [this.epoch, this.statements, ...tables.map((t) => this.byTable.get(t) ?? 0)].join('.');
  }
}

// Keyed by `path + database`: `USE` is per connection, so each database needs its own
// connection; chDB lets several connections share the one engine on the same directory.
const entries = new Map<string, Entry>();

export interface SessionLease {
  readonly session: Session;
  /** The writes to this database, shared by every store on it. */
  readonly writes: WriteCounts;
  /**
   * Gives the session back; the last release closes it and resolves once the engine has let go:
   * no query still running on a pool thread, no connection teardown still deferred behind one.
   * A process that exits before that (an orderly stop ends in process.exit) can tear the engine
   * down under a running query, which crashes it with SIGSEGV. Idempotent.
   */
  release(): Promise<void>;
}

/** A session on `path` whose current database is `database` (created when missing). */
export async function acquireSession(path: string, database: string): Promise<SessionLease> {
  const dir = resolve(path);
  const other = [...entries.values()].find((e) => e.path !== dir);
  if (other) {
    throw new StoreError(
      `chDB is already open on ${other.path} in this process; the embedded engine serves one data ` +
        `directory per process, so every store here must use that one (asked for ${dir})`,
      false,
    );
  }
  const key = `${dir}\0${database}`;
  let entry = entries.get(key);
  if (!entry) {
    entry = { path: dir, session: openSession(dir, database), writes: new WriteCounts(), refs: 0 };
    entries.set(key, entry);
    const opened = entry;
    opened.session.catch(() => entries.get(key) === opened && entries.delete(key));
  }
  entry.refs++;
  const session = await entry.session.catch((error: unknown) => {
    entry.refs--;
    throw error;
  });
  let released = false;
  return {
    session,
    writes: entry.writes,
    release: async () => {
      if (released) return;
      released = true;
      if (--entry.refs > 0) return;
      entries.delete(key);
      session.close(); // chDB defers the teardown until queries still running on it finish
      const { drainPending } = await loadChdb();
      await drainPending();
    },
  };
}

/**
 * chDB's engine (half a gigabyte) is loaded only when a store opens on it, so the service image,
 * which talks to a ClickHouse server, can leave it out; asking for it there says what to do.
 */
async function loadChdb(): Promise<typeof import('chdb')> {
  try {
    return await import('chdb');
  } catch (error) {
    throw new StoreError(
      `the embedded ClickHouse engine (chDB) is not installed here (${(error as Error).message}): ` +
        'set CLICKHOUSE_URL to a ClickHouse server, or use the all-in-one image',
      false,
      { cause: error },
    );
  }
}

async function openSession(dir: string, database: string): Promise<Session> {
  const { Session } = await loadChdb();
  await mkdir(dir, { recursive: true });
  let session: Session;
  try {
    session = new Session(dir, { connectionArgs: engineArgs() });
  } catch (error) {
    throw new StoreError(`cannot open chDB at ${dir}: ${(error as Error).message}`, false, { cause: error });
  }
  try {
    await session.queryBindAsync('CREATE DATABASE IF NOT EXISTS {db:Identifier}', { db: database });
    await session.queryBindAsync('USE {db:Identifier}', { db: database });
  } catch (error) {
    session.close();
    throw new StoreError(
      `cannot use database ${database} in chDB at ${dir}: ${(error as Error).message}`,
      false,
      {
        cause: error,
      },
    );
  }
  return session;
}

function engineArgs(): string[] {
  // `async_insert=0` here as well as per insert: nothing on this connection may acknowledge
  // rows that are still only in an in-memory buffer.
  const settings = { ...SESSION_SETTINGS, async_insert: 0 };
  return Object.entries(settings).map(([name, value]) => `--${name}=${value}`);
}
