import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { installTraceContextPropagation, silentLogger } from '#observability';
import { testKafkaBrokers, uniqueTopic } from '#testing/infra';
import { DLQ_HEADER, parseDeadLetter } from '../dead-letter.js';
import type { BatchHandler, InboundMessage } from '../port.js';
import { installAsyncContext } from '#observability';
import {
  checkAssignmentHook,
  checkCopartitioned,
  checkExclusiveGroup,
  checkReadBack,
} from '../testing/history-contract.js';
import { committedOffsets, endOffsets, withAdmin } from '../testing/kafka-offsets.js';
import { deferred, kafkaTestConfig, text, valueOf, whenCount } from '../testing/test-support.js';
import { KafkaBus, type KafkaBusOptions } from './kafka-bus.js';

const FAST_RETRY: KafkaBusOptions = { backoff: { initialMs: 10, maxMs: 50 } };

describe('KafkaBus on a real broker', () => {
  let brokers: string[];
  let bus: KafkaBus;

  before(async () => {
    installAsyncContext();
    installTraceContextPropagation();
    brokers = await testKafkaBrokers();
    bus = new KafkaBus(kafkaTestConfig(brokers), silentLogger, FAST_RETRY);
    await bus.connect();
  });

  after(() => bus.close());

  /** A handler that collects messages, and a promise for when `target` of them arrived. */
  function collect(target: number) {
    const seen: InboundMessage[] = [];
    const progress = whenCount(target, () => seen.length);
    const handler: BatchHandler = async (batch) => {
      seen.push(...batch.messages);
      progress.check();
    };
    return { seen, handler, done: progress.done };
  }

  async function assertCommittedToEnd(groupId: string, topic: string): Promise<void> {
    await withAdmin(brokers, async (admin) => {
      assert.deepEqual(await committedOffsets(admin, groupId, topic), await endOffsets(admin, topic));
    });
  }

  it('reads back a range: since a time, up to where a group resumes or the end, chosen partitions', async () => {
    await checkReadBack(bus, uniqueTopic('history'));
    await withAdmin(brokers, async (admin) => {
      const { groups } = await admin.listGroups();
      assert.ok(
        !groups.some((g) => g.groupId.startsWith('aftershock-read-back-')),
        'read-back groups are deleted',
      );
    });
  });

  it('runs the assignment hook before the first batch, retries it, and again on a rebalance', async () => {
    await checkAssignmentHook(bus, uniqueTopic('assigned'));
  });

  it('gives an exclusive group’s partitions to one member; the other takes over when it leaves', async () => {
    await checkExclusiveGroup(bus, uniqueTopic('exclusive'));
  });

  it('gives a member the same partitions of every topic it consumes (kafkajs round robin would not)', async () => {
    await checkCopartitioned(bus, [uniqueTopic('copart-a'), uniqueTopic('copart-b')]);
  });

  it('creates missing topics with partitions and retention, and tolerates existing ones', async () => {
    const topic = uniqueTopic('created');
    const other = new KafkaBus(kafkaTestConfig(brokers), silentLogger);
    const spec = [{ topic, partitions: 3, retentionMs: 3_600_000 }];
    await Promise.all([bus.ensureTopics(spec), other.ensureTopics(spec)]); // racing replicas
    await bus.ensureTopics(spec);
    await other.close();
    await withAdmin(brokers, async (admin) => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      assert.equal(topics[0]?.partitions.length, 3);
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2 /* TOPIC */, name: topic, configNames: ['retention.ms'] }],
      });
      assert.equal(resources[0]?.configEntries[0]?.configValue, '3600000');
    });
  });

  it('dead-letters a poison message with reason, bytes, headers and origin, and keeps consuming', async () => {
    const topic = uniqueTopic('poison');
    const deadLetterTopic = `${topic}.dlq`;
    const groupId = `${topic}.group`;
    await bus.ensureTopics([
      { topic, partitions: 2 },
      { topic: deadLetterTopic, partitions: 1 },
    ]);
    const good: string[] = [];
    let goodCount = 0;
    const allGood = whenCount(5, () => goodCount);
    await bus.subscribe({
      groupId,
      topics: [topic],
      deadLetterTopic,
      handler: async (batch) => {
        const rejected = batch.messages
          .filter((m) => valueOf(m).startsWith('{') === false)
          .map((message) => ({ message, code: 'decode.json', reason: 'value is not a JSON object' }));
        const ok = batch.messages.filter((m) => !rejected.some((r) => r.message === m));
        good.push(...ok.map(valueOf));
        goodCount += ok.length;
        allGood.check();
        return { rejected };
      },
    });
    const dead = collect(1);
    await bus.subscribe({
      groupId: `${groupId}.dlq-reader`,
      topics: [deadLetterTopic],
      handler: dead.handler,
    });

    const poison = Buffer.from([0xff, 0x00, 0x7b, 0xfe]);
    await bus.send(topic, [
      { key: 'svc-a', value: '{"n":1}' },
      { key: 'svc-a', value: '{"n":2}' },
      {
        key: 'svc-a',
        value: poison,
        headers: { 'content-type': 'application/json', 'x-origin': Buffer.from([1, 2]) },
      },
      { key: 'svc-a', value: '{"n":3}' },
    ]);
    await dead.done;
    await bus.send(topic, [
      { key: 'svc-b', value: '{"n":4}' },
      { key: 'svc-a', value: '{"n":5}' },
    ]);
    await allGood.done;

    assert.deepEqual(good.toSorted(), ['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}', '{"n":5}']);
    const message = dead.seen[0]!;
    const record = parseDeadLetter(message);
    assert.equal(record.reason, 'value is not a JSON object');
    assert.equal(record.code, 'decode.json');
    assert.equal(record.topic, topic);
    assert.equal(record.groupId, groupId);
    assert.equal(record.offset, '2');
    assert.ok(record.partition >= 0 && record.partition < 2);
    assert.deepEqual(Buffer.from(record.value!, 'base64'), poison);
    assert.equal(Buffer.from(record.key!, 'base64').toString(), 'svc-a');
    assert.equal(Buffer.from(record.headers['content-type']!, 'base64').toString(), 'application/json');
    assert.deepEqual(Buffer.from(record.headers['x-origin']!, 'base64'), Buffer.from([1, 2]));
    assert.equal(text(message.key), 'svc-a');
    assert.equal(text(message.headers[DLQ_HEADER.reason]), 'value is not a JSON object');
    assert.equal(text(message.headers[DLQ_HEADER.topic]), topic);
    assert.equal(text(message.headers[DLQ_HEADER.partition]), String(record.partition));
    assert.equal(text(message.headers[DLQ_HEADER.offset]), '2');
    assert.equal(text(message.headers['content-type']), 'application/json');
  });

  it('still dead-letters and commits a batch that was in flight when the bus began closing', async () => {
    const topic = uniqueTopic('closing');
    const deadLetterTopic = `${topic}.dlq`;
    const groupId = `${topic}.group`;
    await bus.ensureTopics([
      { topic, partitions: 1 },
      { topic: deadLetterTopic, partitions: 1 },
    ]);
    const closing = new KafkaBus(kafkaTestConfig(brokers), silentLogger);
    const entered = deferred();
    const release = deferred();
    await closing.subscribe({
      groupId,
      topics: [topic],
      deadLetterTopic,
      handler: async (batch) => {
        entered.resolve();
        await release.promise;
        return { rejected: batch.messages.map((message) => ({ message, code: 'c', reason: 'bad' })) };
      },
    });
    await bus.send(topic, [{ key: 'k', value: 'x' }]);
    await entered.promise;
    const closed = closing.close();
    release.resolve();
    await closed;
    const dead = collect(1);
    const reader = await bus.subscribe({
      groupId: `${groupId}.reader`,
      topics: [deadLetterTopic],
      handler: dead.handler,
    });
    await dead.done;
    await reader.stop();
    assert.equal(parseDeadLetter(dead.seen[0]!).reason, 'bad');
    await assertCommittedToEnd(groupId, topic);
  });

  it('carries the W3C traceparent through the broker to the consumer span', async () => {
    const topic = uniqueTopic('trace');
    await bus.ensureTopics([{ topic, partitions: 1 }]);
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const spanId = 'b7ad6b7169203331';
    const seen = deferred<{ header: string | undefined; activeTraceId: string | undefined }>();
    await bus.subscribe({
      groupId: `${topic}.group`,
      topics: [topic],
      handler: async (batch) =>
        seen.resolve({
          header: text(batch.messages[0]!.headers.traceparent),
          activeTraceId: trace.getSpanContext(context.active())?.traceId,
        }),
    });
    const producerContext = trace.setSpanContext(ROOT_CONTEXT, {
      traceId,
      spanId,
      traceFlags: TraceFlags.SAMPLED,
    });
    await context.with(producerContext, () => bus.send(topic, [{ key: 'k', value: 'v' }]));
    const { header, activeTraceId } = await seen.promise;
    assert.equal(header, `00-${traceId}-${spanId}-01`);
    assert.equal(activeTraceId, traceId);
  });

  it('retries a batch whose handler throws and commits after it succeeds', async () => {
    const topic = uniqueTopic('retry');
    const groupId = `${topic}.group`;
    await bus.ensureTopics([{ topic, partitions: 1 }]);
    await bus.send(
      topic,
      [1, 2, 3].map((n) => ({ key: 'k', value: String(n) })),
    );
    let failuresLeft = 3;
    const handled = deferred<string[]>();
    const subscription = await bus.subscribe({
      groupId,
      topics: [topic],
      handler: async (batch) => {
        if (failuresLeft-- > 0) throw new Error('store unavailable');
        handled.resolve(batch.messages.map(valueOf));
      },
    });
    assert.deepEqual(await handled.promise, ['1', '2', '3']);
    await subscription.stop();
    await assertCommittedToEnd(groupId, topic);
  });

  it('commits only the handled prefix when stopped mid-batch, and the group resumes there', async () => {
    const topic = uniqueTopic('prefix');
    const groupId = `${topic}.group`;
    await bus.ensureTopics([{ topic, partitions: 1 }]);
    await bus.send(
      topic,
      Array.from({ length: 100 }, (_, i) => ({ key: 'k', value: String(i) })),
    );
    const inSecondChunk = deferred();
    const release = deferred();
    let chunks = 0;
    const subscription = await bus.subscribe({
      groupId,
      topics: [topic],
      maxBatchSize: 10,
      handler: async () => {
        if (++chunks === 2) {
          inSecondChunk.resolve();
          await release.promise;
        }
      },
    });
    await inSecondChunk.promise;
    const stopping = subscription.stop(); // in-flight chunk finishes; no third chunk starts
    release.resolve();
    await stopping;
    await withAdmin(brokers, async (admin) => {
      assert.deepEqual(await committedOffsets(admin, groupId, topic), [20]);
    });
    const rest = collect(80);
    const resumed = await bus.subscribe({ groupId, topics: [topic], handler: rest.handler });
    await rest.done;
    await resumed.stop();
    assert.deepEqual(
      rest.seen.map((m) => Number(m.offset)),
      Array.from({ length: 80 }, (_, i) => i + 20),
    );
  });

  it('pauses a partition when the handler asks and later delivers the rest, in order', async () => {
    const topic = uniqueTopic('pause');
    const groupId = `${topic}.group`;
    await bus.ensureTopics([{ topic, partitions: 1 }]);
    await bus.send(
      topic,
      Array.from({ length: 50 }, (_, i) => ({ key: 'k', value: String(i) })),
    );
    const all = collect(50);
    let paused = false;
    const subscription = await bus.subscribe({
      groupId,
      topics: [topic],
      maxBatchSize: 10,
      handler: async (batch) => {
        await all.handler(batch);
        if (paused) return;
        paused = true;
        return { pauseMs: 300 };
      },
    });
    await all.done;
    await subscription.stop();
    assert.deepEqual(
      all.seen.map(valueOf),
      Array.from({ length: 50 }, (_, i) => String(i)),
    );
    await assertCommittedToEnd(groupId, topic);
  });

  it('delivers again what a handler left (handledBefore), fetched anew: each message taken once, in order', async () => {
    const topic = uniqueTopic('handled-before');
    const groupId = `${topic}.group`;
    await bus.ensureTopics([{ topic, partitions: 1 }]);
    await bus.send(
      topic,
      Array.from({ length: 50 }, (_, i) => ({ key: 'k', value: String(i) })),
    );
    const taken = collect(50);
    let calls = 0;
    const subscription = await bus.subscribe({
      groupId,
      topics: [topic],
      maxBatchSize: 20,
      handler: async (batch) => {
        const n = batch.messages.length;
        // The first time nothing at all, then the first half of whatever comes.
        const take = calls++ === 0 ? 0 : n > 1 ? Math.ceil(n / 2) : n;
        await taken.handler({ ...batch, messages: batch.messages.slice(0, take) });
        return take < n ? { handledBefore: batch.messages[take]!.offset } : {};
      },
    });
    await taken.done;
    await subscription.stop();
    assert.deepEqual(
      taken.seen.map(valueOf),
      Array.from({ length: 50 }, (_, i) => String(i)),
    );
    assert.ok(calls > 6, `partial batches were delivered again (${calls} calls)`);
    await assertCommittedToEnd(groupId, topic);
  });

  it('rebalances when a member joins during a long batch: nothing lost, order kept, partitions split', async () => {
    const topic = uniqueTopic('rebalance');
    const groupId = `${topic}.group`;
    const keys = 40;
    await bus.ensureTopics([{ topic, partitions: 4 }]);
    const wave = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({ key: `svc-${(from + i) % keys}`, value: `${from + i}` }));
    const lastSeq = new Map<string, number>();
    const handledBy = { a: new Set<number>(), b: new Set<number>() };
    let violations = 0;
    const seenIds = new Set<number>();
    const progress = whenCount(2000, () => seenIds.size);
    // Member a slows down once, mid-stream, long enough for member b to join during its batch.
    const inSlowBatch = deferred();
    let slowed = false;
    const member =
      (name: 'a' | 'b'): BatchHandler =>
      async (batch) => {
        if (name === 'a' && !slowed && seenIds.size >= 300) {
          slowed = true;
          inSlowBatch.resolve();
          await sleep(1500); // a long batch: the second member joins meanwhile
        }
        for (const m of batch.messages) {
          const id = Number(valueOf(m));
          const key = `svc-${id % keys}`;
          const seq = Math.floor(id / keys);
          if (seq > (lastSeq.get(key) ?? -1) + 1) violations++;
          lastSeq.set(key, seq);
          seenIds.add(id);
          if (id >= 1000) handledBy[name].add(m.partition);
        }
        progress.check();
      };
    const memberBus = () =>
      new KafkaBus(kafkaTestConfig(brokers), silentLogger, { consumer: { heartbeatIntervalMs: 500 } });
    const [busA, busB] = [memberBus(), memberBus()];
    await busA.send(topic, wave(0, 1000));
    const a = await busA.subscribe({ groupId, topics: [topic], maxBatchSize: 50, handler: member('a') });
    await inSlowBatch.promise;
    const b = await busB.subscribe({ groupId, topics: [topic], maxBatchSize: 50, handler: member('b') });
    await busA.send(topic, wave(1000, 1000));
    await progress.done;
    await Promise.all([a.stop(), b.stop()]);
    await Promise.all([busA.close(), busB.close()]);

    assert.equal(violations, 0, 'per-key order kept across the hand-over');
    assert.ok(
      handledBy.a.size > 0 && handledBy.b.size > 0,
      'both members got partitions after the rebalance',
    );
    assert.deepEqual(
      [...handledBy.a].filter((p) => handledBy.b.has(p)),
      [],
      'no partition consumed by both',
    );
    await assertCommittedToEnd(groupId, topic);
  });

  it('keeps its group membership through a batch longer than the session timeout', async () => {
    const sessionTimeoutMs = 6000; // the broker default minimum
    const patient = new KafkaBus(kafkaTestConfig(brokers), silentLogger, {
      consumer: { sessionTimeoutMs, heartbeatIntervalMs: 500 },
    });
    const topic = uniqueTopic('heartbeat');
    const groupId = `${topic}.group`;
    await patient.ensureTopics([{ topic, partitions: 1 }]);
    await patient.send(topic, [{ key: 'k', value: 'slow' }]);
    let deliveries = 0;
    const handled = deferred();
    const subscription = await patient.subscribe({
      groupId,
      topics: [topic],
      handler: async () => {
        deliveries++;
        await sleep(sessionTimeoutMs + 2000); // the work itself, not an assertion
        handled.resolve();
      },
    });
    await handled.promise;
    await subscription.stop();
    await patient.close();
    // Had the member been dropped meanwhile, its commit would have failed (and the batch come again).
    assert.equal(deliveries, 1);
    await assertCommittedToEnd(groupId, topic);
  });
});
