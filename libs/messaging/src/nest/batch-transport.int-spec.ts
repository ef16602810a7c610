// 100,000 keyed messages over 6 partitions through a Nest microservice on the BatchTransport
// and a real broker: none missing, per-key order kept, committed offsets equal end offsets.
import 'reflect-metadata';
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { silentLogger } from '#observability';
import { testKafkaBrokers, uniqueTopic } from '#testing/infra';
import { KafkaBus } from '../kafka/kafka-bus.js';
import type { OutboundMessage, PartitionBatch } from '../port.js';
import { committedOffsets, endOffsets, withAdmin } from '../testing/kafka-offsets.js';
import { kafkaTestConfig, whenCount } from '../testing/test-support.js';
import { BatchPattern } from './batch-pattern.decorator.js';
import { BatchTransport } from './batch-transport.js';

const MESSAGES = 100_000;
const KEYS = 1000;
const PARTITIONS = 6;
/** Message i has key i mod KEYS and is that key's (i div KEYS)-th message. */
const keyOf = (i: number) => `svc-${i % KEYS}`;

class Tally {
  readonly deliveries = new Uint8Array(MESSAGES);
  readonly lastSeq = new Int32Array(KEYS).fill(-1);
  distinct = 0;
  orderViolations = 0;
  readonly progress = whenCount(MESSAGES, () => this.distinct);

  record(batch: PartitionBatch): void {
    for (const message of batch.messages) {
      const i = Number(message.value!.toString());
      const k = i % KEYS;
      const seq = Math.floor(i / KEYS);
      // A redelivery may repeat earlier sequences; skipping ahead means order was broken.
      if (seq > this.lastSeq[k]! + 1) this.orderViolations++;
      this.lastSeq[k] = seq;
      if (this.deliveries[i]!++ === 0) this.distinct++;
    }
    this.progress.check();
  }
}

describe('BatchTransport on a real broker', () => {
  let brokers: string[];
  const topic = uniqueTopic('transport');
  const groupId = `${topic}.group`;

  before(async () => {
    brokers = await testKafkaBrokers();
    const producer = new KafkaBus(kafkaTestConfig(brokers), silentLogger);
    await producer.ensureTopics([{ topic, partitions: PARTITIONS }]);
    const chunk = 10_000;
    for (let start = 0; start < MESSAGES; start += chunk) {
      const messages: OutboundMessage[] = [];
      for (let i = start; i < start + chunk; i++) messages.push({ key: keyOf(i), value: String(i) });
      await producer.send(topic, messages); // in order, so each key's messages are in sequence
    }
    await producer.close();
  });

  it(`consumes ${MESSAGES} keyed messages: none missing, per-key order, offsets committed to the end`, async (t) => {
    const tally = new Tally();

    @Controller()
    class CountingController {
      @BatchPattern(topic)
      async onBatch(batch: PartitionBatch): Promise<void> {
        tally.record(batch);
      }
    }
    @Module({ controllers: [CountingController] })
    class CountingModule {}

    const bus = new KafkaBus(kafkaTestConfig(brokers), silentLogger);
    const strategy = new BatchTransport({ bus, groupId });
    const app = await NestFactory.createMicroservice(CountingModule, { strategy, logger: false });
    await app.listen();
    await tally.progress.done;
    await app.close();
    await bus.close();

    const duplicates = tally.deliveries.reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    t.diagnostic(`duplicates: ${duplicates}`);
    assert.equal(tally.distinct, MESSAGES, 'every message handled');
    assert.equal(tally.orderViolations, 0, 'per-key order kept');
    await withAdmin(brokers, async (admin) => {
      const end = await endOffsets(admin, topic);
      assert.equal(
        end.reduce((a, b) => a + b, 0),
        MESSAGES,
      );
      assert.deepEqual(await committedOffsets(admin, groupId, topic), end);
    });
  });
});
