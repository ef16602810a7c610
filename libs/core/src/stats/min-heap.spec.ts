import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MinHeap } from './min-heap.js';
import { SeededRandom } from './random.js';

describe('MinHeap', () => {
  it('pops in sorted order, interleaved with pushes, like a sorted reference', () => {
    const rng = new SeededRandom(3);
    const heap = new MinHeap<number>((a, b) => a - b);
    const reference: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      if (rng.next() < 0.6 || reference.length === 0) {
        const v = Math.floor(rng.next() * 100); // many ties
        heap.push(v);
        reference.push(v);
        reference.sort((a, b) => a - b);
      } else {
        assert.equal(heap.peek(), reference[0]);
        assert.equal(heap.pop(), reference.shift());
      }
      assert.equal(heap.size, reference.length);
    }
    while (reference.length > 0) assert.equal(heap.pop(), reference.shift());
    assert.equal(heap.pop(), undefined);
    assert.equal(heap.peek(), undefined);
  });
});
