// Scenario 2 of the correlator benchmark: alert-to-incident latency through the real broker. The
// correlator app (dist/apps/correlator/src/main.js) runs as a child process; alerts for fresh
// services are produced to aftershock.alerts.v1 at a steady rate and each is timed until its
// incident event is consumed from aftershock.incidents.v1. Baseline in the same run: a bare
// kafkajs relay in its own process (eachBatch, decode the same alert bytes, dispatch to a no-op,
// republish the bytes, commit) over two private topics — the same two broker hops without the
// correlator. Peak RSS of each child (VmHWM) is reported beside its latencies. Goal (issue 5):
// p99 alert-to-incident under 1 s on the local broker. Kafka: KAFKA_BROKERS, else
// .kafka/run/brokers, else `bash deploy/kafka/kafka-local.sh start`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import kafkajs, { type Consumer, type Producer } from 'kafkajs';
import { projectPath } from '#config';
import { EventCodec, TOPICS, type Incident } from '#contracts';
import { anAlert } from '#testing';
import { startProcess } from '../../test/support/app-process.js';
import { percentile, table } from '../support/measure.js';
import { log, noop, toInput } from './support.js';

function brokers(): string[] {
  const fromEnv = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
  if (fromEnv?.length) return fromEnv;
  const file = projectPath('.kafka', 'run', 'brokers');
  if (!existsSync(file)) {
    log('  no broker: starting one with deploy/kafka/kafka-local.sh start');
    execFileSync('bash', [projectPath('deploy', 'kafka', 'kafka-local.sh'), 'start'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return readFileSync(file, 'utf8').trim().split(',');
}

interface LatencyResult {
  readonly name: string;
  readonly sent: number;
  readonly latencies: number[];
  readonly rssMb?: number;
}

const SEND_INTERVAL_MS = 20;

/**
 * Sends `count` alerts for fresh services to `inTopic`, one every SEND_INTERVAL_MS, and times each until
 * `matches` recognises its result on `outTopic`.
 */
async function timeAlerts(
  kafka: kafkajs.Kafka,
  codec: EventCodec,
  name: string,
  count: number,
  inTopic: string,
  outTopic: string,
  resultService: (value: Buffer) => Promise<string | undefined>,
): Promise<LatencyResult> {
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const sentAt = new Map<string, number>();
  const latencies = new Map<string, number>();
  const consumer: Consumer = kafka.consumer({ groupId: `bench-correlator-${run}`, maxWaitTimeInMs: 100 });
  const producer: Producer = kafka.producer();
  await Promise.all([consumer.connect(), producer.connect()]);
  try {
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.subscribe({ topic: outTopic, fromBeginning: false });
    let wake: (() => void) | undefined;
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        const service = await resultService(message.value);
        const sent = service === undefined ? undefined : sentAt.get(service);
        if (sent !== undefined && !latencies.has(service!)) {
          latencies.set(service!, performance.now() - sent);
          wake?.();
        }
      },
    });
    await joined;
    const send = async (service: string) => {
      const value = await codec.encode(
        'alert',
        anAlert({ id: `${service}-a`, fingerprint: `${service}-fp`, service, startsAt: Date.now() }),
      );
      sentAt.set(service, performance.now());
      await producer.send({ topic: inTopic, acks: -1, messages: [{ key: service, value }] });
    };
    // Warm-up: the consumer's offsets are set and the path works end to end.
    for (let w = 0; ; w++) {
      const service = `bench-${run}-warm${w}`;
      await send(service);
      const deadline = Date.now() + 5_000;
      while (!latencies.has(service) && Date.now() < deadline)
        await new Promise<void>((r) => ((wake = r), setTimeout(r, 50)));
      if (latencies.has(service)) break;
      if (w >= 12) throw new Error(`${name}: no result on ${outTopic} after ${w + 1} warm-up alerts`);
    }
    const services: string[] = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const due = started + i * SEND_INTERVAL_MS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const service = `bench-${run}-${i}`;
      services.push(service);
      void send(service);
      if ((i + 1) % 100 === 0)
        log(`  ${name}: sent ${i + 1}/${count}, ${services.filter((x) => latencies.has(x)).length} answered`);
    }
    const deadline = Date.now() + 15_000;
    while (services.some((x) => !latencies.has(x)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    return {
      name,
      sent: count,
      latencies: services.flatMap((x) => (latencies.has(x) ? [latencies.get(x)!] : [])),
    };
  } finally {
    await Promise.all([consumer.disconnect(), producer.disconnect()]);
  }
}

/**
 * The bare relay, run as `correlator.bench.js --relay <brokers> <from> <to>` in its own process
 * like the app: kafkajs eachBatch (the app's transport is eachBatch too), decode every alert,
 * dispatch it to a no-op, republish the batch's bytes in one send, then commit.
 */
export async function relay(brokerList: string, from: string, to: string): Promise<void> {
  const kafka = new kafkajs.Kafka({
    clientId: 'aftershock-bench-relay',
    brokers: brokerList.split(','),
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const codec = new EventCodec({ now: () => Date.now() });
  const consumer = kafka.consumer({
    groupId: `bench-relay-${Date.now().toString(36)}`,
    maxWaitTimeInMs: 500,
  });
  const producer = kafka.producer();
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topic: from, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch, resolveOffset }) => {
      const out: { key: Buffer | null; value: Buffer }[] = [];
      for (const message of batch.messages) {
        if (!message.value) continue;
        noop(toInput('alert', await codec.decode('alert', message.value)));
        out.push({ key: message.key, value: message.value });
      }
      if (out.length > 0) await producer.send({ topic: to, acks: -1, messages: out });
      for (const message of batch.messages) resolveOffset(message.offset);
    },
  });
  console.log(JSON.stringify({ msg: 'started' }));
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
}

async function started(app: ReturnType<typeof startProcess>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      app.waitForLog((l) => l.msg === 'started'),
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not start in 90 s`)), 90_000)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function peakRssOf(pid: number | undefined): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function benchLatency(count: number, rounds: number): Promise<LatencyResult[]> {
  const list = brokers();
  log(`  broker ${list.join(',')}`);
  const kafka = new kafkajs.Kafka({
    clientId: 'aftershock-bench',
    brokers: list,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const codec = new EventCodec({ now: () => Date.now() });
  const admin = kafka.admin();
  await admin.connect();
  const tag = Date.now().toString(36);
  const relayIn = `aftershock.bench.relay-in.${tag}`;
  const relayOut = `aftershock.bench.relay-out.${tag}`;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [TOPICS.alerts, TOPICS.incidents, relayIn, relayOut].map((topic) => ({
      topic,
      numPartitions: 6,
    })),
  });
  const relayProcess = startProcess(
    fileURLToPath(new URL('./correlator.bench.js', import.meta.url)),
    ['--relay', list.join(','), relayIn, relayOut],
    {},
  );
  const appStart = performance.now();
  const app = startProcess('dist/apps/correlator/src/main.js', [], {
    KAFKA_BROKERS: list.join(','),
    HTTP_PORT: '0',
    CORRELATOR_INSTANCE_ID: `bench-${tag}`,
  });
  const relayName = 'bare relay (baseline)';
  const appName = 'correlator app';
  const pooled = new Map<string, LatencyResult>();
  const add = (r: LatencyResult) => {
    const known = pooled.get(r.name);
    pooled.set(
      r.name,
      known ? { ...r, sent: known.sent + r.sent, latencies: [...known.latencies, ...r.latencies] } : r,
    );
    const sorted = [...r.latencies].sort((x, y) => x - y);
    log(
      `  ${r.name}: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`,
    );
  };
  try {
    await started(relayProcess, 'the relay');
    await started(app, 'the correlator app');
    log(`  relay and correlator app started (${((performance.now() - appStart) / 1000).toFixed(1)} s)`);
    // Rounds alternate between the two paths, so both see the same broker and machine load.
    for (let round = 1; round <= rounds; round++) {
      log(`  round ${round}/${rounds}`);
      add(
        await timeAlerts(
          kafka,
          codec,
          relayName,
          count,
          relayIn,
          relayOut,
          async (value) => (await codec.decode('alert', value)).service,
        ),
      );
      add(
        await timeAlerts(kafka, codec, appName, count, TOPICS.alerts, TOPICS.incidents, async (value) => {
          const incident = (await codec.decode('incident', value)) as Incident;
          return incident.event === 'opened' ? incident.service : undefined;
        }),
      );
    }
    return [
      { ...pooled.get(relayName)!, rssMb: peakRssOf(relayProcess.child.pid) },
      { ...pooled.get(appName)!, rssMb: peakRssOf(app.child.pid) },
    ];
  } finally {
    for (const p of [relayProcess, app]) {
      p.child.kill('SIGTERM');
      await p.exited();
    }
    await admin.deleteTopics({ topics: [relayIn, relayOut] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Runs the scenario and prints its table. */
export async function runLatency(alerts: number, rounds: number): Promise<void> {
  log('');
  log(
    `# alert-to-incident latency on the real broker — ${rounds} rounds × ${alerts} alerts per path, one every ${SEND_INTERVAL_MS} ms`,
  );
  const results = await benchLatency(alerts, rounds);
  log('');
  const base = results[0]!;
  table(
    log,
    ['path', 'answered', 'p50', 'p90', 'p99', 'max', 'p99 vs baseline', 'peak RSS'],
    results.map((r) => {
      const sorted = [...r.latencies].sort((x, y) => x - y);
      const baseSorted = [...base.latencies].sort((x, y) => x - y);
      return [
        r.name,
        `${r.latencies.length}/${r.sent}`,
        `${percentile(sorted, 50).toFixed(1)} ms`,
        `${percentile(sorted, 90).toFixed(1)} ms`,
        `${percentile(sorted, 99).toFixed(1)} ms`,
        `${(sorted.at(-1) ?? NaN).toFixed(1)} ms`,
        `×${(percentile(sorted, 99) / percentile(baseSorted, 99)).toFixed(2)}`,
        r.rssMb ? `${r.rssMb.toFixed(0)} MB` : '–',
      ];
    }),
  );
  log('(goal: p99 alert-to-incident < 1,000 ms)');
}
