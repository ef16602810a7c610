// What rebuilding state needs from a bus, checked the same way on both adapters: reading a
// bounded range of history back, and an assignment hook that runs before any batch of the
// assignment is handled (retried when it fails), at the first join and at every rebalance.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Assignment, InboundMessage, MessageBus, ReadBackRequest } from '../port.js';
import { eventually } from '#testing';
import { deferred, valueOf, whenCount } from './test-support.js';

const keyed = (label: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `${label}:${i}` }));

async function readAll(bus: MessageBus, request: ReadBackRequest): Promise<InboundMessage[]> {
  const got: InboundMessage[] = [];
  await bus.readBack(request, (batch) => {
    assert.equal(batch.topic, request.topic);
    for (const m of batch.messages) assert.equal(m.partition, batch.partition);
    got.push(...batch.messages);
  });
  return got;
}

export async function checkReadBack(bus: MessageBus, topic: string): Promise<void> {
  await bus.ensureTopics([{ topic, partitions: 3 }]);
  await bus.send(topic, keyed('early', 30));
  await sleep(30);
  const since = Date.now();
  await sleep(30);
  await bus.send(topic, keyed('late', 30));
  const group = `${topic}.group`;
  let seen = 0;
  const consumed = whenCount(60, () => seen);
  const subscription = await bus.subscribe({
    groupId: group,
    topics: [topic],
    handler: async (batch) => {
      seen += batch.messages.length;
      consumed.check();
    },
  });
  await consumed.done;
  await subscription.stop();
  await bus.send(topic, keyed('after', 30));

  const values = (messages: InboundMessage[]) => messages.map(valueOf).sort();
  const upToGroup = await readAll(bus, { topic, since, until: { committedBy: group } });
  const late = keyed('late', 30).map((m) => m.value);
  assert.deepEqual(values(upToGroup), late.sort(), 'since a time, up to where the group resumes');
  const all = await readAll(bus, { topic, since: 0, until: 'end' });
  assert.equal(all.length, 90, 'everything retained, up to the end');
  for (let p = 0; p < 3; p++) {
    const offsets = all.filter((m) => m.partition === p).map((m) => Number(m.offset));
    assert.deepEqual(
      offsets,
      [...offsets].sort((a, b) => a - b),
      `partition ${p} in offset order`,
    );
  }
  const one = await readAll(bus, { topic, partitions: [1], since: 0, until: 'end' });
  assert.deepEqual(
    values(one),
    values(all.filter((m) => m.partition === 1)),
    'only the partitions asked for',
  );
  const none = await readAll(bus, { topic, since: 0, until: { committedBy: `${topic}.nobody` } });
  assert.equal(none.length, 0, 'a group that committed nothing resumes at the start: nothing before it');
  assert.equal(await bus.partitionCount(topic), 3);
}

export async function checkAssignmentHook(bus: MessageBus, topic: string): Promise<void> {
  await bus.ensureTopics([{ topic, partitions: 4 }]);
  await bus.send(topic, keyed('m', 40));
  const groupId = `${topic}.group`;
  const gate = deferred();
  const first: Assignment[] = [];
  let calls = 0;
  let handledWhileClosed = 0;
  let gateOpen = false;
  let handled = 0;
  const all = whenCount(40, () => handled);
  const a = await bus.subscribe({
    groupId,
    topics: [topic],
    handler: async (batch) => {
      if (!gateOpen) handledWhileClosed += batch.messages.length;
      handled += batch.messages.length;
      all.check();
    },
    onAssigned: async (assignment) => {
      if (++calls === 1) throw new Error('state store unavailable'); // retried like a batch
      first.push(assignment);
      if (first.length === 1) await gate.promise;
    },
  });
  await eventually(() => assert.equal(first.length, 1, 'the hook ran again after failing'));
  await sleep(300); // batches had their chance to slip past the hook
  gateOpen = true;
  gate.resolve();
  await all.done;
  assert.equal(handledWhileClosed, 0, 'no batch was handled before the hook finished');
  assert.deepEqual([...(first[0]!.get(topic) ?? [])].sort(), [0, 1, 2, 3]);

  const second: Assignment[] = [];
  const b = await bus.subscribe({
    groupId,
    topics: [topic],
    handler: async () => undefined,
    onAssigned: async (assignment) => {
      second.push(assignment);
    },
  });
  const partitionsOf = (assignments: Assignment[]) => [...(assignments.at(-1)?.get(topic) ?? [])];
  await eventually(() =>
    assert.ok(
      first.length >= 2 &&
        second.length >= 1 &&
        partitionsOf(first).length + partitionsOf(second).length === 4,
      'both members were told their share after the rebalance',
    ),
  );
  const shares = [...partitionsOf(first), ...partitionsOf(second)].sort();
  assert.deepEqual(shares, [0, 1, 2, 3], 'the shares split the partitions');
  assert.equal(partitionsOf(first).length, 2);
  await Promise.all([a.stop(), b.stop()]);
}

/** An exclusive group: one member owns every partition, the other stands by and takes over when it leaves. */
export async function checkExclusiveGroup(bus: MessageBus, topic: string): Promise<void> {
  await bus.ensureTopics([{ topic, partitions: 3 }]);
  const groupId = `${topic}.exclusive`;
  const handledBy = { a: 0, b: 0 };
  const assigned = { a: [] as number[][], b: [] as number[][] };
  const member = (name: 'a' | 'b') =>
    bus.subscribe({
      groupId,
      topics: [topic],
      exclusive: true,
      handler: async (batch) => {
        handledBy[name] += batch.messages.length;
      },
      onAssigned: async (assignment) => {
        assigned[name].push([...(assignment.get(topic) ?? [])].sort());
      },
    });
  const a = await member('a');
  await eventually(() => assert.deepEqual(assigned.a.at(-1), [0, 1, 2]));
  const b = await member('b');
  await eventually(() => assert.ok(assigned.b.length >= 1, 'the standby was told its (empty) share'));
  await bus.send(topic, keyed('first', 30));
  await eventually(() => assert.equal(handledBy.a, 30));
  assert.deepEqual(assigned.b.at(-1), [], 'the standby owns nothing');
  assert.deepEqual(assigned.a.at(-1), [0, 1, 2], 'the owner keeps everything when a standby joins');
  assert.equal(handledBy.b, 0);
  await a.stop();
  await eventually(() => assert.deepEqual(assigned.b.at(-1), [0, 1, 2], 'the standby took over'));
  await bus.send(topic, keyed('second', 30));
  await eventually(() => assert.equal(handledBy.b, 30));
  await b.stop();
}
