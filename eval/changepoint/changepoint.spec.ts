// The change point evaluation end to end on generated data in TCPD's layout: written to a
// folder, read back, every series replayed through the detector and scored against the zero
// method on the same series.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../libs/core/src/stats/random.js';
import { binseg } from './binseg.js';
import { writeDataset } from './generate.js';
import { means, scoreSeries } from './run.js';
import { loadChangepointData } from './tcpd.js';

describe('change point evaluation', () => {
  it('scores the detector above predicting no change on generated TCPD-layout series', () => {
    const dir = mkdtempSync(join(tmpdir(), 'changepoints-'));
    try {
      writeDataset(dir, 5_000_001, 12);
      const series = loadChangepointData(join(dir, 'datasets'));
      assert.equal(series.length, 12);
      const m = means(series.map((s) => scoreSeries(s, {}, 5)));
      assert.ok(m.detections > 0);
      assert.ok(m.f1 > m.zeroF1 + 0.05, `F1 ${m.f1} against zero ${m.zeroF1}`);
      assert.ok(m.cover > m.zeroCover, `cover ${m.cover} against zero ${m.zeroCover}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('binary segmentation (the reference)', () => {
  it('finds a mean shift and a change of variance where they are, and nothing in plain noise', () => {
    const rng = new SeededRandom(7);
    const noise = Array.from({ length: 400 }, () => rng.normal(0, 1));
    assert.deepEqual(binseg(noise), []);
    const shifted = noise.map((v, i) => v + (i >= 150 ? 3 : 0) + (i >= 300 ? 5 * v : 0));
    const found = binseg(shifted);
    assert.equal(found.length, 2, `${found}`);
    assert.ok(Math.abs(found[0]! - 150) <= 2 && Math.abs(found[1]! - 300) <= 5, `${found}`);
  });
});
