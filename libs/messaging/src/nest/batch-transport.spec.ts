import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { loadBusConfig } from '#config';
import { parseDeadLetter } from '../dead-letter.js';
import { InMemoryBus } from '../memory/in-memory-bus.js';
import { MESSAGE_BUS, type BatchResult, type MessageBus, type PartitionBatch } from '../port.js';
import { deferred, valueOf, whenCount } from '../testing/test-support.js';
import { BatchContext } from './batch-context.js';
import { BatchPattern } from './batch-pattern.decorator.js';
import { BatchTransport } from './batch-transport.js';
import { MessagingModule } from './messaging.module.js';

/** Shared between the controller (built by Nest) and the test. */
const seen = {
  alerts: [] as string[],
  changes: [] as { value: string; groupId: string }[],
  partial: [] as string[][],
  failuresLeft: 0,
};
let progress = whenCount(0, () => 0);

@Controller()
class EventsController {
  @EventPattern('alerts')
  async onAlerts(batch: PartitionBatch): Promise<BatchResult> {
    if (seen.failuresLeft-- > 0) throw new Error('store unavailable');
    const poison = batch.messages.filter((m) => valueOf(m).startsWith('poison'));
    seen.alerts.push(...batch.messages.filter((m) => !poison.includes(m)).map(valueOf));
    progress.check();
    return { rejected: poison.map((message) => ({ message, code: 'decode', reason: 'not an alert' })) };
  }

  /** Takes only what comes before `p3` the first time: the rest must come again. */
  @EventPattern('partial')
  async onPartial(batch: PartitionBatch): Promise<BatchResult> {
    seen.partial.push(batch.messages.map(valueOf));
    progress.check();
    const cut = batch.messages.find((m) => valueOf(m) === 'p3');
    return seen.partial.length === 1 && cut ? { handledBefore: cut.offset } : {};
  }

  @BatchPattern('changes')
  async onChanges(@Payload() batch: PartitionBatch, @Ctx() ctx: BatchContext): Promise<void> {
    seen.changes.push(...batch.messages.map((m) => ({ value: valueOf(m), groupId: ctx.getGroupId() })));
    progress.check();
  }
}

@Module({ controllers: [EventsController] })
class EventsModule {}

@Controller()
class RequestReplyController {
  @MessagePattern('questions')
  answer(): string {
    return 'no';
  }
}

@Module({ controllers: [RequestReplyController] })
class RequestReplyModule {}

function reset(target: number): void {
  seen.alerts = [];
  seen.changes = [];
  seen.partial = [];
  seen.failuresLeft = 0;
  progress = whenCount(target, () => seen.alerts.length + seen.changes.length + seen.partial.length);
}

async function startMicroservice(module: object, bus: MessageBus) {
  const strategy = new BatchTransport({ bus, groupId: 'nest-test', maxBatchSize: 10 });
  const app = await NestFactory.createMicroservice(module, { strategy, logger: false });
  return { app, strategy };
}

describe('BatchTransport', () => {
  it('routes each topic batch to its @EventPattern handler and dead-letters its rejections', async () => {
    reset(6);
    const bus = new InMemoryBus({
      defaultPartitions: 3,
      deadLetterTopic: 'dlq',
      backoff: { initialMs: 1, maxMs: 2 },
    });
    const { app, strategy } = await startMicroservice(EventsModule, bus);
    const statuses: string[] = [];
    strategy.on('status', (s) => statuses.push(s));
    await app.listen();
    const dead = deferred<string>();
    await bus.subscribe({
      groupId: 'dlq-reader',
      topics: ['dlq'],
      handler: async (b) => dead.resolve(parseDeadLetter(b.messages[0]!).reason),
    });
    seen.failuresLeft = 2;
    await bus.send(
      'alerts',
      ['a1', 'poison', 'a2', 'a3'].map((value) => ({ key: 'svc', value })),
    );
    await bus.send('changes', [
      { key: 'svc', value: 'c1' },
      { key: 'svc', value: 'c2' },
      { key: 'svc', value: 'c3' },
    ]);
    await progress.done;
    assert.deepEqual(
      seen.alerts,
      ['a1', 'a2', 'a3'],
      'the failing batch was retried, the poison message left out',
    );
    assert.deepEqual(
      seen.changes.map((c) => c.value),
      ['c1', 'c2', 'c3'],
    );
    assert.ok(
      seen.changes.every((c) => c.groupId === 'nest-test'),
      '@Ctx() is the BatchContext',
    );
    assert.equal(await dead.promise, 'not an alert');
    assert.equal(strategy.unwrap<MessageBus>(), bus);

    await app.close();
    assert.deepEqual(statuses, ['connecting', 'listening', 'stopping', 'stopped']);
    for (const topic of ['alerts', 'changes']) {
      for (let p = 0; p < 3; p++) {
        assert.equal(
          bus.committedOffset('nest-test', topic, p) ?? 0,
          bus.endOffset(topic, p),
          `${topic}/${p} committed`,
        );
      }
    }
    await bus.close();
  });

  it(
    'passes a handler that took only part of a batch on: the rest is delivered again',
    { timeout: 30_000 },
    async () => {
      reset(2);
      const bus = new InMemoryBus({ defaultPartitions: 1 });
      const { app } = await startMicroservice(EventsModule, bus);
      await app.listen();
      await bus.send(
        'partial',
        ['p1', 'p2', 'p3', 'p4'].map((value) => ({ key: 'svc', value })),
      );
      await progress.done;
      assert.deepEqual(seen.partial, [
        ['p1', 'p2', 'p3', 'p4'],
        ['p3', 'p4'],
      ]);
      await app.close();
      assert.equal(bus.committedOffset('nest-test', 'partial', 0), 4);
      await bus.close();
    },
  );

  it('refuses @MessagePattern handlers, which expect a reply', async () => {
    const bus = new InMemoryBus();
    const { app } = await startMicroservice(RequestReplyModule, bus);
    await assert.rejects(app.listen(), /consumes events only/);
    await app.close();
    await bus.close();
  });
});

@Injectable()
class Publisher {
  constructor(@Inject(MESSAGE_BUS) readonly bus: MessageBus) {}
}

describe('MessagingModule', () => {
  it('provides a connected bus with its topics and closes the bus it created on shutdown', async () => {
    const config = loadBusConfig({ AFTERSHOCK_BUS: 'memory' });
    @Module({
      imports: [MessagingModule.forRoot({ config, topics: [{ topic: 'alerts', partitions: 3 }] })],
      providers: [Publisher],
    })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const bus = app.get(Publisher).bus as InMemoryBus;
    assert.equal(bus.kind, 'memory');
    assert.equal(bus.isReady(), true);
    assert.equal(await bus.partitionCount('alerts'), 3);
    await app.close();
    assert.equal(bus.isReady(), false);
  });

  it('leaves a bus it was given open unless told to close it', async () => {
    const shared = new InMemoryBus();
    @Module({ imports: [MessagingModule.forRoot({ bus: shared })], providers: [Publisher] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    assert.equal(app.get(Publisher).bus, shared);
    await app.close();
    assert.equal(shared.isReady(), true);
    await shared.close();
  });
});
