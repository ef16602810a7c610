// `npm run bench:scale`: scale-out on the three-broker cluster (deploy/kafka/kafka-local.sh
// cluster). A backlog of telemetry (canonical Avro batches, 36 points each, spread over the
// partitions by service) is drained by 1, 2 and 3 correlator instances in turn (a fresh consumer
// group each round), and by one recorder into chDB; then, with the backlog gone, alerts on fresh
// services are timed from produce to the incident on aftershock.incidents.v1 (p50/p99). Prints
// the table. chDB serves one process per data directory, so the recorder runs as one instance:
// more recorders need a ClickHouse server (CLICKHOUSE_URL). The cluster is stopped at the end.
//   --batches N (6000)  --alerts N (60)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EventCodec, TOPICS, type TelemetryBatch } from '#contracts';
import { anAlert } from '#testing';
import { startProcess, type AppProcess } from '../../test/support/app-process.js';
import { kafka } from '../../test/support/kafka-topics.js';
import { sleep } from '../../test/chaos/driver.js';
import { kafkaLag } from '../../test/chaos/kafka-lag.js';
import { percentile } from '../support/measure.js';

const { values } = parseArgs({
  options: { batches: { type: 'string', default: '6000' }, alerts: { type: 'string', default: '60' } },
  strict: true,
});
const BATCHES = Number(values.batches);
const ALERTS = Number(values.alerts);
const SERVICES = 240;
const script = 'deploy/kafka/kafka-local.sh';
const codec = new EventCodec({ now: () => Date.now() });
const run = Date.now().toString(36);

const brokers = /KAFKA_BROKERS=(\S+)/.exec(
  execFileSync('bash', [script, 'cluster', 'start'], { encoding: 'utf8' }),
)![1]!;
const brokerList = brokers.split(',');
const env = (extra: Record<string, string>) => ({
  KAFKA_BROKERS: brokers,
  KAFKA_TOPIC_REPLICATION: '3',
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '2',
  HTTP_PORT: '0',
  CORRELATOR_IDLE_TIMEOUT: '2s',
  ...extra,
});

async function preload(): Promise<number> {
  const producer = kafka(brokerList).producer({ idempotent: true });
  await producer.connect();
  const minute0 = Math.floor(Date.now() / 60_000) * 60_000 - 90 * 60_000;
  let points = 0;
  for (let sent = 0; sent < BATCHES;) {
    const messages = [];
    for (let i = 0; i < 500 && sent < BATCHES; i++, sent++) {
      const service = `scale-${run}-svc${sent % SERVICES}`;
      const minute = minute0 + Math.floor(sent / SERVICES) * 60_000;
      const batch: TelemetryBatch = {
        id: `${service}-${minute}`,
        service,
        environment: 'production',
        resource: {},
        points: Array.from({ length: 36 }, (_, p) => ({
          metric: `http.server.error.ratio`,
          value: 0.002 + (p % 7) / 7000,
          timestamp: minute + (p % 6) * 10_000,
          unit: '1',
          labels: { series: `s${Math.floor(p / 6)}` },
        })),
      };
      points += batch.points.length;
      messages.push({ key: service, value: await codec.encode('telemetry', batch) });
    }
    await producer.send({ topic: TOPICS.telemetry, acks: -1, messages });
  }
  await producer.disconnect();
  return points;
}

async function drain(
  groups: string[],
  start: () => AppProcess[],
  ready: (p: AppProcess) => Promise<unknown>,
) {
  const procs = start();
  await Promise.all(procs.map(ready));
  const from = performance.now();
  for (;;) {
    const { total } = await kafkaLag(brokerList, groups);
    if (total === 0) break;
    await sleep(250);
  }
  return { procs, seconds: (performance.now() - from) / 1000 };
}

async function alertLatencies(prefix: string): Promise<number[]> {
  const consumer = kafka(brokerList).consumer({ groupId: `bench-incidents-${prefix}` });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const joined = Promise.withResolvers<void>();
  consumer.on(consumer.events.GROUP_JOIN, () => joined.resolve());
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.incidents, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const key = message.key?.toString() ?? '';
      const at = sentAt.get(key);
      if (at !== undefined) {
        latencies.push(performance.now() - at);
        sentAt.delete(key);
      }
    },
  });
  await joined.promise;
  await sleep(2_000);
  const producer = kafka(brokerList).producer({ idempotent: true });
  await producer.connect();
  for (let i = 0; i < ALERTS; i++) {
    const service = `${prefix}-alert${i}`;
    const alert = anAlert({
      id: `${service}-a`,
      fingerprint: `${service}-fp`,
      service,
      startsAt: Date.now() - 1_000,
    });
    sentAt.set(service, performance.now());
    await producer.send({
      topic: TOPICS.alerts,
      acks: -1,
      messages: [{ key: service, value: await codec.encode('alert', alert) }],
    });
    await sleep(250);
  }
  const deadline = performance.now() + 60_000;
  while (sentAt.size > 0 && performance.now() < deadline) await sleep(200);
  await producer.disconnect();
  await consumer.disconnect();
  return latencies.sort((a, b) => a - b);
}

const root = mkdtempSync(join(tmpdir(), 'aftershock-scale-'));
const rows: string[] = [];
try {
  process.stderr.write(`cluster ${brokers}; preloading ${BATCHES} telemetry batches (36 points each)\n`);
  const points = await preload();
  const restored = (p: AppProcess) => p.waitForLog((l) => l.msg === 'correlator state restored', 300_000);
  for (const k of [1, 2, 3]) {
    const group = `scale-${run}-correlator-${k}`;
    process.stderr.write(`round: ${k} correlator(s) drain the backlog\n`);
    const { procs, seconds } = await drain(
      [group],
      () =>
        Array.from({ length: k }, (_, i) =>
          startProcess(
            'dist/apps/correlator/src/main.js',
            [],
            env({ CORRELATOR_GROUP_ID: group, CORRELATOR_INSTANCE_ID: `scale-${k}-${i}` }),
          ),
        ),
      restored,
    );
    const latencies = await alertLatencies(`scale-${run}-k${k}`);
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited()));
    rows.push(
      `| correlator × ${k} | ${Math.round(points / seconds).toLocaleString('en')} | ${seconds.toFixed(1)} s | ${percentile(latencies, 50).toFixed(0)} ms | ${percentile(latencies, 99).toFixed(0)} ms (${latencies.length}/${ALERTS}) |`,
    );
    process.stderr.write(`  ${rows.at(-1)}\n`);
  }
  process.stderr.write('round: 1 recorder writes the backlog into chDB\n');
  const dataDir = join(root, 'recorder');
  execFileSync(process.execPath, ['bin/aftershock.js', 'migrate', '--data-dir', dataDir], {
    stdio: 'ignore',
  });
  const recorderGroup = `scale-${run}-recorder`;
  const { procs, seconds } = await drain(
    [recorderGroup],
    () => [
      startProcess(
        'dist/apps/recorder/src/main.js',
        [],
        env({
          RECORDER_GROUP_ID: recorderGroup,
          AFTERSHOCK_DATA_DIR: dataDir,
          RECORDER_TOPICS: `${TOPICS.telemetry}=telemetry`,
        }),
      ),
    ],
    (p) => p.waitForLog((l) => l.msg === 'started', 300_000),
  );
  for (const p of procs) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited()));
  rows.push(
    `| recorder × 1 (chDB) | ${Math.round(points / seconds).toLocaleString('en')} | ${seconds.toFixed(1)} s | – | – |`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
  execFileSync('bash', [script, 'cluster', 'stop'], { stdio: 'ignore' });
}
process.stdout.write(
  [
    `\nScale-out on a three-broker cluster (replication 3, min.insync.replicas 2), ${BATCHES} telemetry batches = ${(BATCHES * 36).toLocaleString('en')} points backlog, ${SERVICES} services over 6 partitions;`,
    `${cpus().length} cores shared by the 3 brokers, the instances under test and everything else on the machine (no pinning).`,
    `Alert → incident: ${ALERTS} alerts at 4/s on fresh services after the backlog drained.`,
    '| instances | telemetry points/s (backlog drained) | drain time | alert → incident p50 | p99 |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n') + '\n',
);
