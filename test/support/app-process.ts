// Runs an Aftershock entry point as a real child process and reads its JSON log lines, the way
// an operator (or an orchestrator) would see it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AppProcess {
  readonly child: ChildProcess;
  readonly lines: readonly Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first log line matching, or rejects when the process exits first. */
  waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends SIGTERM unless the process has already ended; resolves, as exited() does, once it has. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'aftershock-e2e-'));
}

/** How long waitForLog waits by default: generous, a bound on hanging rather than on speed. */
const LOG_WAIT_MS = 120_000;

/**
 * The environment of an app a test starts: only what the test gives it, plus PATH and HOME and,
 * in a clock-ahead run (scripts/clock-ahead.mjs), the preload that moves its clock too.
 */
export function childEnv(env: Record<string, string>): Record<string, string> {
  const clock: Record<string, string> = {};
  if (process.env.AFTERSHOCK_TEST_CLOCK_AHEAD) {
    clock.AFTERSHOCK_TEST_CLOCK_AHEAD = process.env.AFTERSHOCK_TEST_CLOCK_AHEAD;
    clock.NODE_OPTIONS = process.env.NODE_OPTIONS ?? '';
  }
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...clock, ...env };
}

export function startProcess(script: string, args: string[], env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, [script, ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: {
    match: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }[] = [];
  let err = '';
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        line = { nonJson: text };
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    lines,
    stderr: () => err,
    waitForLog(match, timeoutMs = LOG_WAIT_MS) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        // A line that never comes fails the test (saying what the app logged last) instead of hanging it.
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          const last = lines.slice(-8).map((l) => JSON.stringify(l));
          reject(
            new Error(
              `no such log line within ${timeoutMs} ms; last lines:\n${last.join('\n')}\nstderr:\n${err}`,
            ),
          );
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (line: Record<string, unknown>) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        waiters.push(waiter);
        void exit.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(
            new Error(`process exited (code ${code}, signal ${signal}) before the log line; stderr:\n${err}`),
          );
        });
      });
    },
    exited: () => exit,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exit;
    },
  };
}
