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
  refs: number;
}

// Keyed by `path + database`: `USE` is per connection, so each database needs its own
// connection; chDB lets several connections share the one engine on the same directory.
const entries = new Map<string, Entry>();

export interface SessionLease {
  readonly session: Session;
  /** Gives the session back; the last release closes it. Idempotent. */
  release(): void;
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
    entry = { path: dir, session: openSession(dir, database), refs: 0 };
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
    release: () => {
      if (released) return;
      released = true;
      if (--entry.refs > 0) return;
      entries.delete(key);
      session.close(); // chDB defers the teardown until queries still running on it finish
    },
  };
}

async function openSession(dir: string, database: string): Promise<Session> {
  await mkdir(dir, { recursive: true });
  let session: Session;
  try {
    // Loaded on first use: service mode (a ClickHouse server) never needs the embedded engine.
    const { Session } = await import('chdb');
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
