import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TOPICS } from '#contracts';
import { InMemoryBus, type PartitionBatch } from '#messaging';
import { createLogger, silentLogger } from '#observability';
import { ChangesCaughtUp } from './changes-caught-up.js';

async function busWithChanges(perPartition: readonly number[]): Promise<InMemoryBus> {
  const bus = new InMemoryBus({ defaultPartitions: perPartition.length, logger: silentLogger });
  await bus.connect();
  const messages = perPartition.flatMap((n, partition) =>
    Array.from({ length: n }, (_, i) => ({
      partition,
      key: `svc-${partition}`,
      value: Buffer.from(`c${i}`),
    })),
  );
  await bus.send(TOPICS.changes, messages);
  return bus;
}

/** What the changes consumer reports after applying messages [0, upTo) of a partition. */
const appliedUpTo = (partition: number, upTo: number): PartitionBatch => ({
  topic: TOPICS.changes,
  partition,
  messages: [
    {
      topic: TOPICS.changes,
      partition,
      offset: String(upTo - 1),
      key: null,
      value: null,
      headers: {},
      timestamp: 0,
    },
  ],
});

describe('signals wait for the changes sent before them', () => {
  it('resolves only once every partition is applied up to where it stood when the wait began', async () => {
    const bus = await busWithChanges([2, 0, 3]);
    const caughtUp = new ChangesCaughtUp(bus, silentLogger);
    let done = false;
    const waiting = caughtUp.wait(60_000).then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    caughtUp.handled(appliedUpTo(0, 2));
    await new Promise((r) => setImmediate(r));
    assert.equal(done, false, 'partition 2 still has 3 changes to apply');
    caughtUp.handled(appliedUpTo(2, 2));
    await new Promise((r) => setImmediate(r));
    assert.equal(done, false, 'one change of partition 2 is still to apply');
    // A change sent after the wait began is not waited for.
    await bus.send(TOPICS.changes, [{ partition: 1, key: 'late', value: Buffer.from('late') }]);
    caughtUp.handled(appliedUpTo(2, 3));
    await waiting;
    assert.equal(done, true);
    await bus.close();
  });

  it('goes ahead after its limit when the changes consumer does not catch up', async () => {
    const bus = await busWithChanges([1]);
    const lines: string[] = [];
    const caughtUp = new ChangesCaughtUp(bus, createLogger({ level: 'warn', sink: (l) => lines.push(l) }));
    await caughtUp.wait(20); // resolves: a stuck changes consumer delays signals, never stops them
    assert.equal(lines.length, 1);
    assert.deepEqual(JSON.parse(lines[0]!).partitions, [0], 'the warning names the partition behind');
    await bus.close();
  });
});
