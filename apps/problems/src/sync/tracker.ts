// One issue tracker as the sync sees it: find the record of a problem (by the correlation key the
// sync writes into it), create one, bring one up to date. Adapters build their vendor's requests
// and send them through `Call`, which adds the target's authorization and retries (sync.ts).
import type { Problem, ProblemStatus } from '#contracts';
import type { OutboundRequest } from '#platform';

/** Sends a request (retried with backoff unless `attempts` says otherwise); resolves with the parsed JSON body. */
export type Call = (request: OutboundRequest, attempts?: number) => Promise<unknown>;

export interface Tracker {
  /** The remote key (Jira issue key, ServiceNow sys_id) of the problem's record, or null. */
  find(problem: Problem): Promise<string | null>;
  /** Creates the record: one attempt (sync.ts searches again before another, so a lost response never duplicates). */
  create(problem: Problem): Promise<string>;
  /** Brings the record up to this version. */
  update(key: string, problem: Problem, record: RecordState): Promise<void>;
}

export interface RecordState {
  /** The status the record was last brought to (null: unknown, after a restart). */
  readonly previous: ProblemStatus | null;
  /** It was just created with this version's fields. */
  readonly created: boolean;
}

/** The target's configuration does not fit the remote system (an unknown transition): logged, not retried. */
export class SyncConfigError extends Error {
  override name = 'SyncConfigError';
}
