import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { silentLogger } from '#observability';
import { Readiness } from './readiness.js';
import { ShutdownSequence } from './shutdown.js';
import { DrainGate, RETRY_AFTER_S } from './drain-gate.js';

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

describe('DrainGate', () => {
  it('answers 503 with Retry-After once closed, and closing waits for writes already inside', async () => {
    const gate = new DrainGate();
    const server = createServer((request, response) =>
      gate.middleware(request, response, () => {
        // A write that takes a while to become durable.
        setTimeout(() => response.writeHead(202).end('accepted'), request.method === 'POST' ? 300 : 0);
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const inside = fetch(url, { method: 'POST', body: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    let closed = false;
    const closing = gate.close().then(() => (closed = true));
    const refused = await fetch(url, { method: 'POST', body: 'y' });
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), String(RETRY_AFTER_S));
    assert.equal(closed, false, 'still waiting for the write inside');
    assert.equal((await inside).status, 202);
    await closing;
    server.close();
  });
});
