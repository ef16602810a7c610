import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '#observability';
import { anIncident } from '#testing';
import { webhookRequest } from './channels.js';
import { DEFAULT_DELIVERY, DeliveryQueue } from './delivery.js';

describe('notification deliveries', () => {
  let server: Server;
  let url: string;
  const received: { key: string; body: { incident: { id: string; version: number } } }[] = [];
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
    for (let v = 1; v <= 3; v++)
      notifier.enqueue(`inc-1/${v}`, webhookRequest(url, anIncident({ version: v })));
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
    notifier.enqueue('inc-1/1', webhookRequest(url, anIncident()));
    await notifier.drain();
    assert.equal(received.length, 1);
    assert.deepEqual([notifier.stats.delivered, notifier.stats.dropped, notifier.stats.retried], [0, 1, 0]);
    status = 200;
    await notifier.close();
  });
});
