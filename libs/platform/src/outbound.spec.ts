import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '#observability';
import { callWithRetries, DEFAULT_DELIVERY, DeliveryQueue, OutboundError } from './outbound.js';

describe('outbound deliveries', () => {
  let server: Server;
  let url: string;
  const received: { key: string; body: { version: number } }[] = [];
  let failuresLeft = 0;
  let status = 200;

  before(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (failuresLeft > 0) {
          failuresLeft--;
          res.statusCode = 503;
          return res.end();
        }
        received.push({ key: String(req.headers['idempotency-key']), body: JSON.parse(body) });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  });
  after(() => server.close());

  it('delivers every request, retrying through receiver outages, each with its idempotency key', async () => {
    received.length = 0;
    failuresLeft = 3;
    const notifier = new DeliveryQueue(
      { ...DEFAULT_DELIVERY, initialDelayMs: 10, maxDelayMs: 50 },
      silentLogger,
    );
    for (let v = 1; v <= 3; v++) notifier.enqueue(`inc-1/${v}`, { url, body: { version: v } });
    await notifier.drain();
    assert.deepEqual(received.map((r) => r.key).sort(), ['inc-1/1', 'inc-1/2', 'inc-1/3']);
    assert.equal(notifier.stats.delivered, 3);
    assert.ok(notifier.stats.retried >= 3);
    await notifier.close();
  });

  it('does not retry a payload the receiver refuses with a 4xx', async () => {
    received.length = 0;
    status = 400;
    const notifier = new DeliveryQueue({ ...DEFAULT_DELIVERY, initialDelayMs: 10 }, silentLogger);
    notifier.enqueue('inc-1/1', { url, body: { version: 1 } });
    await notifier.drain();
    assert.equal(received.length, 1);
    assert.deepEqual([notifier.stats.delivered, notifier.stats.dropped, notifier.stats.retried], [0, 1, 0]);
    status = 200;
    await notifier.close();
  });

  it('retries a call through 5xx until it succeeds, and gives up on a refusal at once', async () => {
    received.length = 0;
    failuresLeft = 2;
    const options = { maxAttempts: 4, initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 1_000 };
    const ok = await callWithRetries({ url, body: { version: 7 } }, options, silentLogger);
    assert.equal(ok.status, 200);
    assert.deepEqual(
      received.map((r) => r.body.version),
      [7],
    );
    failuresLeft = 9;
    const exhausted = await callWithRetries({ url, body: {} }, options, silentLogger).catch(
      (e: unknown) => e,
    );
    assert.ok(exhausted instanceof OutboundError && !exhausted.refused && exhausted.attempts === 4);
    failuresLeft = 0;
    status = 400;
    const refused = await callWithRetries({ url, body: {} }, options, silentLogger).catch((e: unknown) => e);
    assert.ok(refused instanceof OutboundError && refused.refused && refused.attempts === 1);
    status = 200;
  });
});
