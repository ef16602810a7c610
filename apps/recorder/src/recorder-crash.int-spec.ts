// The recorder as deployed (its own process, the real broker, chDB on disk), SIGKILLed in the
// middle of a batch — once right after recording its first range's intent (before any row), once
// right after writing its first range's rows (before the offsets are committed) — and
// restarted: in the end
// every point and change is in ClickHouse exactly once, the rollups count every point once, and
// the group's offsets reached the end. Counted afterwards by this process, once the recorder has
// exited (chDB serves one data directory per process). With CLICKHOUSE_URL set, the same runs
// against that server.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { loadBusConfig } from '#config';
import { EventCodec } from '#contracts';
import { KafkaBus } from '#messaging';
import { silentLogger } from '#observability';
import { ChdbStore, HttpStore, type ClickHouseStore } from '#storage';
import { aChange, eventually } from '#testing';
import { testKafkaBrokers, uniqueTopic } from '#testing/infra';
import {
  committedOffsets,
  endOffsets,
  withAdmin,
} from '../../../libs/messaging/src/testing/kafka-offsets.js';
import { freshDataDir, startProcess, type AppProcess } from '../../../test/support/app-process.js';

const RECORDER = 'dist/apps/recorder/src/main.js';
const CLI = 'bin/aftershock.js';
const BATCHES = 400;
const POINTS_PER_BATCH = 50;
const CHANGES = 200;
const SERVICES = 12;

const server = process.env.CLICKHOUSE_URL?.trim()
  ? {
      url: process.env.CLICKHOUSE_URL.trim(),
      username: process.env.CLICKHOUSE_USER ?? 'default',
      password: process.env.CLICKHOUSE_PASSWORD ?? '',
    }
  : undefined;
const serverEnv: Record<string, string> = server
  ? { CLICKHOUSE_URL: server.url, CLICKHOUSE_USER: server.username, CLICKHOUSE_PASSWORD: server.password }
  : {};

describe('recorder killed mid-batch and restarted', () => {
  let brokers: string[];
  let env: Record<string, string>;
  let dataDir: string;
  const database = `crash_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const telemetryTopic = uniqueTopic('recorder-crash.telemetry');
  const changeTopic = uniqueTopic('recorder-crash.changes');
  const groupId = `${telemetryTopic}.group`;

  before(async () => {
    brokers = await testKafkaBrokers();
    dataDir = freshDataDir();
    env = {
      KAFKA_BROKERS: brokers.join(','),
      HTTP_PORT: '0',
      AFTERSHOCK_DATA_DIR: dataDir,
      CLICKHOUSE_DATABASE: database,
      ...serverEnv,
      RECORDER_TOPICS: `${telemetryTopic}=telemetry,${changeTopic}=change`,
      RECORDER_GROUP_ID: groupId,
      LOG_LEVEL: 'debug',
    };
    const migrate = startProcess(CLI, ['migrate', '--data-dir', dataDir], {
      CLICKHOUSE_DATABASE: database,
      ...serverEnv,
    });
    assert.equal((await migrate.exited()).code, 0, migrate.stderr());

    const codec = new EventCodec({ now: () => Date.now() });
    const bus = new KafkaBus(loadBusConfig({ KAFKA_BROKERS: brokers.join(',') }), silentLogger);
    await bus.ensureTopics([
      { topic: telemetryTopic, partitions: 3 },
      { topic: changeTopic, partitions: 3 },
    ]);
    const start = Date.now() - 3_600_000;
    const telemetry = await Promise.all(
      Array.from({ length: BATCHES }, async (_, b) => {
        const service = `svc-${b % SERVICES}`;
        const points = Array.from({ length: POINTS_PER_BATCH }, (_, p) => ({
          metric: `m${p % 5}`,
          value: b * 1000 + p,
          timestamp: start + Math.floor(b / SERVICES) * 10_000,
          unit: null,
          labels: { slot: String(Math.floor(p / 5)) },
        }));
        const value = await codec.encode('telemetry', {
          id: `tb-${b}`,
          service,
          environment: 'production',
          points,
          resource: {},
        });
        return { key: service, value };
      }),
    );
    const changes = await Promise.all(
      Array.from({ length: CHANGES }, async (_, i) => {
        const service = `svc-${i % SERVICES}`;
        return {
          key: service,
          value: await codec.encode(
            'change',
            aChange({ id: `chg-${i}`, service, startedAt: start + i * 1000 }),
          ),
        };
      }),
    );
    for (let i = 0; i < telemetry.length; i += 100)
      await bus.send(telemetryTopic, telemetry.slice(i, i + 100));
    await bus.send(changeTopic, changes);
    await bus.close();
  });

  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes every point and change exactly once', async () => {
    const runs: AppProcess[] = [];
    // Both points are reached whatever Kafka's batch boundaries: nothing is committed before the
    // first intent, and the second run has at least the first run's range left to write.
    for (const killAt of ['intent:1', 'write:1']) {
      const run = startProcess(RECORDER, [], { ...env, RECORDER_TEST_KILL_AT: killAt });
      runs.push(run);
      const { signal } = await exitedWithin(run, 120_000);
      assert.equal(signal, 'SIGKILL', `killed at ${killAt}; stderr: ${run.stderr()}`);
    }

    const last = startProcess(RECORDER, [], env);
    runs.push(last);
    await eventually(
      () =>
        withAdmin(brokers, async (admin) => {
          for (const topic of [telemetryTopic, changeTopic]) {
            assert.deepEqual(await committedOffsets(admin, groupId, topic), await endOffsets(admin, topic));
          }
        }),
      150_000,
    );
    last.child.kill('SIGTERM');
    assert.equal((await exitedWithin(last, 60_000)).code, 0, last.stderr());

    const store: ClickHouseStore = server
      ? await HttpStore.open({ ...server, database })
      : await ChdbStore.open({ dataDir, database });
    try {
      const count = async (sql: string) => Number((await store.query<{ n: string }>(sql))[0]!.n);
      const points = BATCHES * POINTS_PER_BATCH;
      // On failure, how each run cut its ranges says where a row went in twice.
      const ranges = runs
        .flatMap((r, run) =>
          r.lines
            .filter(
              (l) => l.msg === 'range written' || l.level === 'warn' || /range recorded/.test(String(l.msg)),
            )
            .map((l) => JSON.stringify({ run, ...l })),
        )
        .join('\n');
      assert.equal(
        await count('SELECT count() AS n FROM telemetry_points'),
        points,
        `every point once; the runs wrote:\n${ranges}`,
      );
      assert.equal(
        await count('SELECT uniqExact(service, metric, labels, value) AS n FROM telemetry_points'),
        points,
      );
      assert.equal(
        await count('SELECT sum(value_count) AS n FROM telemetry_rollup_1m'),
        points,
        '1-minute rollups count each point once',
      );
      assert.equal(
        await count('SELECT sum(value_count) AS n FROM telemetry_rollup_1h'),
        points,
        '1-hour rollups count each point once',
      );
      assert.equal(await count('SELECT count() AS n FROM changes'), CHANGES, 'every change once');
      assert.equal(await count('SELECT uniqExact(id) AS n FROM changes'), CHANGES);
    } finally {
      if (server) await store.command('DROP DATABASE IF EXISTS {db:Identifier} SYNC', { db: database });
      await store.close();
    }
    // Not vacuous: the killed runs left ranges behind that the restarts wrote again.
    const written = runs.flatMap((r) => r.lines.filter((l) => l.msg === 'range written'));
    assert.ok(
      written.some((l) => l.replay === true),
      'a range recorded before a kill was written again after the restart',
    );
  });
});

/** The process's exit, or — past `ms` — a failure that shows what it logged last (and the process killed). */
async function exitedWithin(
  run: AppProcess,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      const tail = run.lines
        .slice(-5)
        .map((l) => JSON.stringify(l))
        .join('\n');
      reject(
        new Error(
          `the recorder did not exit within ${ms} ms; last log lines:\n${tail}\nstderr:\n${run.stderr()}`,
        ),
      );
    }, ms);
  });
  try {
    return await Promise.race([run.exited(), late]);
  } finally {
    clearTimeout(timer);
  }
}
