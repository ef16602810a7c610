import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { projectPath } from '#config';
import type { InboundMessage } from '../port.js';
import { describeLocalBusContract } from '../testing/local-bus-contract.js';
import { valueOf, whenCount } from '../testing/test-support.js';
import { EmbeddedLogBus, type EmbeddedLogBusOptions } from './embedded-log-bus.js';

const root = mkdtempSync(join(tmpdir(), 'aftershock-log-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `log-${++dirs}`);

async function openBus(options: Partial<EmbeddedLogBusOptions> & { dir: string }): Promise<EmbeddedLogBus> {
  const bus = new EmbeddedLogBus({ defaultPartitions: 2, ...options });
  await bus.connect();
  return bus;
}

describeLocalBusContract('EmbeddedLogBus', (options) => openBus({ ...options, dir: freshDir() }));

/** Consumes `count` messages with `groupId`, then stops (committing them). */
async function consume(bus: EmbeddedLogBus, groupId: string, topic: string, count: number) {
  const seen: InboundMessage[] = [];
  const progress = whenCount(count, () => seen.length);
  const subscription = await bus.subscribe({
    groupId,
    topics: [topic],
    handler: async (batch) => {
      const room = count - seen.length;
      seen.push(...batch.messages.slice(0, room));
      progress.check();
      return room < batch.messages.length ? { handledBefore: batch.messages[room]!.offset } : {};
    },
  });
  await progress.done;
  await subscription.stop();
  return seen;
}

describe('EmbeddedLogBus durability', () => {
  it('keeps messages, offsets and where each group resumes across a restart', async () => {
    const dir = freshDir();
    const first = await openBus({ dir });
    await first.ensureTopics([{ topic: 't', partitions: 2 }]);
    await first.send(
      't',
      Array.from({ length: 100 }, (_, i) => ({ key: `k${i % 5}`, value: `a${i}` })),
    );
    const consumed = await consume(first, 'g', 't', 60);
    const ends = [0, 1].map((p) => first.endOffset('t', p));
    const committed = [0, 1].map((p) => first.committedOffset('g', 't', p));
    await first.close();

    const second = await openBus({ dir, defaultPartitions: 6 });
    assert.equal(await second.partitionCount('t'), 2, 'the topic keeps its partitions');
    assert.deepEqual(
      [0, 1].map((p) => second.endOffset('t', p)),
      ends,
      'offsets do not restart',
    );
    assert.deepEqual(
      [0, 1].map((p) => second.committedOffset('g', 't', p)),
      committed,
    );
    await second.send('t', [{ key: 'k0', value: 'b0' }]);
    const rest = await consume(second, 'g', 't', 41);
    const values = new Set([...consumed, ...rest].map(valueOf));
    assert.equal(values.size, 101, 'each message once across the restart');
    assert.ok(values.has('b0'));
    const p = rest.find((m) => valueOf(m) === 'b0')!;
    assert.equal(Number(p.offset), ends[p.partition], 'the new message continues the partition');
    await second.close();
  });

  it('retention by size keeps the newest messages and never restarts offsets, even when everything expired', async () => {
    const dir = freshDir();
    const bus = await openBus({ dir, retentionBytes: 250_000, retentionCheckMs: 0, defaultPartitions: 1 });
    const big = Buffer.alloc(100_000, 7);
    for (let i = 0; i < 10; i++) await bus.send('t', [{ key: 'k', value: big }]);
    await bus.send('t', [{ key: 'k', value: 'last' }]); // a commit after the last big one runs retention
    const kept = await consume(bus, 'reader', 't', 1);
    assert.ok(Number(kept[0]!.offset) >= 8, `the oldest messages went (first kept: ${kept[0]!.offset})`);

    await bus.ensureTopics([{ topic: 'aging', partitions: 1, retentionMs: 50 }]);
    await bus.send('aging', [{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await bus.send('t', [{ key: 'k', value: 'later' }]); // retention runs after this commit: all of 'aging' is past 50 ms
    await bus.close();
    const reopened = await openBus({ dir });
    assert.equal(reopened.endOffset('aging', 0), 3);
    await reopened.send('aging', [{ value: 'after' }]);
    const [after] = await consume(reopened, 'late', 'aging', 1);
    assert.equal(valueOf(after!), 'after');
    assert.equal(after!.offset, '3', 'offsets carry on after retention removed everything');
    await reopened.close();
  });

  it("keeps a table topic whole: neither age nor size expires it, and its readers' offsets stay", async () => {
    const dir = freshDir();
    const bus = await openBus({ dir, retentionBytes: 150_000, retentionCheckMs: 0, defaultPartitions: 1 });
    await bus.ensureTopics([{ topic: 'table', partitions: 1, retentionMs: 50, compacted: true }]);
    const big = Buffer.alloc(100_000, 7);
    await bus.send('table', [
      { key: 'a', value: big },
      { key: 'b', value: big },
      { key: 'a', value: 'newer' },
    ]);
    await consume(bus, 'reader', 'table', 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await bus.send('t', [{ key: 'k', value: 'later' }]); // retention runs after this commit: 'table' is past 50 ms and 150 kB
    await bus.close();
    const reopened = await openBus({ dir });
    const all: string[] = [];
    await reopened.readBack({ topic: 'table', since: 0, until: 'end' }, (batch) => {
      for (const m of batch.messages) all.push(`${m.offset}:${m.key?.toString()}`);
    });
    assert.deepEqual(all, ['0:a', '1:b', '2:a']);
    assert.equal(reopened.committedOffset('reader', 'table', 0), 3, "the reader's position is kept too");
    await reopened.close();
  });

  it('hands consumers batches bounded in bytes (a larger message alone)', async () => {
    const bus = await openBus({ dir: freshDir(), defaultPartitions: 1, fetchMaxBytes: 10_000 });
    await bus.send('t', [
      ...Array.from({ length: 30 }, () => ({ value: Buffer.alloc(1_000) })),
      { value: Buffer.alloc(50_000) },
      { value: 'tail' },
    ]);
    const sizes: number[] = [];
    let seen = 0;
    const all = whenCount(32, () => seen);
    const subscription = await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      handler: async (batch) => {
        sizes.push(batch.messages.reduce((n, m) => n + (m.value?.length ?? 0), 0));
        seen += batch.messages.length;
        all.check();
      },
    });
    await all.done;
    await subscription.stop();
    assert.ok(
      sizes.every((s) => s <= 10_000 || s === 50_000),
      `batch sizes ${sizes.join(', ')}`,
    );
    await bus.close();
  });

  for (const sync of ['full', 'normal'] as const) {
    it(`loses no acknowledged message when its process is killed with SIGKILL (sync ${sync})`, async () => {
      const dir = freshDir();
      const child = spawn(
        process.execPath,
        [projectPath('dist', 'libs', 'messaging', 'test-fixtures', 'log-producer.js'), dir, sync],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const acked: number[] = [];
      let buffer = '';
      const enough = Promise.withResolvers<void>();
      const target = 300 + Math.floor(Math.random() * 700);
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) if (/^\d+$/.test(line)) acked.push(Number(line));
        if (acked.length >= target) enough.resolve();
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await enough.promise;
      child.kill('SIGKILL');
      await exited;

      const bus = await openBus({ dir });
      const stored: string[] = [];
      await bus.readBack({ topic: 'acked', since: 0, until: 'end' }, (batch) => {
        stored.push(...batch.messages.map(valueOf));
        batch.messages.forEach((m, i) => {
          if (i > 0)
            assert.equal(Number(m.offset), Number(batch.messages[i - 1]!.offset) + 1, 'contiguous offsets');
        });
      });
      await bus.close();
      const counts = new Map<string, number>();
      for (const v of stored) counts.set(v, (counts.get(v) ?? 0) + 1);
      const lost = acked.filter((n) => !counts.has(String(n)));
      const twice = [...counts].filter(([, c]) => c > 1);
      assert.deepEqual(lost, [], `acknowledged and lost (of ${acked.length} acked)`);
      assert.deepEqual(twice, [], 'stored twice');
    });
  }
});
