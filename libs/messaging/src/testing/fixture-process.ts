// A test fixture run as its own process (so a test can SIGKILL or SIGSTOP it), reporting events
// as JSON lines on stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface FixtureProcess<E> {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Every event so far, in order. */
  readonly events: readonly E[];
  /** Resolves with the first event from now on that matches. */
  until(match: (event: E) => boolean): Promise<E>;
}

export function startFixture<E>(script: string, env: Record<string, string>): FixtureProcess<E> {
  const child = spawn(process.execPath, ['--enable-source-maps', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: E[] = [];
  const waiters: { match: (e: E) => boolean; resolve: (e: E) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = JSON.parse(line) as E;
    events.push(event);
    for (const waiter of waiters.filter((w) => w.match(event))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    events,
    until: (match) =>
      Promise.race([
        new Promise<E>((resolve) => waiters.push({ match, resolve })),
        exited.then((code) =>
          Promise.reject(new Error(`fixture exited (${code}) before the expected event`)),
        ),
      ]),
  };
}
