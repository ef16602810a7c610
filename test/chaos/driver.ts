// Sends a workload over HTTP the way a producer with retries would, and keeps the books: an item
// is `acked` when the server answered 202 (a promise: it must end up stored exactly once),
// `unknown` when the request was sent but no answer came (killed mid-request: stored at most
// once), and retried — never counted — when it was refused (503 while draining, connection
// refused while the server is down). Items are never re-sent once their outcome is unknown.
import type { WorkItem, Workload } from './workload.js';

export type Outcome = 'acked' | 'unknown';

export interface Ledger {
  readonly outcomes: Map<WorkItem, Outcome>;
  /** When each acknowledged item was acknowledged (performance.now()). */
  readonly ackedAt: Map<WorkItem, number>;
  /** Acknowledgements so far (for choosing fault points). */
  acked: number;
}

export interface DriverOptions {
  readonly url: () => string;
  readonly token: string;
  /** Concurrent writers; each takes whole service streams, in order. */
  readonly writers: number;
  /** Gives up on an item refused for this long (the server never came back). */
  readonly patienceMs?: number;
}

export async function drive(workload: Workload, options: DriverOptions, ledger: Ledger): Promise<void> {
  const queue = [...workload.streams];
  const writer = async () => {
    for (let stream = queue.shift(); stream; stream = queue.shift()) {
      for (const item of stream) ledger.outcomes.set(item, await send(item, options, ledger));
    }
  };
  await Promise.all(Array.from({ length: options.writers }, writer));
}

export function newLedger(): Ledger {
  return { outcomes: new Map(), ackedAt: new Map(), acked: 0 };
}

async function send(item: WorkItem, options: DriverOptions, ledger: Ledger): Promise<Outcome> {
  const deadline = performance.now() + (options.patienceMs ?? 180_000);
  for (;;) {
    let response: Response;
    try {
      response = await fetch(`${options.url()}/api/v1/ingest/${item.format}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        body: item.body,
      });
      await response.arrayBuffer();
    } catch (error) {
      // Refused before anything was sent: safe to retry. Anything else may have been taken.
      if (!refusedBeforeSending(error)) return 'unknown';
      if (performance.now() > deadline)
        throw new Error(`the server did not come back: ${describe(error)}`, { cause: error });
      await sleep(200);
      continue;
    }
    if (response.status === 202) {
      ledger.acked++;
      ledger.ackedAt.set(item, performance.now());
      return 'acked';
    }
    if (response.status === 503) {
      await sleep(200);
      continue;
    }
    throw new Error(`unexpected ${response.status} for a ${item.kind} of ${item.service}`);
  }
}

function refusedBeforeSending(error: unknown): boolean {
  const code = (error as { cause?: { code?: string } }).cause?.code;
  return code === 'ECONNREFUSED';
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? String(error);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
