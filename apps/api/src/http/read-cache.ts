// Answers to the list reads (incidents, changes, problems, DORA) kept while what they were
// computed from stays the same: the store's watermark of the tables they read (which moves as
// soon as a write to them is visible, see ClickHouseStore.watermark), the definitions they used
// (the SLO catalog, the policy: compared by identity, as a reload replaces them) and the clock.
// A reader after a write therefore never gets an answer from before it. The clock matters for
// what depends on "now" (default ranges, the budget an open incident is spending): an answer is
// fresh for FRESH_MS of the clock; after that the first reader starts one recomputation and
// readers meanwhile get the answer it replaces (never older than MAX_AGE_MS; the SLO window
// counts under the budgets are per minute anyway). Concurrent readers of the same missing answer
// share one computation.
import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from '#core';
import { CLOCK, SHUTDOWN, type ShutdownSequence } from '#platform';
import { CLICKHOUSE_STORE, type ClickHouseStore } from '#storage';

/** How long (clock time) an answer is served as it is. */
export const FRESH_MS = 1_000;
/** Past this age an answer is never served, even while its replacement is computed. */
export const MAX_AGE_MS = 10_000;
/** Answers kept at most (the least recently used go first). */
const MAX_ENTRIES = 500;

export interface ReadDependencies {
  /** The tables the answer is computed from (see ClickHouseStore.watermark). */
  readonly tables: readonly string[];
  /** Definitions it used, compared by identity (a reload gives new objects). */
  readonly uses?: readonly unknown[];
}

interface Entry {
  readonly token: string;
  readonly uses: readonly unknown[];
  readonly at: number;
  readonly value: Promise<unknown>;
  refreshing?: Promise<unknown>;
}

@Injectable()
export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  /** Answers this cache gave out, with their JSON once asked for (sent as it is to every reader). */
  private readonly bodies = new WeakMap<object, string | null>();
  /** Computations under way, background recomputations included (no reader waits on those). */
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    @Inject(CLICKHOUSE_STORE) private readonly store: ClickHouseStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SHUTDOWN) shutdown?: ShutdownSequence,
  ) {
    // Before the store disconnects: a query still running on a closed embedded engine crashes
    // the process (SIGSEGV at exit after a clean stop, seen after a burst of reads).
    shutdown?.register('drain', 'read cache recomputations', async () => {
      await Promise.allSettled([...this.running]);
    });
  }

  /** The answer for `key` (the route and its query, as the caller sent them), computed at most once per state. */
  async read<T>(key: string, dependencies: ReadDependencies, compute: () => Promise<T>): Promise<T> {
    if (!this.store.watermark) return compute();
    const uses = dependencies.uses ?? [];
    // Read before computing: the answer is at least as new as the token it is kept under.
    const token = await this.store.watermark(dependencies.tables);
    const now = this.clock.now();
    const entry = this.entries.get(key);
    if (entry && entry.token === token && sameUses(entry.uses, uses)) {
      const age = now - entry.at;
      if (age >= 0 && age < FRESH_MS) return this.touch(key, entry).value as Promise<T>;
      if (age >= 0 && age < MAX_AGE_MS) {
        entry.refreshing ??= this.start(key, token, uses, now, compute, entry);
        return this.touch(key, entry).value as Promise<T>;
      }
    }
    return this.start(key, token, uses, now, compute) as Promise<T>;
  }

  /** The JSON of an answer this cache gave out (written once), else undefined. */
  json(value: unknown): string | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const known = this.bodies.get(value);
    if (known === undefined) return undefined;
    if (known !== null) return known;
    const json = JSON.stringify(value);
    this.bodies.set(value, json);
    return json;
  }

  /** Answers kept (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  private start(
    key: string,
    token: string,
    uses: readonly unknown[],
    at: number,
    compute: () => Promise<unknown>,
    replacing?: Entry,
  ): Promise<unknown> {
    const value = compute();
    this.running.add(value);
    void value.finally(() => this.running.delete(value)).catch(() => undefined);
    const fresh: Entry = { token, uses, at, value };
    if (!replacing) this.put(key, fresh);
    value.then(
      (answer) => {
        if (typeof answer === 'object' && answer !== null) this.bodies.set(answer, null);
        if (replacing && this.entries.get(key) === replacing) this.put(key, fresh);
      },
      () => {
        if (this.entries.get(key) === fresh) this.entries.delete(key);
        if (replacing) replacing.refreshing = undefined;
      },
    );
    return value;
  }

  private put(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  private touch(key: string, entry: Entry): Entry {
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }
}

function sameUses(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The cache key of a request: its route and its query parameters in a stable order. */
export function readKey(route: string, query: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${route}?${JSON.stringify(entries)}`;
}
