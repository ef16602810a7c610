// The embedded driver: ClickHouse inside this process through chDB. Only the async calls are
// used (they run on libuv's pool), so a long query or a large insert never blocks the event loop.
import { join } from 'node:path';
import type { Session } from 'chdb';
import { StoreError, type ClickHouseStore, type InsertOptions, type QueryParams } from '../port.js';
import { clickHouseErrorName, isTransientClickHouseError, storeError } from '../store-errors.js';
import {
  assertIdentifier,
  encodeJsonEachRow,
  insertSettings,
  parseJsonEachRow,
  wireParams,
} from '../wire.js';
import { acquireSession, type SessionLease } from './chdb-sessions.js';

export interface ChdbStoreOptions {
  /** Aftershock's data directory; the engine keeps its files in `<dataDir>/chdb`. */
  readonly dataDir: string;
  readonly database: string;
}

export class ChdbStore implements ClickHouseStore {
  readonly driver = 'chdb' as const;
  private closed = false;

  private constructor(private readonly lease: SessionLease) {}

  /** Opens (or joins) the process's engine and creates the database when missing. */
  static async open(options: ChdbStoreOptions): Promise<ChdbStore> {
    assertIdentifier(options.database, 'database');
    return new ChdbStore(await acquireSession(join(options.dataDir, 'chdb'), options.database));
  }

  async query<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]> {
    const result = await this.run('query', (s) =>
      s.queryBindAsync(sql, wireParams(params), { format: 'JSONEachRow' }),
    );
    return parseJsonEachRow<T>(result.text());
  }

  async command(sql: string, params?: QueryParams): Promise<void> {
    try {
      await this.run('command', (s) => s.queryBindAsync(sql, wireParams(params), { format: 'Null' }));
    } finally {
      this.lease.writes.statement(); // counted once it is over: a reader after this sees it
    }
  }

  async insert(table: string, rows: readonly object[], options?: InsertOptions): Promise<void> {
    assertIdentifier(table);
    if (rows.length === 0) return;
    const values = encodeJsonEachRow(rows);
    const settings = insertSettings(options?.dedupToken);
    try {
      await this.run(`insert into ${table}`, (s) =>
        s.insert({ table, values, format: 'JSONEachRow', settings }),
      );
    } finally {
      // Counted once it is over, failed or not (a failed insert may have written some blocks).
      this.lease.writes.inserted(table);
    }
  }

  /** Exact and free: every write to the embedded engine goes through this process. */
  watermark(tables: readonly string[]): Promise<string> {
    return Promise.resolve(this.lease.writes.of(tables));
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.lease.session.queryAsync('SELECT 1', { format: 'Null' });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.lease.release();
  }

  private async run<R>(what: string, call: (session: Session) => Promise<R>): Promise<R> {
    // Transient: a closed store means shutdown, not bad data; a writer must not dead-letter rows for it.
    if (this.closed) {
      throw new StoreError(`${what} failed: the chDB store is closed`, true, { code: 'CHDB_CLOSED' });
    }
    try {
      return await call(this.lease.session);
    } catch (error) {
      throw storeError(error, what, classifyChdbError);
    }
  }
}

interface ChdbErrorShape {
  code?: unknown;
  clickhouseCode?: unknown;
  message?: unknown;
}

/** chDB's typed errors carry `code` (`CHDB_*`) and, from the engine, `clickhouseCode`. */
export function classifyChdbError(error: unknown): { transient: boolean; code?: string } {
  const { code, clickhouseCode, message } = (error ?? {}) as ChdbErrorShape;
  const name = typeof message === 'string' ? clickHouseErrorName(message) : undefined;
  if (typeof clickhouseCode === 'number') {
    return { transient: isTransientClickHouseError(clickhouseCode), code: name ?? String(clickhouseCode) };
  }
  // Closed sessions and timeouts clear up; bind and compile errors are the caller's bug.
  const transient = code === 'CHDB_CLOSED' || code === 'CHDB_TIMEOUT';
  return { transient, code: typeof code === 'string' ? code : name };
}
