// A batch seen again after a crash may hold only part of a range written before it (Kafka cut it
// shorter this time). Writing that part as a new range would duplicate its rows; the recorder
// instead handles the batch up to that range and has it fetched again, then replays it whole
// with its original tokens. Driven batch by batch against the real engine, so every cut is
// chosen by the test.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InboundMessage, PartitionBatch } from '#messaging';
import { silentLogger } from '#observability';
import { aTelemetryBatch, T0 } from '#testing';
import { migratedTestClickHouse, type TestClickHouse } from '#testing/infra';
import { RecorderConsumer } from './recorder.consumer.js';
import { loadRecorderConfig } from './recorder.settings.js';
import { codec, countRows } from './recorder-test-support.js';

const TOPIC = 'refetch.telemetry';
const POINTS = 4;

describe('recorder: a batch cut short inside a range written before', () => {
  let ch: TestClickHouse;
  let messages: InboundMessage[];
  const consumer = () =>
    new RecorderConsumer(
      ch.store,
      loadRecorderConfig({ RECORDER_TOPICS: `${TOPIC}=telemetry` }),
      codec,
      silentLogger,
      { now: () => Date.now() },
    );
  const batch = (first: number, last: number): PartitionBatch => ({
    topic: TOPIC,
    partition: 0,
    messages: messages.slice(first, last + 1),
  });
  const points = () => countRows(ch.store, 'SELECT count() AS n FROM telemetry_points');

  before(async () => {
    ch = await migratedTestClickHouse();
    messages = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => ({
        topic: TOPIC,
        partition: 0,
        offset: String(i),
        key: null,
        headers: {},
        timestamp: T0,
        value: await codec.encode(
          'telemetry',
          aTelemetryBatch({
            id: `tb-${i}`,
            points: Array.from({ length: POINTS }, (_, p) => ({
              metric: `m${p}`,
              value: i * 100 + p,
              timestamp: T0 + i * 10_000,
              unit: null,
              labels: {},
            })),
          }),
        ),
      })),
    );
  });
  after(() => ch.cleanup());

  it('handles the batch up to that range, then replays the range whole: every point once', async () => {
    // Before the "crash": 0-19 recorded and written, offsets never committed.
    const first = consumer();
    assert.deepEqual(await first.handle(batch(0, 19)), { rejected: [], pauseMs: 0 });
    await first.onApplicationShutdown();
    assert.equal(await points(), 20 * POINTS);

    // After the restart Kafka hands over 0-9 only: nothing of 0-19 may be written now.
    const second = consumer();
    const cut = await second.handle(batch(0, 9));
    assert.equal(cut.handledBefore, '0', 'nothing handled: 0-19 is fetched again');
    assert.ok((cut.pauseMs ?? 0) > 0, 'fetched again after a short pause');
    assert.equal(await points(), 20 * POINTS, 'no point written twice');

    // The next fetch holds all of 0-19 and more: 0-19 replays with its tokens, 20-29 is new.
    assert.equal((await second.handle(batch(0, 29))).handledBefore, undefined);
    await second.onApplicationShutdown();
    assert.equal(await points(), 30 * POINTS, 'every point exactly once');
    assert.equal(
      await countRows(ch.store, 'SELECT uniqExact(value) AS n FROM telemetry_points'),
      30 * POINTS,
    );
  });

  it('writes a range that later fetches keep cutting short as a new range after a few tries', async () => {
    const third = consumer();
    await third.handle(batch(0, 29)); // replay of everything: nothing new
    const before = await points();
    // 0-29 was recorded as 0-19 and 20-29; a fetch of 20-24 keeps cutting 20-29 short.
    let tries = 0;
    while ((await third.handle(batch(20, 24))).handledBefore !== undefined) tries++;
    await third.onApplicationShutdown();
    assert.equal(tries, 5, 'deferred five times, then written');
    assert.equal(await points(), before + 5 * POINTS, 'then written as a new range (reported)');
  });
});
