// The ClickHouse port. Two drivers implement it with the same SQL: chdb (embedded engine in
// this process, the default) and @clickhouse/client (HTTP to a server or cluster).
// Parameterised queries only: values travel as `{name:Type}` parameters, never spliced in.

export type QueryParams = Record<string, unknown>;

export interface InsertOptions {
  /**
   * Idempotency token (ClickHouse `insert_deduplication_token`): a retried insert with the same
   * token and the same rows is not written twice. Derive it from what the rows came from
   * (e.g. topic/partition/offset range).
   */
  readonly dedupToken?: string;
}

export interface ClickHouseStore {
  readonly driver: 'chdb' | 'http';
  /** Runs a SELECT and returns its rows (JSONEachRow semantics: 64-bit ints come back as strings). */
  query<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]>;
  /** Runs a statement that returns no rows (DDL, INSERT … SELECT). */
  command(sql: string, params?: QueryParams): Promise<void>;
  /** Inserts rows given as objects keyed by column name (Dates, Maps as objects, arrays, bigints). */
  insert(table: string, rows: readonly object[], options?: InsertOptions): Promise<void>;
  /** True when the engine answers. */
  ping(): Promise<boolean>;
  /**
   * What these tables hold, as a token: it differs once a write to any of them has become
   * visible since the previous token was given (equal tokens: nothing was written in between),
   * so a reader may keep an answer computed under a token for as long as the token stays the
   * same. A materialized view's target moves with its source: name the source. Optional: a
   * store without it is read afresh every time.
   */
  watermark?(tables: readonly string[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * Errors the store reports. `transient` ones (connection refused, timeouts, too many parts,
 * a closed embedded store) are worth retrying; others (syntax, type mismatch) never succeed.
 */
export class StoreError extends Error {
  /** The engine's error name when known (e.g. `TOO_MANY_PARTS`, `SYNTAX_ERROR`), or a network code. */
  readonly code: string | undefined;

  constructor(
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown; code?: string },
  ) {
    super(message, options);
    this.name = 'StoreError';
    this.code = options?.code;
  }
}

/** Injection token for the store in NestJS modules. */
export const CLICKHOUSE_STORE = Symbol.for('aftershock.ClickHouseStore');
