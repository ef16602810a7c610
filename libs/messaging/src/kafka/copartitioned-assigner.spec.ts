import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { copartition } from './copartitioned-assigner.js';

describe('copartition', () => {
  it('gives partition p of every topic to the same member, spread evenly', () => {
    const topics = new Map([
      ['alerts', [5, 3, 1, 0, 2, 4]], // metadata order is not partition order
      ['telemetry', [0, 1, 2, 3, 4, 5]],
      ['commands', [4, 0, 2, 1, 5, 3]],
    ]);
    const assignment = copartition(['m-b', 'm-c', 'm-a'], topics);
    assert.deepEqual(assignment.get('m-a'), { alerts: [0, 3], telemetry: [0, 3], commands: [0, 3] });
    assert.deepEqual(assignment.get('m-b'), { alerts: [1, 4], telemetry: [1, 4], commands: [1, 4] });
    assert.deepEqual(assignment.get('m-c'), { alerts: [2, 5], telemetry: [2, 5], commands: [2, 5] });
  });

  it('with more members than partitions, the last ones get nothing', () => {
    const assignment = copartition(['a', 'b', 'c'], new Map([['t', [0, 1]]]));
    assert.deepEqual(assignment.get('a'), { t: [0] });
    assert.deepEqual(assignment.get('b'), { t: [1] });
    assert.deepEqual(assignment.get('c'), {});
  });

  it('with four members and six partitions, every topic is split the same way', () => {
    const topics = new Map([
      ['x', [0, 1, 2, 3, 4, 5]],
      ['y', [0, 1, 2, 3, 4, 5]],
    ]);
    for (const share of copartition(['1', '2', '3', '4'], topics).values())
      assert.deepEqual(share.x, share.y);
  });
});
