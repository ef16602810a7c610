import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCredentialName } from './credentials.js';
import { createLogger } from './logger.js';

describe('JSON logs', () => {
  it('write a credential as [redacted], at any depth, and keep everything else', () => {
    const lines: string[] = [];
    const logger = createLogger({ sink: (line) => lines.push(line) });
    logger.warn('webhook refused', {
      token: 'abc123',
      webhookToken: 's3cr3t',
      request: { headers: { authorization: 'Bearer xyz', accept: 'application/json' }, path: '/ingest' },
      attempts: [{ apiKey: 'k' }],
      service: 'checkout',
      error: new Error('401'),
    });
    const line = JSON.parse(lines[0]!);
    assert.equal(line.token, '[redacted]');
    assert.equal(line.webhookToken, '[redacted]');
    assert.equal(line.request.headers.authorization, '[redacted]');
    assert.equal(line.request.headers.accept, 'application/json');
    assert.equal(line.attempts[0].apiKey, '[redacted]');
    assert.equal(line.service, 'checkout');
    assert.equal(line.error.message, '401');
    assert.doesNotMatch(lines[0]!, /abc123|s3cr3t|xyz/);
  });

  it('tells credential names from ordinary ones', () => {
    for (const name of [
      'Authorization',
      'x-api-key',
      'GITHUB_WEBHOOK_SECRET',
      'sessionId',
      'password',
      'apiKey',
    ])
      assert.ok(isCredentialName(name), name);
    for (const name of ['service', 'authorName', 'tokenizer', 'accept', 'keys', 'author'])
      assert.ok(!isCredentialName(name), name);
  });
});
