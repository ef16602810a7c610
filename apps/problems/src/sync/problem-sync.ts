// Problems out to the trackers where organisations work them (sync-config.ts says which go
// where). Each problem version that matters — the first seen, or one whose status, title,
// services, workaround or fix differs from what was last synced (not a count bump, not a member
// joining) — brings the problem's one remote record up to date:
//
// - Idempotent by problem id: the record's key is remembered per target and problem; after a
//   restart (or a rebalance) it is found again by the correlation key written into it (Jira's
//   label, ServiceNow's correlation_id) before anything is created, so a redelivered version
//   never creates a second record. A create whose answer was lost (timeout, 5xx) is followed by
//   a search, not blindly repeated.
// - Ordered by version: a version at or below the last synced one is skipped.
// - Every call is retried with backoff (#platform's callWithRetries) a bounded number of times;
//   a refusal (4xx), exhausted retries, or a target whose configuration does not fit (a
//   transition its workflow does not offer) are logged and counted, never thrown: the consumer
//   must not stop on one tracker's trouble.
import type { Problem, ProblemStatus } from '#contracts';
import { backoffDelay } from '#core';
import type { Logger } from '#observability';
import { callWithRetries, OutboundError, type RetryOptions } from '#platform';
import { JiraTracker } from './jira.js';
import { ServiceNowTracker } from './servicenow.js';
import { targetsFor, type SyncConfig, type SyncTarget } from './sync-config.js';
import { SyncConfigError, type Call, type Tracker } from './tracker.js';

export interface SyncSettings extends RetryOptions {
  /** Problems remembered per target (their remote keys); the oldest go first, found again by search. */
  readonly maxTracked: number;
}

/** Six attempts over about 30 s: long enough for a tracker's restart, short enough not to stall the partition. */
export const DEFAULT_SYNC: SyncSettings = {
  maxAttempts: 6,
  initialDelayMs: 1_000,
  maxDelayMs: 16_000,
  timeoutMs: 10_000,
  maxTracked: 50_000,
};

/** Statuses that end a problem: a record made earlier is found and closed even when no route sends them. */
const ENDING: ReadonlySet<ProblemStatus> = new Set(['resolved', 'verified', 'rejected']);

interface Synced {
  readonly key: string;
  readonly version: number;
  readonly fingerprint: string;
  /** The status the record was brought to; null until the first update succeeded. */
  readonly status: ProblemStatus | null;
}

export interface SyncStats {
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

/** What a tracker shows of a problem: versions that change none of it are not synced. */
export function fingerprint(problem: Problem): string {
  return JSON.stringify([
    problem.status,
    problem.title,
    problem.services,
    problem.workaround,
    problem.fixChangeId,
    problem.template,
  ]);
}

export class ProblemSync {
  private readonly trackers = new Map<string, Tracker>();
  private readonly synced = new Map<string, Synced>();
  private readonly settings: SyncSettings;
  readonly stats: SyncStats = { created: 0, updated: 0, skipped: 0, failed: 0 };

  constructor(
    private readonly config: SyncConfig,
    private readonly logger: Logger,
    options: { readonly publicUrl?: string; readonly settings?: Partial<SyncSettings> } = {},
  ) {
    this.settings = { ...DEFAULT_SYNC, ...options.settings };
    for (const target of config.targets.values())
      this.trackers.set(target.name, trackerFor(target, this.caller(target), options.publicUrl));
  }

  /** Syncs one problem version to its targets; never throws (failures are logged and counted). */
  async handle(problem: Problem): Promise<void> {
    const routed = new Set(targetsFor(this.config, problem).map((t) => t.name));
    for (const [name, tracker] of this.trackers) {
      try {
        await this.syncTo(name, tracker, problem, routed.has(name));
      } catch (error) {
        this.stats.failed++;
        this.logger.error(failureMessage(error), {
          target: name,
          problem: problem.id,
          version: problem.version,
          error: (error as Error).message,
        });
      }
    }
  }

  private async syncTo(name: string, tracker: Tracker, problem: Problem, routed: boolean): Promise<void> {
    const id = `${name}\u0000${problem.id}`;
    const known = this.synced.get(id);
    const print = fingerprint(problem);
    if (known && (problem.version <= known.version || print === known.fingerprint)) {
      if (problem.version > known.version) this.remember(id, { ...known, version: problem.version });
      this.stats.skipped++;
      return;
    }
    if (!known && !routed && !ENDING.has(problem.status)) return;
    let key = known?.key;
    let created = false;
    if (!key) {
      const found = await this.findOrCreate(tracker, problem, routed);
      if (!found) return;
      ({ key, created } = found);
      // Remembered at once: should the update fail, the next try updates this record.
      this.remember(id, { key, version: -1, fingerprint: '', status: null });
      if (created) this.stats.created++;
    }
    await tracker.update(key, problem, { previous: known?.status ?? null, created });
    this.remember(id, { key, version: problem.version, fingerprint: print, status: problem.status });
    if (!created) this.stats.updated++;
    this.logger.info('problem synced', {
      target: name,
      problem: problem.id,
      version: problem.version,
      key,
      created,
    });
  }

  /** The record, found by its correlation key, else created (unless `mayCreate` is false). */
  private async findOrCreate(
    tracker: Tracker,
    problem: Problem,
    mayCreate: boolean,
  ): Promise<{ key: string; created: boolean } | null> {
    for (let attempt = 1; ; attempt++) {
      const found = await tracker.find(problem);
      if (found) return { key: found, created: false };
      if (!mayCreate) return null;
      try {
        return { key: await tracker.create(problem), created: true };
      } catch (error) {
        // A create that failed without a refusal may have happened: search before creating again.
        if (!(error instanceof OutboundError) || error.refused || attempt >= this.settings.maxAttempts)
          throw error;
        const { initialDelayMs: initialMs, maxDelayMs: maxMs } = this.settings;
        await new Promise((r) => setTimeout(r, backoffDelay({ initialMs, maxMs }, attempt, Math.random)));
      }
    }
  }

  private caller(target: SyncTarget): Call {
    return async (request, attempts) => {
      const result = await callWithRetries(
        { ...request, headers: { authorization: target.authorization, ...request.headers } },
        { ...this.settings, maxAttempts: attempts ?? this.settings.maxAttempts },
        this.logger,
      );
      return result.text.trim() ? (JSON.parse(result.text) as unknown) : null;
    };
  }

  private remember(id: string, synced: Synced): void {
    this.synced.delete(id);
    this.synced.set(id, synced);
    if (this.synced.size > this.settings.maxTracked) this.synced.delete(this.synced.keys().next().value!);
  }
}

function trackerFor(target: SyncTarget, call: Call, publicUrl: string | undefined): Tracker {
  return target.kind === 'jira'
    ? new JiraTracker(target, call, publicUrl)
    : new ServiceNowTracker(target, call, publicUrl);
}

function failureMessage(error: unknown): string {
  if (error instanceof SyncConfigError)
    return 'problem sync: the target does not fit its configuration, skipped';
  if (error instanceof OutboundError)
    return error.refused
      ? 'problem sync: the target refused the request, not retried'
      : 'problem sync: the target stayed unavailable, given up after retries';
  return 'problem sync failed';
}
