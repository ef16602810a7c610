import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '#observability';
import { BatchRunner, type BatchRunnerOptions } from './batch-runner.js';
import { DLQ_HEADER, toDeadLetterRecord, type DeadLetterRecord } from './dead-letter.js';
import type { BatchHandler, InboundMessage, OutboundMessage, PartitionBatch, Producer } from './port.js';

const FAST = { initialMs: 1, maxMs: 4 };

function message(offset: number, value: string, headers: InboundMessage['headers'] = {}): InboundMessage {
  return {
    topic: 'alerts',
    partition: 2,
    offset: String(offset),
    key: Buffer.from(`key-${offset}`),
    value: Buffer.from(value),
    headers,
    timestamp: 1_700_000_000_000 + offset,
  };
}

const batch: PartitionBatch = {
  topic: 'alerts',
  partition: 2,
  messages: [
    message(10, 'good'),
    message(11, 'bad', { source: 'am', bin: Buffer.from([0, 255]) }),
    message(12, 'good'),
  ],
};

class RecordingProducer implements Producer {
  readonly sent: { topic: string; messages: readonly OutboundMessage[] }[] = [];
  failuresLeft = 0;
  async send(topic: string, messages: readonly OutboundMessage[]): Promise<void> {
    if (this.failuresLeft-- > 0) throw new Error('broker unavailable');
    this.sent.push({ topic, messages });
  }
}

function runner(
  handler: BatchHandler,
  producer = new RecordingProducer(),
  extra: Partial<BatchRunnerOptions> = {},
) {
  return new BatchRunner({
    system: 'memory',
    groupId: 'correlator',
    handler,
    producer,
    deadLetterTopic: 'dlq',
    logger: silentLogger,
    backoff: FAST,
    ...extra,
  });
}

const rejectBad: BatchHandler = async (b) => ({
  rejected: b.messages
    .filter((m) => m.value?.toString() === 'bad')
    .map((m) => ({ message: m, code: 'decode.json', reason: 'value is not JSON' })),
});

describe('BatchRunner', () => {
  it('reports a handled batch done without touching the dead-letter topic', async () => {
    const producer = new RecordingProducer();
    const outcome = await runner(async () => undefined, producer).run(batch, new AbortController().signal);
    assert.deepEqual(outcome, { done: true, pauseMs: 0, next: '13' }, 'commit past the batch (10-12)');
    assert.equal(producer.sent.length, 0);
  });

  it('passes the handler-requested pause on', async () => {
    const outcome = await runner(async () => ({ pauseMs: 250 })).run(batch, new AbortController().signal);
    assert.deepEqual(outcome, { done: true, pauseMs: 250, next: '13' });
  });

  it('commits only up to where the handler stopped taking messages (handledBefore)', async () => {
    const outcome = await runner(async () => ({ handledBefore: '11' })).run(
      batch,
      new AbortController().signal,
    );
    assert.deepEqual(outcome, { done: true, pauseMs: 0, next: '11' });
  });

  it('sends rejected messages to the dead-letter topic with reason, origin, bytes and headers', async () => {
    const producer = new RecordingProducer();
    const outcome = await runner(rejectBad, producer).run(batch, new AbortController().signal);
    assert.equal(outcome.done, true);
    assert.equal(producer.sent.length, 1);
    const { topic, messages } = producer.sent[0]!;
    assert.equal(topic, 'dlq');
    assert.equal(messages.length, 1);
    const dead = messages[0]!;
    assert.deepEqual(dead.key, Buffer.from('key-11'));
    assert.equal(dead.headers?.source, 'am', 'original headers are copied');
    assert.equal(dead.headers?.[DLQ_HEADER.reason], 'value is not JSON');
    assert.equal(dead.headers?.[DLQ_HEADER.code], 'decode.json');
    assert.equal(dead.headers?.[DLQ_HEADER.topic], 'alerts');
    assert.equal(dead.headers?.[DLQ_HEADER.partition], '2');
    assert.equal(dead.headers?.[DLQ_HEADER.offset], '11');
    assert.equal(dead.headers?.[DLQ_HEADER.group], 'correlator');
    const record = JSON.parse(String(dead.value)) as DeadLetterRecord;
    assert.equal(record.reason, 'value is not JSON');
    assert.equal(record.code, 'decode.json');
    assert.equal(record.topic, 'alerts');
    assert.equal(record.partition, 2);
    assert.equal(record.offset, '11');
    assert.equal(record.timestamp, 1_700_000_000_011);
    assert.equal(Buffer.from(record.value!, 'base64').toString(), 'bad');
    assert.equal(Buffer.from(record.key!, 'base64').toString(), 'key-11');
    assert.deepEqual(Buffer.from(record.headers.bin!, 'base64'), Buffer.from([0, 255]));
    assert.equal(Buffer.from(record.headers.source!, 'base64').toString(), 'am');
  });

  it('retries a batch whose handler throws until it succeeds', async () => {
    let calls = 0;
    const outcome = await runner(async () => {
      calls++;
      if (calls < 4) throw new Error('clickhouse unavailable');
    }).run(batch, new AbortController().signal);
    assert.equal(outcome.done, true);
    assert.equal(calls, 4);
  });

  it('gives up the hook of an assignment that ended, so the next assignment is not stuck behind it', async () => {
    const restored: string[] = [];
    const first = { current: true };
    const r = runner(async () => undefined, new RecordingProducer(), {
      onAssigned: async (assignment, membership) => {
        if (membership === first) {
          first.current = false; // lost mid-restore (a rebalance): its restore can never publish
          throw new Error('not the owner any more');
        }
        restored.push([...assignment.keys()].join());
      },
    });
    const stop = new AbortController().signal;
    r.assigned(new Map([['old', [0]]]), first, stop);
    r.assigned(new Map([['new', [0]]]), { current: true }, stop);
    const outcome = await r.run(batch, stop);
    assert.equal(outcome.done, true, 'batches of the new assignment run');
    assert.deepEqual(restored, ['new']);
  });

  it('retries only the dead-letter send when it fails after the handler succeeded', async () => {
    const producer = new RecordingProducer();
    producer.failuresLeft = 2;
    let calls = 0;
    const outcome = await runner(async (b) => {
      calls++;
      return rejectBad(b);
    }, producer).run(batch, new AbortController().signal);
    assert.equal(outcome.done, true);
    assert.equal(calls, 1);
    assert.equal(producer.sent.length, 1);
  });

  it('gives up without reporting done when a stop is requested during the backoff', async () => {
    const stop = new AbortController();
    let calls = 0;
    const outcome = await runner(
      async () => {
        calls++;
        stop.abort();
        throw new Error('still down');
      },
      new RecordingProducer(),
      { backoff: { initialMs: 60_000, maxMs: 60_000 } },
    ).run(batch, stop.signal);
    assert.deepEqual(outcome, { done: false });
    assert.equal(calls, 1);
  });

  it('does not re-send rejections of the dead-letter topic itself', async () => {
    const producer = new RecordingProducer();
    const dlqBatch: PartitionBatch = { ...batch, topic: 'dlq' };
    const outcome = await runner(rejectBad, producer).run(dlqBatch, new AbortController().signal);
    assert.equal(outcome.done, true);
    assert.equal(producer.sent.length, 0);
  });

  it('writes null key and value as null in the record', () => {
    const record = toDeadLetterRecord(
      { message: { ...message(1, ''), key: null, value: null }, code: 'c', reason: 'r' },
      'g',
      new Date(0),
    );
    assert.equal(record.key, null);
    assert.equal(record.value, null);
    assert.equal(record.deadLetteredAt, '1970-01-01T00:00:00.000Z');
  });
});
