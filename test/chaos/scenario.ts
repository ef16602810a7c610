// One fault-injection run against the all-in-one app: a fresh data directory, the workload sent
// by concurrent writers, faults at random acknowledgement counts (each followed by a restart on
// the same directory), then a drain, an orderly stop and the books (verify.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allInOne, CHAOS_TOKEN, storeCounts, whenDrained } from './all-in-one.js';
import { drive, newLedger, sleep } from './driver.js';
import { verify, type ChaosVerdict } from './verify.js';
import { chaosWorkload } from './workload.js';

export type Fault = 'SIGTERM' | 'SIGKILL';

export interface FaultRecord {
  readonly fault: Fault;
  /** Acknowledgements before the fault. */
  readonly atAcked: number;
  /** From the signal until the restarted app answered ready again. */
  readonly recoverMs: number;
  readonly exit: string;
}

export interface ChaosRun {
  readonly faults: FaultRecord[];
  readonly verdict: ChaosVerdict;
  readonly items: number;
  readonly seconds: number;
}

export interface ChaosOptions {
  readonly faults: readonly Fault[];
  readonly services: number;
  readonly writers: number;
  readonly env?: Record<string, string>;
  readonly onFault?: (record: FaultRecord) => void;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosRun> {
  const started = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'aftershock-chaos-'));
  let keep = false;
  try {
    const workload = chaosWorkload({ services: options.services, now: Date.now() });
    const items = workload.streams.reduce((n, s) => n + s.length, 0);
    // Fault points: acknowledgement counts at random over the first 80% of the run (a fault
    // after the last send still restarts the app, idle).
    const points = options.faults
      .map(() => 1 + Math.floor(Math.random() * items * 0.8))
      .sort((a, b) => a - b);
    const app = await allInOne(dataDir, options.env);
    await app.start();
    const ledger = newLedger();
    const faults: FaultRecord[] = [];
    const sending = drive(
      workload,
      { url: () => app.url, token: CHAOS_TOKEN, writers: options.writers },
      ledger,
    );
    let done = false;
    void sending.finally(() => (done = true));
    for (const [i, point] of points.entries()) {
      while (ledger.acked < point && !done) await sleep(20);
      const fault = options.faults[i]!;
      const at = performance.now();
      const exit = await app.stop(fault);
      await app.start();
      const record: FaultRecord = {
        fault,
        atAcked: ledger.acked,
        recoverMs: Math.round(performance.now() - at),
        exit: exit.signal ?? `code ${exit.code}`,
      };
      faults.push(record);
      options.onFault?.(record);
    }
    await sending;
    await whenDrained(dataDir);
    await app.stop('SIGTERM');
    const verdict = verify(ledger, await storeCounts(dataDir, workload.tag));
    // A failed run's store and log stay for a post-mortem (CHAOS_KEEP_FAILED=1), named in the report.
    keep = !verdict.ok && process.env.CHAOS_KEEP_FAILED === '1';
    return {
      faults,
      verdict: keep ? { ...verdict, keptAt: dataDir } : verdict,
      items,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}
