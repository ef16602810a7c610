import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DoraFigures } from '#core';
import { withBand } from './dora.service.js';

const figures = (bands: DoraFigures['bands']) => ({ bands }) as DoraFigures;

describe('the overall DORA band', () => {
  it('is the median of the known bands, the worse middle one when their number is even', () => {
    const cases: [DoraFigures['bands'], string | null][] = [
      [
        { deploymentFrequency: 'elite', leadTime: 'high', changeFailureRate: 'elite', timeToRestore: 'low' },
        'high',
      ],
      [
        { deploymentFrequency: 'elite', leadTime: null, changeFailureRate: 'high', timeToRestore: null },
        'high',
      ],
      [
        { deploymentFrequency: 'medium', leadTime: null, changeFailureRate: null, timeToRestore: null },
        'medium',
      ],
      [
        { deploymentFrequency: 'elite', leadTime: 'elite', changeFailureRate: 'low', timeToRestore: null },
        'elite',
      ],
    ];
    for (const [bands, band] of cases)
      assert.equal(withBand(figures(bands)).band, band, JSON.stringify(bands));
  });
});
