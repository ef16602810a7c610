import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InboundMessage } from '#messaging';
import { dedupToken, planWrites, type OffsetRange, type WritePlan } from './write-plan.js';

const message = (offset: number): InboundMessage => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  key: null,
  value: Buffer.from('{}'),
  headers: {},
  timestamp: 0,
});
const batch = (first: number, last: number, skip: number[] = []) =>
  Array.from({ length: last - first + 1 }, (_, i) => first + i)
    .filter((o) => !skip.includes(o))
    .map(message);
const range = (first: number, last: number): OffsetRange => ({ first: BigInt(first), last: BigInt(last) });

/** The plan as `first-last:replay|new (message count)` strings. */
function shape(plan: WritePlan): string[] {
  return plan.segments.map(
    (s) => `${s.range.first}-${s.range.last}:${s.replay ? 'replay' : 'new'}(${s.messages.length})`,
  );
}

describe('planWrites', () => {
  it('a batch nobody wrote before is one new range', () => {
    const plan = planWrites(batch(100, 199), []);
    assert.deepEqual(shape(plan), ['100-199:new(100)']);
    assert.deepEqual(plan.partial, []);
  });

  it('replays recorded ranges exactly and writes only the rest anew, whatever the new boundaries', () => {
    // Before the crash: 100-149 and 150-199 recorded (150-199 perhaps never written). Now Kafka
    // hands over 100-299 in one go.
    const plan = planWrites(batch(100, 299), [range(100, 149), range(150, 199)]);
    assert.deepEqual(shape(plan), ['100-149:replay(50)', '150-199:replay(50)', '200-299:new(100)']);
  });

  it('messages between recorded ranges (a range that had nothing to write) form a new range', () => {
    const plan = planWrites(batch(100, 199), [range(100, 119), range(150, 199)]);
    assert.deepEqual(shape(plan), ['100-119:replay(20)', '120-149:new(30)', '150-199:replay(50)']);
  });

  it('ignores ranges that end before the batch', () => {
    assert.deepEqual(shape(planWrites(batch(100, 109), [range(0, 99)])), ['100-109:new(10)']);
  });

  it('keeps offset gaps (compaction, transaction markers) inside the recorded range', () => {
    const plan = planWrites(batch(100, 120, [105, 106]), [range(100, 110)]);
    assert.deepEqual(shape(plan), ['100-110:replay(9)', '111-120:new(10)']);
  });

  it('stops before a recorded range the batch ends inside of, for a later fetch to hold all of it', () => {
    const plan = planWrites(batch(50, 149), [range(20, 79), range(100, 199)]);
    assert.deepEqual(shape(plan), ['50-79:new(30)', '80-99:new(20)']);
    assert.deepEqual(plan.deferred, { range: range(100, 199), from: '100' });
    assert.deepEqual(plan.partial, [range(20, 79)], 'the batch starts inside 20-79: that one cannot wait');
    const atStart = planWrites(batch(100, 149), [range(100, 199)]);
    assert.deepEqual(shape(atStart), []);
    assert.deepEqual(atStart.deferred, { range: range(100, 199), from: '100' });
  });

  it('without deferral, writes what it has of such a range as a new range and reports it', () => {
    const plan = planWrites(batch(100, 149), [range(100, 199)], { defer: false });
    assert.deepEqual(shape(plan), ['100-149:new(50)']);
    assert.deepEqual(plan.partial, [range(100, 199)]);
    assert.equal(plan.deferred, undefined);
  });

  it('replays the same range the same way twice (the plan depends on offsets only)', () => {
    const intents = [range(10, 19), range(20, 24)];
    assert.deepEqual(shape(planWrites(batch(10, 40), intents)), shape(planWrites(batch(10, 40), intents)));
  });

  it('derives tokens from the range and the messages written', () => {
    const messages = batch(100, 104);
    assert.equal(dedupToken('t', 3, range(100, 149), messages), 't/3/100-149/100-104');
  });
});
