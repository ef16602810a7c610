// The all-in-one default: the one-process bus on the embedded durable log (SQLite in the data
// directory). A send resolves once its messages are committed under the sync policy; offsets and
// committed positions survive restarts, SIGTERM and kill -9; retention by age and size keeps the
// log on disk bounded, and the heap holds only the batches in flight.
import { silentLogger } from '#observability';
import { LocalBus, type LocalBusOptions } from '../local/local-bus.js';
import type { LogSync } from './log-protocol.js';
import { SqliteLogStore } from './sqlite-log-store.js';

export interface EmbeddedLogBusOptions extends LocalBusOptions {
  /** Directory of the log database. */
  readonly dir: string;
  readonly sync?: LogSync;
  /** Per partition (default 1 GiB). */
  readonly retentionBytes?: number;
  /** How often retention runs (default 10 s). */
  readonly retentionCheckMs?: number;
}

export class EmbeddedLogBus extends LocalBus {
  readonly kind = 'embedded';
  private readonly log: SqliteLogStore;

  constructor(options: EmbeddedLogBusOptions) {
    const log = new SqliteLogStore({
      dir: options.dir,
      sync: options.sync ?? 'full',
      retentionBytes: options.retentionBytes ?? 1_073_741_824,
      retentionCheckMs: options.retentionCheckMs,
      logger: options.logger ?? silentLogger,
    });
    super(log, options);
    this.log = log;
  }

  override async connect(): Promise<void> {
    await super.connect();
    await this.log.open();
  }
}
