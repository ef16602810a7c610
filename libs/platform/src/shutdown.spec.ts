import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '#observability';
import { Readiness } from './readiness.js';
import { ShutdownSequence } from './shutdown.js';

describe('ShutdownSequence', () => {
  it('runs phases in order whatever the registration order, and each step once', async () => {
    const sequence = new ShutdownSequence(silentLogger);
    const ran: string[] = [];
    sequence.register('disconnect', 'bus', () => void ran.push('disconnect bus'));
    sequence.register('flush', 'writer', async () => void ran.push('flush writer'));
    sequence.register('stop-intake', 'consumer', () => void ran.push('stop consumer'));
    sequence.register('commit', 'offsets', () => void ran.push('commit offsets'));
    sequence.register('drain', 'batches', () => void ran.push('drain batches'));
    await Promise.all([sequence.run(), sequence.run()]);
    assert.deepEqual(ran, [
      'stop consumer',
      'drain batches',
      'flush writer',
      'commit offsets',
      'disconnect bus',
    ]);
  });

  it('keeps going when a step fails', async () => {
    const sequence = new ShutdownSequence(silentLogger);
    const ran: string[] = [];
    sequence.register('flush', 'broken', () => {
      throw new Error('disk full');
    });
    sequence.register('disconnect', 'bus', () => void ran.push('disconnect'));
    await sequence.run();
    assert.deepEqual(ran, ['disconnect']);
  });
});

describe('Readiness', () => {
  it('is ready only when every check passes, and a throwing check counts as not ready', async () => {
    const readiness = new Readiness();
    readiness.add('bus', () => true);
    assert.deepEqual(await readiness.report(), { ready: true, checks: { bus: true } });
    readiness.add('store', async () => {
      throw new Error('connection refused');
    });
    assert.deepEqual(await readiness.report(), { ready: false, checks: { bus: true, store: false } });
  });
});
