// The all-in-one app as the fault-injection suite runs it: a real process on a fixed port and
// data directory, started again and again on the same directory, stopped with SIGTERM or
// SIGKILL; when it is drained (the embedded log shows every group caught up), and what the
// store holds afterwards.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { EMBEDDED_LOG_DIR, LOG_FILE } from '#messaging';
import { freePort } from '../../libs/testing/src/free-port.js';
import { startProcess, type AppProcess } from '../support/app-process.js';
import { sleep } from './driver.js';
import type { StoreCounts } from './inspect-store.js';

export const CHAOS_TOKEN = 'chaos-ingest-token-0123456789';

export interface AllInOne {
  readonly url: string;
  readonly dataDir: string;
  proc: AppProcess | undefined;
  /** Starts the process on the same port and data directory; resolves once it serves requests. */
  start(): Promise<number>;
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<{ code: number | null; signal: string | null }>;
}

export async function allInOne(dataDir: string, env: Record<string, string> = {}): Promise<AllInOne> {
  const port = await freePort();
  const app: AllInOne = {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    proc: undefined,
    async start() {
      const started = performance.now();
      app.proc = startProcess('bin/aftershock.js', ['start', '--port', String(port), '--data-dir', dataDir], {
        AFTERSHOCK_TOKENS: `ingest+read:${CHAOS_TOKEN}`,
        CORRELATOR_IDLE_TIMEOUT: '2s',
        LOG_LEVEL: 'warn',
        ...env,
      });
      const exited = app.proc.exited().then(({ code, signal }) => {
        throw new Error(
          `the app exited while starting (code ${code}, signal ${signal}): ${app.proc?.stderr()}`,
        );
      });
      await Promise.race([whenServing(app.url), exited]);
      void exited.catch(() => undefined);
      return performance.now() - started;
    },
    async stop(signal) {
      const proc = app.proc!;
      proc.child.kill(signal);
      const exited = await proc.exited();
      app.proc = undefined;
      return exited;
    },
  };
  return app;
}

/** Waits until the app answers readiness (it rebuilt its state and serves). */
export async function whenServing(url: string, timeoutMs = 180_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url} not ready within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/**
 * Messages the long-lived groups have not committed yet, read from the embedded log itself
 * (WAL lets this process read beside the app). Groups named per process start are left out.
 */
export function logLag(dataDir: string): number {
  const db = new DatabaseSync(join(dataDir, EMBEDDED_LOG_DIR, LOG_FILE), { readOnly: true });
  try {
    const partitions = db.prepare('SELECT id, topic, start_offset, next_offset FROM partitions').all() as {
      id: number;
      topic: string;
      start_offset: number;
      next_offset: number;
    }[];
    const offsets = db.prepare('SELECT group_id, pid, next_offset FROM group_offsets').all() as {
      group_id: string;
      pid: number;
      next_offset: number;
    }[];
    const topicOf = new Map(partitions.map((p) => [p.id, p.topic]));
    let lag = 0;
    for (const group of LONG_LIVED_GROUPS) {
      const committed = new Map(
        offsets.filter((o) => o.group_id === group).map((o) => [o.pid, o.next_offset]),
      );
      const topics = new Set([...committed.keys()].map((pid) => topicOf.get(pid)));
      for (const p of partitions) {
        if (!topics.has(p.topic)) continue;
        lag += p.next_offset - Math.max(committed.get(p.id) ?? p.start_offset, p.start_offset);
      }
    }
    return lag;
  } finally {
    db.close();
  }
}

const LONG_LIVED_GROUPS = [
  'aftershock-recorder',
  'aftershock-correlator',
  'aftershock-problems',
  'aftershock-ingest',
];

/** Waits until the groups caught up and the log stopped growing for `quietMs` (timers have fired). */
export async function whenDrained(dataDir: string, quietMs = 8_000, timeoutMs = 300_000): Promise<void> {
  if (!existsSync(join(dataDir, EMBEDDED_LOG_DIR, LOG_FILE))) return sleep(30_000); // another bus: give it time
  const deadline = performance.now() + timeoutMs;
  let lastEnd = -1;
  let quietSince = performance.now();
  for (;;) {
    const end = logEnd(dataDir);
    const lag = logLag(dataDir);
    if (end !== lastEnd || lag !== 0) {
      lastEnd = end;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= quietMs) return;
    if (performance.now() > deadline) throw new Error(`not drained within ${timeoutMs} ms (lag ${lag})`);
    await sleep(500);
  }
}

function logEnd(dataDir: string): number {
  const db = new DatabaseSync(join(dataDir, EMBEDDED_LOG_DIR, LOG_FILE), { readOnly: true });
  try {
    return (db.prepare('SELECT coalesce(sum(next_offset), 0) AS n FROM partitions').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** What the stopped app's ClickHouse holds of the workload tagged `tag`. */
export async function storeCounts(dataDir: string, tag: string): Promise<StoreCounts> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['dist/test/chaos/inspect-store.js', dataDir, tag],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as StoreCounts;
}
