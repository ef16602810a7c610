// A guard against two migrators racing (a Job re-run while the first is still going, an init
// container in every replica by mistake). ClickHouse has no row locks, so the lease is a row
// per owner with an expiry, and the holder is whoever took the oldest unexpired lease: each
// migrator checks before writing its row and again after, and all of them agree on who won.
// Every statement is idempotent as well (migration-rules.ts), so even a lost race is harmless.
import type { ClickHouseStore } from '../port.js';

export const LEASE_TABLE = 'schema_migrations_lease';

const LEASE_DDL = `
CREATE TABLE IF NOT EXISTS ${LEASE_TABLE} (
  owner String,
  acquired_at DateTime64(6, 'UTC'),
  expires_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY owner
TTL toDateTime(expires_at) + INTERVAL 7 DAY`;

export interface LeaseHolder {
  readonly owner: string;
  /** When the lease runs out unless renewed (UTC). */
  readonly until: string;
}

export class MigrationLockedError extends Error {
  constructor(readonly holder: LeaseHolder) {
    super(
      `another migrator (${holder.owner}) holds the migration lease until ${holder.until} UTC; ` +
        'run exactly one `aftershock migrate` at a time',
    );
    this.name = 'MigrationLockedError';
  }
}

export interface LeaseOptions {
  /** How long a lease lasts without renewal (the migrator renews after every file). */
  readonly ttlMs: number;
  /** How long to wait for another migrator to finish before giving up. */
  readonly waitMs: number;
  readonly pollMs: number;
}

export class MigrationLease {
  private constructor(
    private readonly store: ClickHouseStore,
    readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  /** Waits while another migrator holds the lease, then takes it. */
  static async acquire(
    store: ClickHouseStore,
    owner: string,
    options: LeaseOptions,
  ): Promise<MigrationLease> {
    await store.command(LEASE_DDL);
    const lease = new MigrationLease(store, owner, options.ttlMs);
    const deadline = Date.now() + options.waitMs;
    for (;;) {
      const before = await lease.holder();
      if (!before || before.owner === owner) {
        await lease.write('now64(6)', `now64(6) + toIntervalMillisecond({ttl:UInt32})`);
        const after = await lease.holder();
        if (after?.owner === owner) return lease;
        await lease.release(); // lost a race that started at the same moment
        if (after && Date.now() >= deadline) throw new MigrationLockedError(after);
      } else if (Date.now() >= deadline) {
        throw new MigrationLockedError(before);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    }
  }

  /** Extends the lease; throws when it expired and someone else took over meanwhile. */
  async renew(): Promise<void> {
    await this.write('acquired_at', `now64(6) + toIntervalMillisecond({ttl:UInt32})`);
    const holder = await this.holder();
    if (holder?.owner !== this.owner) {
      throw new MigrationLockedError(holder ?? { owner: 'nobody', until: 'now' });
    }
  }

  async release(): Promise<void> {
    await this.write('acquired_at', 'now64(6)');
  }

  /** The oldest unexpired lease (ties broken by owner), or none. */
  private async holder(): Promise<LeaseHolder | undefined> {
    const rows = await this.store.query<LeaseHolder>(
      `SELECT owner, toString(expires_at) AS until FROM ${LEASE_TABLE} FINAL
       WHERE expires_at > now64(6) ORDER BY acquired_at, owner LIMIT 1`,
    );
    return rows[0];
  }

  /** A new version of this owner's row; `acquired` keeps the original time when renewing. */
  private async write(acquired: string, expires: string): Promise<void> {
    await this.store.command(
      `INSERT INTO ${LEASE_TABLE} (owner, acquired_at, expires_at, updated_at)
       SELECT {owner:String}, ${acquired}, ${expires}, now64(6)
       FROM (SELECT max(acquired_at) AS acquired_at FROM ${LEASE_TABLE} FINAL WHERE owner = {owner:String})`,
      { owner: this.owner, ttl: this.ttlMs },
    );
  }
}
