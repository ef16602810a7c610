// The semantics every one-process bus keeps, whatever its store: the in-memory bus (unit tests)
// and the embedded durable log (all-in-one) run these same tests; the history contract
// (history-contract.ts) runs on them and on Kafka.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDeadLetter } from '../dead-letter.js';
import type { LocalBus, LocalBusOptions } from '../local/local-bus.js';
import { partitionForKey } from '../murmur2.js';
import type { BatchHandler, InboundMessage, PartitionBatch } from '../port.js';
import { checkAssignmentHook, checkExclusiveGroup, checkReadBack } from './history-contract.js';
import { deferred, valueOf, whenCount } from './test-support.js';

const FAST = { initialMs: 1, maxMs: 4 };

export type LocalBusFactory = (options: LocalBusOptions) => Promise<LocalBus>;

export function describeLocalBusContract(name: string, makeBus: LocalBusFactory): void {
  const newBus = () => makeBus({ defaultPartitions: 4, deadLetterTopic: 'dlq', backoff: FAST });

  /** `count` messages keyed over `keys` keys, values `key:seq`. */
  function keyed(count: number, keys: number) {
    return Array.from({ length: count }, (_, i) => ({
      key: `k${i % keys}`,
      value: `k${i % keys}:${Math.floor(i / keys)}`,
    }));
  }

  /** Collects messages until `target` arrived; `onProgress` runs after every batch. */
  function collector(target: number, onProgress: () => void = () => undefined) {
    const seen: InboundMessage[] = [];
    const batches: PartitionBatch[] = [];
    const progress = whenCount(target, () => seen.length);
    const handler: BatchHandler = async (batch) => {
      batches.push(batch);
      seen.push(...batch.messages);
      progress.check();
      onProgress();
    };
    return { seen, batches, handler, done: progress.done };
  }

  describe(name, () => {
    it('places keys where Kafka would and keeps explicit partitions', async () => {
      const bus = await newBus();
      await bus.ensureTopics([{ topic: 'changes', partitions: 6 }]);
      const messages = keyed(60, 12);
      await bus.send('changes', [...messages, { key: 'pinned', value: 'p', partition: 5 }]);
      const c = collector(61);
      await bus.subscribe({ groupId: 'g', topics: ['changes'], handler: c.handler });
      await c.done;
      for (const m of c.seen) {
        const key = m.key!.toString();
        assert.equal(m.partition, key === 'pinned' ? 5 : partitionForKey(key, 6));
      }
      assert.equal(await bus.partitionCount('changes'), 6);
      await bus.close();
    });

    it('delivers each partition in offset order and keeps per-key order', async () => {
      const bus = await newBus();
      await bus.send('alerts', keyed(2000, 37));
      const c = collector(2000);
      await bus.subscribe({ groupId: 'g', topics: ['alerts'], handler: c.handler, maxBatchSize: 64 });
      await c.done;
      const lastSeq = new Map<string, number>();
      const lastOffset = new Map<number, number>();
      for (const m of c.seen) {
        const [key, seq] = valueOf(m).split(':') as [string, string];
        assert.equal(Number(seq), (lastSeq.get(key) ?? -1) + 1, `order of ${key}`);
        lastSeq.set(key, Number(seq));
        assert.equal(Number(m.offset), (lastOffset.get(m.partition) ?? -1) + 1);
        lastOffset.set(m.partition, Number(m.offset));
      }
      assert.ok(c.batches.every((b) => b.messages.length <= 64));
      await bus.close();
    });

    it('splits partitions between members of a group and gives every group everything', async () => {
      const bus = await newBus();
      await bus.ensureTopics([{ topic: 'alerts', partitions: 6 }]);
      let inGroup = 0;
      const both = whenCount(600, () => inGroup);
      const countInGroup = () => {
        inGroup = a.seen.length + b.seen.length;
        both.check();
      };
      const a = collector(0, countInGroup);
      const b = collector(0, countInGroup);
      const other = collector(600);
      await bus.subscribe({ groupId: 'shared', topics: ['alerts'], handler: a.handler });
      await bus.subscribe({ groupId: 'shared', topics: ['alerts'], handler: b.handler });
      await bus.subscribe({ groupId: 'other', topics: ['alerts'], handler: other.handler });
      await bus.send('alerts', keyed(600, 50));
      await Promise.all([both.done, other.done]);
      const partitionsOf = (seen: InboundMessage[]) => new Set(seen.map((m) => m.partition));
      const pa = partitionsOf(a.seen);
      const pb = partitionsOf(b.seen);
      assert.ok(pa.size > 0 && pb.size > 0, 'both members got partitions');
      assert.deepEqual(
        [...pa].filter((p) => pb.has(p)),
        [],
        'no partition is shared',
      );
      assert.equal(a.seen.length + b.seen.length, 600, 'each message once within the group');
      assert.equal(other.seen.length, 600);
      await bus.close();
    });

    it('commits offsets and resumes a group where it left off', async () => {
      const bus = await newBus();
      await bus.ensureTopics([{ topic: 'alerts', partitions: 2 }]);
      await bus.send('alerts', keyed(100, 10));
      const first = collector(100);
      const sub = await bus.subscribe({ groupId: 'g', topics: ['alerts'], handler: first.handler });
      await first.done;
      await sub.stop();
      const committed = [0, 1].map((p) => bus.committedOffset('g', 'alerts', p));
      assert.deepEqual(
        committed,
        [0, 1].map((p) => bus.endOffset('alerts', p)),
      );

      await bus.send('alerts', [{ key: 'k1', value: 'later' }]);
      const second = collector(1);
      await bus.subscribe({ groupId: 'g', topics: ['alerts'], handler: second.handler });
      await second.done;
      assert.deepEqual(second.seen.map(valueOf), ['later']);
      await bus.close();
    });

    it('starts a new group at the end when fromBeginning is false', async () => {
      const bus = await newBus();
      await bus.send('alerts', keyed(10, 2));
      const c = collector(1);
      await bus.subscribe({ groupId: 'late', topics: ['alerts'], handler: c.handler, fromBeginning: false });
      await bus.send('alerts', [{ key: 'k0', value: 'new' }]);
      await c.done;
      assert.deepEqual(c.seen.map(valueOf), ['new']);
      await bus.close();
    });

    it('sends rejected messages to the dead-letter topic and keeps consuming', async () => {
      const bus = await newBus();
      const handled: string[] = [];
      const progress = whenCount(3, () => handled.length);
      await bus.subscribe({
        groupId: 'g',
        topics: ['alerts'],
        handler: async (batch) => {
          const rejected = batch.messages.filter((m) => valueOf(m) === 'poison');
          handled.push(...batch.messages.filter((m) => !rejected.includes(m)).map(valueOf));
          progress.check();
          return {
            rejected: rejected.map((message) => ({ message, code: 'decode', reason: 'not an event' })),
          };
        },
      });
      const dead = collector(1);
      await bus.subscribe({ groupId: 'dlq-reader', topics: ['dlq'], handler: dead.handler });
      await bus.send('alerts', [
        { key: 'a', value: 'one' },
        { key: 'a', value: 'poison', headers: { origin: 'test' } },
        { key: 'a', value: 'two' },
      ]);
      await dead.done;
      await bus.send('alerts', [{ key: 'a', value: 'three' }]);
      await progress.done;
      assert.deepEqual(handled, ['one', 'two', 'three']);
      const record = parseDeadLetter(dead.seen[0]!);
      assert.equal(record.reason, 'not an event');
      assert.equal(record.topic, 'alerts');
      assert.equal(record.offset, '1');
      assert.equal(Buffer.from(record.value!, 'base64').toString(), 'poison');
      assert.equal(dead.seen[0]!.key?.toString(), 'a');
      assert.equal(dead.seen[0]!.headers.origin?.toString(), 'test');
      await bus.close();
    });

    it('retries a batch whose handler throws and commits only after it succeeds', async () => {
      const bus = await newBus();
      await bus.ensureTopics([{ topic: 'alerts', partitions: 1 }]);
      await bus.send('alerts', keyed(5, 1));
      let attempts = 0;
      const handled = deferred<string[]>();
      await bus.subscribe({
        groupId: 'g',
        topics: ['alerts'],
        handler: async (batch) => {
          attempts++;
          assert.equal(bus.committedOffset('g', 'alerts', 0), undefined, 'nothing committed before success');
          if (attempts < 3) throw new Error('store unavailable');
          handled.resolve(batch.messages.map(valueOf));
        },
      });
      assert.deepEqual(await handled.promise, ['k0:0', 'k0:1', 'k0:2', 'k0:3', 'k0:4']);
      await bus.close();
      assert.equal(attempts, 3);
      assert.equal(bus.committedOffset('g', 'alerts', 0), 5);
    });

    it('hands an unfinished batch to the next member after a stop during retries', async () => {
      const bus = await makeBus({ defaultPartitions: 1, backoff: { initialMs: 60_000, maxMs: 60_000 } });
      await bus.send('alerts', [{ key: 'a', value: 'x' }]);
      const failing = deferred();
      const first = await bus.subscribe({
        groupId: 'g',
        topics: ['alerts'],
        handler: async () => {
          failing.resolve();
          throw new Error('down');
        },
      });
      await failing.promise;
      await first.stop(); // cuts the 60 s backoff short
      assert.equal(bus.committedOffset('g', 'alerts', 0), undefined);
      const c = collector(1);
      await bus.subscribe({ groupId: 'g', topics: ['alerts'], handler: c.handler });
      await c.done;
      assert.deepEqual(c.seen.map(valueOf), ['x']);
      await bus.close();
    });

    it('pauses a partition when the handler asks, then carries on', async () => {
      const bus = await newBus();
      await bus.ensureTopics([{ topic: 'alerts', partitions: 1 }]);
      await bus.send('alerts', keyed(10, 1));
      const c = collector(10);
      await bus.subscribe({
        groupId: 'g',
        topics: ['alerts'],
        maxBatchSize: 3,
        handler: async (batch) => {
          await c.handler(batch);
          return { pauseMs: 2 };
        },
      });
      await c.done;
      assert.deepEqual(
        c.batches.map((b) => b.messages.length),
        [3, 3, 3, 1],
      );
      await bus.close();
    });

    it('delivers again what a handler left (handledBefore): each message taken once, in order', async () => {
      const bus = await newBus();
      await bus.ensureTopics([{ topic: 'alerts', partitions: 1 }]);
      await bus.send('alerts', keyed(10, 1));
      const taken = collector(10);
      let calls = 0;
      await bus.subscribe({
        groupId: 'g',
        topics: ['alerts'],
        maxBatchSize: 4,
        handler: async (batch) => {
          const n = batch.messages.length;
          const take = calls++ === 0 ? 0 : Math.min(n, 2);
          await taken.handler({ ...batch, messages: batch.messages.slice(0, take) });
          return take < n ? { handledBefore: batch.messages[take]!.offset } : {};
        },
      });
      await taken.done;
      assert.deepEqual(
        taken.seen.map((m) => Number(m.offset)),
        Array.from({ length: 10 }, (_, i) => i),
      );
      assert.deepEqual(
        taken.batches.map((b) => b.messages.length),
        [0, 2, 2, 2, 2, 2],
      );
      await bus.close(); // waits for the last commit
      assert.equal(bus.committedOffset('g', 'alerts', 0), 10);
    });

    it('waits for in-flight batches on close and refuses use afterwards', async () => {
      const bus = await newBus();
      const entered = deferred();
      const release = deferred();
      let finished = false;
      await bus.subscribe({
        groupId: 'g',
        topics: ['alerts'],
        handler: async () => {
          entered.resolve();
          await release.promise;
          finished = true;
        },
      });
      await bus.send('alerts', [{ key: 'a', value: 'x' }]);
      await entered.promise;
      const closing = bus.close();
      release.resolve();
      await closing;
      assert.equal(finished, true);
      assert.equal(bus.committedOffset('g', 'alerts', partitionForKey('a', 4)), 1);
      assert.equal(bus.isReady(), false);
      await assert.rejects(bus.send('alerts', [{ value: 'y' }]), /closed/);
    });
  });

  describe(`${name}: history for rebuilding state`, () => {
    it('reads back a range: since a time, up to where a group resumes or the end, chosen partitions', async () => {
      const bus = await newBus();
      await checkReadBack(bus, 'history');
      await bus.close();
    });

    it('runs the assignment hook before the first batch, retries it, and again on a rebalance', async () => {
      const bus = await newBus();
      await checkAssignmentHook(bus, 'assigned');
      await bus.close();
    });

    it('gives an exclusive group’s partitions to one member; the other takes over when it leaves', async () => {
      const bus = await newBus();
      await checkExclusiveGroup(bus, 'exclusive');
      await bus.close();
    });
  });
}
