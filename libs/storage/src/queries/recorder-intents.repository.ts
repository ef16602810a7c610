// The recorder's write-ahead intents (migration 0006): which source offset ranges it set out to
// write, so a replay writes exactly the same ranges with the same dedup tokens.
import type { ClickHouseStore } from '../port.js';
import { TABLES } from '../records/tables.js';
import { sqlFiles } from './sql-files.js';

export interface OffsetRange {
  /** Inclusive. */
  readonly first: bigint;
  /** Inclusive. */
  readonly last: bigint;
}

interface IntentRow {
  first_offset: string;
  last_offset: string;
}

export class RecorderIntentsRepository {
  private readonly sql = sqlFiles({ from: 'recorder/intents-from' });

  constructor(private readonly store: ClickHouseStore) {}

  /** Intents of the partition that end at or after `from`, in offset order. */
  async from(topic: string, partition: number, from: bigint): Promise<OffsetRange[]> {
    const rows = await this.store.query<IntentRow>(this.sql.from, {
      topic,
      partition,
      from: from.toString(),
    });
    return rows.map((row) => ({ first: BigInt(row.first_offset), last: BigInt(row.last_offset) }));
  }

  /** Records an intent durably (idempotent: a retry with the same range writes nothing new). */
  async record(topic: string, partition: number, range: OffsetRange, now: number): Promise<void> {
    const row = {
      topic,
      partition,
      first_offset: range.first.toString(),
      last_offset: range.last.toString(),
      created_at: now,
    };
    await this.store.insert(TABLES.recorderIntents, [row], {
      dedupToken: `intent:${topic}/${partition}/${range.first}-${range.last}`,
    });
  }
}
