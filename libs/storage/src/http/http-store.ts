// The server driver: ClickHouse over HTTP through @clickhouse/client, with the same SQL,
// parameters, settings and error classification as the embedded one.
import {
  ClickHouseError,
  createClient,
  type ClickHouseClient,
  type ClickHouseClientConfigOptions,
} from '@clickhouse/client';
import { StoreError, type ClickHouseStore, type InsertOptions, type QueryParams } from '../port.js';
import { isTransientClickHouseError, isTransientNetworkCode, storeError } from '../store-errors.js';
import { assertIdentifier, insertSettings, SESSION_SETTINGS, stringifyRow, wireParams } from '../wire.js';

export interface HttpStoreOptions {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly database: string;
  /** Per request, in milliseconds (default 30 s). */
  readonly requestTimeoutMs?: number;
  /**
   * A ready @clickhouse/client connection to use instead of HTTP to `url`; the tests run this
   * driver through `chdb/connection` where no server is available.
   */
  readonly connection?: ClickHouseClientConfigOptions['connection'];
  /** The cluster its tables live on (CLICKHOUSE_CLUSTER): the watermark asks every replica. */
  readonly cluster?: string;
}

export class HttpStore implements ClickHouseStore {
  readonly driver = 'http' as const;

  private readonly parts: PartsWatermark;

  private constructor(
    private readonly client: ClickHouseClient,
    cluster: string | undefined,
  ) {
    this.parts = new PartsWatermark((tables) =>
      this.query<{ token: string }>(cluster ? WATERMARK_ON_CLUSTER : WATERMARK, {
        tables: tables.flatMap((t) => [t, `${t}_local`]),
        cluster: cluster ?? '',
      }).then((rows) => rows[0]?.token ?? ''),
    );
  }

  /** Connects and creates the database when missing. */
  static async open(options: HttpStoreOptions): Promise<HttpStore> {
    assertIdentifier(options.database, 'database');
    const client = connect(options, options.database);
    // A client bound to a missing database fails every request, so over HTTP a short-lived
    // client on `default` creates it first (a supplied connection is shared: use it directly).
    const creator = options.connection ? client : connect(options, 'default');
    try {
      await run('create database', () =>
        creator.command({
          query: 'CREATE DATABASE IF NOT EXISTS {db:Identifier}',
          query_params: { db: options.database },
        }),
      );
    } catch (error) {
      await client.close();
      throw error;
    } finally {
      if (creator !== client) await creator.close();
    }
    return new HttpStore(client, options.cluster);
  }

  async query<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]> {
    return run('query', async () => {
      const result = await this.client.query({
        query: sql,
        query_params: wireParams(params),
        format: 'JSONEachRow',
      });
      return result.json<T>();
    });
  }

  async command(sql: string, params?: QueryParams): Promise<void> {
    await run('command', () => this.client.command({ query: sql, query_params: wireParams(params) }));
  }

  async insert(table: string, rows: readonly object[], options?: InsertOptions): Promise<void> {
    assertIdentifier(table);
    if (rows.length === 0) return;
    await run(`insert into ${table}`, () =>
      this.client.insert({
        table,
        values: rows,
        format: 'JSONEachRow',
        clickhouse_settings: insertSettings(options?.dedupToken),
      }),
    );
  }

  /** The set of the tables' active parts, hashed (another process may write): see PartsWatermark. */
  watermark(tables: readonly string[]): Promise<string> {
    return this.parts.read(tables);
  }

  async ping(): Promise<boolean> {
    const result = await this.client.ping();
    return result.success;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

// Every write makes a part (merges and mutations replace parts): the hash of the active parts'
// names changes with any write that became visible. `_local` covers a cluster's local tables.
const PARTS = `
    SELECT toString(count()) || '.' || toString(sum(cityHash64(database, table, name))) AS token
    FROM %SOURCE%
    WHERE database = currentDatabase() AND active AND has({tables:Array(String)}, table)`;
const WATERMARK = PARTS.replace('%SOURCE%', 'system.parts');
const WATERMARK_ON_CLUSTER = PARTS.replace('%SOURCE%', 'clusterAllReplicas({cluster:String}, system.parts)');

/**
 * Reads of the parts watermark shared by the callers that wait together: a caller joins a read
 * only if it started after the caller asked (an earlier one may miss a write the caller saw
 * finish), else it waits for the next, which then answers everyone who asked meanwhile. Under
 * load that is one small query per query time, not one per request.
 */
export class PartsWatermark {
  private readonly pending = new Map<string, { started?: Promise<string>; next?: Promise<string> }>();

  constructor(private readonly fetch: (tables: readonly string[]) => Promise<string>) {}

  read(tables: readonly string[]): Promise<string> {
    const key = tables.join(',');
    let slot = this.pending.get(key);
    if (!slot) this.pending.set(key, (slot = {}));
    if (!slot.started) return (slot.started = this.start(key, tables));
    // One is running (it may have begun before this caller asked): join the one after it.
    slot.next ??= slot.started.then(
      () => this.promote(key, tables),
      () => this.promote(key, tables),
    );
    return slot.next;
  }

  private start(key: string, tables: readonly string[]): Promise<string> {
    const run = this.fetch(tables);
    const done = () => {
      const slot = this.pending.get(key);
      if (slot?.started === run && !slot.next) this.pending.delete(key);
    };
    run.then(done, done);
    return run;
  }

  private promote(key: string, tables: readonly string[]): Promise<string> {
    const slot = this.pending.get(key)!;
    slot.next = undefined;
    return (slot.started = this.start(key, tables));
  }
}

function connect(options: HttpStoreOptions, database: string): ClickHouseClient {
  return createClient({
    url: options.url,
    username: options.username,
    password: options.password,
    database,
    application: 'aftershock',
    request_timeout: options.requestTimeoutMs ?? 30_000,
    clickhouse_settings: SESSION_SETTINGS,
    json: { stringify: stringifyRow },
    ...(options.connection ? { connection: options.connection } : {}),
  });
}

async function run<R>(what: string, call: () => Promise<R>): Promise<R> {
  try {
    return await call();
  } catch (error) {
    throw storeError(error, what, classifyHttpError);
  }
}

/** Server errors by their ClickHouse code; everything else by the socket error it came from. */
export function classifyHttpError(error: unknown): { transient: boolean; code?: string } {
  if (error instanceof ClickHouseError) {
    return { transient: isTransientClickHouseError(error.code), code: error.type ?? error.code };
  }
  if (error instanceof StoreError) return { transient: error.transient, code: error.code };
  const code = networkCode(error);
  if (isTransientNetworkCode(code)) return { transient: true, code };
  // The client reports its own request timeout and proxies' 502/503/504 only in the message.
  const message = error instanceof Error ? error.message : String(error);
  if (/timeout|socket hang up|\b50[234]\b/i.test(message))
    return { transient: true, code: code ?? 'NETWORK' };
  return { transient: false, code };
}

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
