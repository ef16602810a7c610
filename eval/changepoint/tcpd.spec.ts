// The TCPD metrics against the examples in TCPDBench's own metrics.py, and the reader on a
// folder in TCPD's layout.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { coverSingle, covering, fMeasure, loadChangepointData, partition, truePositives } from './tcpd.js';

const seg = (sets: number[][]) => sets.map((s) => [s[0]!, s.at(-1)! + 1] as [number, number]);

describe('TCPD metrics', () => {
  it('match predictions to annotations once each, nearest first', () => {
    assert.deepEqual(
      [...truePositives([1, 10, 20, 23], [3, 8, 20])].sort((a, b) => a - b),
      [1, 10, 20],
    );
    assert.deepEqual(
      [...truePositives([1, 10, 20, 23], [1, 3, 5, 8, 20])].sort((a, b) => a - b),
      [1, 10, 20],
    );
    assert.equal(truePositives([], [1, 2, 3]).size, 0);
    assert.equal(truePositives([1, 2, 3], []).size, 0);
  });

  it('F1 with the start as a change point everywhere', () => {
    assert.equal(fMeasure({ 1: [10, 20], 2: [11, 20], 3: [10], 4: [0, 5] }, [10, 20]).f1, 1);
    assert.ok(Math.abs(fMeasure({ 1: [], 2: [10], 3: [50] }, [10]).f1 - 0.9090909090909091) < 1e-12);
    assert.ok(Math.abs(fMeasure({ 1: [], 2: [10], 3: [50] }, []).f1 - 0.8) < 1e-12);
  });

  it('partitions and covering', () => {
    assert.deepEqual(partition([], 5), [[0, 5]]);
    assert.deepEqual(partition([3, 5], 8), [
      [0, 3],
      [3, 5],
      [5, 8],
    ]);
    assert.deepEqual(partition([1, 2, 7], 8), [
      [0, 1],
      [1, 2],
      [2, 7],
      [7, 8],
    ]);
    assert.deepEqual(partition([0, 4], 6), [
      [0, 4],
      [4, 6],
    ]);
    const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);
    close(
      coverSingle(
        seg([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        seg([[1, 2, 3], [4, 5], [6]]),
      ),
      0.8333333333333334,
    );
    close(
      coverSingle(
        seg([[1, 2, 3, 4, 5, 6]]),
        seg([
          [1, 2, 3, 4],
          [5, 6],
        ]),
      ),
      0.6666666666666666,
    );
    close(
      coverSingle(
        seg([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        seg([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      ),
      0.6666666666666666,
    );
    close(coverSingle(seg([[1], [2], [3], [4, 5, 6]]), seg([[1, 2, 3, 4, 5, 6]])), 0.3333333333333333);
    close(covering({ 1: [10, 20], 2: [10], 3: [0, 5] }, [10, 20], 45), 0.7962962962962963);
    close(covering({ 1: [], 2: [10], 3: [40] }, [10], 45), 0.7954144620811286);
    close(covering({ 1: [], 2: [10], 3: [40] }, [], 45), 0.8189300411522634);
  });
});

describe('TCPD layout reader', () => {
  it('reads series files, NaN values and a shared annotations.json; refuses a series without annotations', () => {
    const root = mkdtempSync(join(tmpdir(), 'tcpd-'));
    try {
      mkdirSync(join(root, 'datasets', 'a'), { recursive: true });
      writeFileSync(
        join(root, 'datasets', 'a', 'a.json'),
        '{"name": "a", "n_obs": 3, "time": {"index": [0, 1, 2], "raw": ["2000-01", "2000-02", "2000-03"]},' +
          ' "series": [{"label": "V1", "raw": [1.5, NaN, 2]}]}',
      );
      writeFileSync(join(root, 'annotations.json'), JSON.stringify({ a: { 6: [1], 7: [] } }));
      const [a] = loadChangepointData(join(root, 'datasets'));
      assert.equal(a!.name, 'a');
      assert.deepEqual(a!.dimensions, [[1.5, NaN, 2]]);
      assert.deepEqual(a!.annotations, { 6: [1], 7: [] });
      assert.equal(a!.times![1]! - a!.times![0]!, 31 * 86_400_000);
      writeFileSync(join(root, 'annotations.json'), JSON.stringify({ b: { 1: [] } }));
      assert.throws(() => loadChangepointData(join(root, 'datasets')), /no annotations for a/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
