// The load generator of `npm run bench:api`, on its own thread (its own event loop and core), so
// the client's work is not counted in the server's latency. Each message asks for `concurrency`
// callers, each sending GETs (one path after another from `paths`) back to back over kept-alive
// connections for `seconds`; the answer is every request's latency in milliseconds.
import { Agent, request } from 'node:http';
import { parentPort } from 'node:worker_threads';

export interface LoadAsk {
  readonly id: number;
  readonly url: string;
  readonly token: string;
  readonly paths: readonly string[];
  readonly concurrency: number;
  readonly seconds: number;
  /** Or: run until told to stop (a background load; `seconds` is then the longest it runs). */
  readonly untilStopped?: boolean;
}

export interface LoadAnswer {
  readonly id: number;
  readonly latencies: number[];
  readonly seconds: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly bytes: number;
}

const port = parentPort!;
let stopping = false;

port.on('message', (message: LoadAsk | { stop: true }) => {
  if ('stop' in message) {
    stopping = true;
    return;
  }
  stopping = false;
  void run(message).then((answer) => port.postMessage(answer));
});

async function run(ask: LoadAsk): Promise<LoadAnswer> {
  const agent = new Agent({ keepAlive: true, maxSockets: ask.concurrency });
  const base = new URL(ask.url);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let bytes = 0;
  let next = 0;
  const started = performance.now();
  const until = started + ask.seconds * 1000;
  const caller = async () => {
    while (performance.now() < until && !(ask.untilStopped === true && stopping)) {
      const path = ask.paths[next++ % ask.paths.length]!;
      const t0 = performance.now();
      try {
        const { status, body } = await get(agent, base, path, ask.token);
        bytes += body.length;
        if (status !== 200) {
          errors++;
          firstError ??= `${status} ${path}: ${body.toString('utf8').slice(0, 200)}`;
        }
      } catch (error) {
        errors++;
        firstError ??= `${path}: ${(error as Error).message}`;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: ask.concurrency }, caller));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { id: ask.id, latencies, seconds, errors, firstError, bytes };
}

function get(
  agent: Agent,
  base: URL,
  path: string,
  token: string,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path,
        method: 'GET',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
