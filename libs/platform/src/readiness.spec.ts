import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Readiness } from './readiness.js';

describe('readiness', () => {
  it('is ready when every check passes, and names the one that does not', async () => {
    const readiness = new Readiness();
    readiness.add('bus', () => true);
    readiness.add('clickhouse', async () => false);
    readiness.add('broken', () => {
      throw new Error('no connection');
    });
    assert.deepEqual(await readiness.report(), {
      ready: false,
      checks: { bus: true, clickhouse: false, broken: false },
    });
  });

  it('counts a check that never answers as failed, rather than hang the probe', async () => {
    const readiness = new Readiness(20);
    readiness.add('bus', () => true);
    readiness.add('clickhouse', () => new Promise<boolean>(() => undefined));
    assert.deepEqual(await readiness.report(), { ready: false, checks: { bus: true, clickhouse: false } });
  });
});
