// The store as the recorder's writers see it, counting transient failures: a batch that was
// written only after retries tells its partition to pause, so an overloaded ClickHouse (too many
// parts, memory) gets room instead of the next batch at once.
import { StoreError, type ClickHouseStore, type InsertOptions, type QueryParams } from '#storage';

export class TroubleTrackingStore implements ClickHouseStore {
  /** Transient insert failures so far. */
  transientFailures = 0;

  constructor(private readonly inner: ClickHouseStore) {}

  get driver(): ClickHouseStore['driver'] {
    return this.inner.driver;
  }

  query<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]> {
    return this.inner.query<T>(sql, params);
  }

  command(sql: string, params?: QueryParams): Promise<void> {
    return this.inner.command(sql, params);
  }

  async insert(table: string, rows: readonly object[], options?: InsertOptions): Promise<void> {
    try {
      await this.inner.insert(table, rows, options);
    } catch (error) {
      if (error instanceof StoreError && error.transient) this.transientFailures++;
      throw error;
    }
  }

  ping(): Promise<boolean> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
