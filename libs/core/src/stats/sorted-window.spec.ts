import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { medianInPlace, quantileSelect } from './descriptive.js';
import { SeededRandom } from './random.js';
import { SortedWindow } from './sorted-window.js';

describe('SortedWindow', () => {
  it('slides like a window and gives exactly the selection-based median, quantiles and MAD', () => {
    const rng = new SeededRandom(17);
    for (const [size, draw] of [
      [360, () => Math.fround(rng.normal(100, 15))],
      [61, () => Math.fround(Math.floor(rng.next() * 5))], // many ties, MAD often 0
      [24, () => Math.fround(rng.next() < 0.9 ? 0 : rng.next() * 1e6)], // mostly zeros, heavy tail
      [7, () => Math.fround(rng.normal(0, 1))],
    ] as const) {
      const sorted = new SortedWindow(new Float32Array(size));
      const ring: number[] = [];
      for (let i = 0; i < 3_000; i++) {
        const x = draw();
        if (ring.length === size) sorted.replace(ring.shift()!, x);
        else sorted.insert(x);
        ring.push(x);
        if (i % 5 !== 0) continue;
        const n = ring.length;
        const reference = [...ring].sort((a, b) => a - b);
        assert.equal(sorted.size, n);
        for (let k = 0; k < n; k += Math.max(1, n >> 3)) assert.equal(sorted.at(k), reference[k]);
        const median = medianInPlace(Float64Array.from(ring), n);
        assert.equal(sorted.median(), median);
        for (const q of [0, 0.05, 0.5, 0.95, 1])
          assert.equal(sorted.quantile(q), quantileSelect(Float64Array.from(ring), q, n), `q ${q}`);
        for (const center of [median, reference[0]!, reference[n - 1]! + 1, draw()]) {
          const deviations = Float64Array.from(ring, (v) => Math.abs(v - center));
          assert.equal(sorted.medianDeviation(center), medianInPlace(deviations, n), `MAD around ${center}`);
        }
      }
      sorted.clear();
      assert.equal(sorted.size, 0);
      assert.ok(Number.isNaN(sorted.median()));
    }
  });

  it('refuses what would corrupt it', () => {
    const sorted = new SortedWindow(new Float64Array(2));
    sorted.insert(1);
    sorted.insert(2);
    assert.throws(() => sorted.insert(3), RangeError);
    assert.throws(() => sorted.replace(5, 1), RangeError);
  });
});
