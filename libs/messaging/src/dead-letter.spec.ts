import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDeadLetter, toDeadLetterMessage } from './dead-letter.js';
import type { InboundMessage } from './port.js';

describe('dead-letter records', () => {
  it('keep the original bytes and headers but never a credential header, in the record or on the message', () => {
    const credentials = {
      authorization: 'Bearer ingest-token-0123456789abcdef',
      'proxy-authorization': 'Basic dXNlcjpwYXNz',
      cookie: 'session=abc123',
      'x-api-key': 'key-0123456789',
      'x-auth-token': 'tok-0123456789',
      'x-gitlab-token': 'hook-secret',
      'x-amz-security-token': 'aws-session',
      'x-vault-token': 'hvs.0123',
      'private-token': 'glpat-0123',
      apikey: '0123',
      'x-session-id': 's-0123',
      'x-webhook-secret': 'shh',
      'x-client-password': 'pw',
    };
    const kept = {
      'content-type': 'application/json',
      'user-agent': 'Alertmanager/0.27.0',
      'x-github-event': 'deployment_status',
      'x-hub-signature-256': 'sha256=00',
      'x-aftershock-actor': 'ana',
      'idempotency-key': 'k-1',
    };
    const message: InboundMessage = {
      topic: 'http:/api/v1/ingest/alertmanager',
      partition: -1,
      offset: '-1',
      key: null,
      value: Buffer.from('{"version":"5"}'),
      headers: { ...credentials, ...kept },
      timestamp: 0,
    };
    const out = toDeadLetterMessage({ message, code: 'unsupported.version', reason: 'no' }, 'ingest');
    const record = parseDeadLetter({ ...message, value: Buffer.from(out.value as string), headers: {} });
    assert.deepEqual(Object.keys(record.headers).sort(), Object.keys(kept).sort());
    for (const name of Object.keys(credentials)) assert.ok(!(name in (out.headers ?? {})), name);
    const everything = JSON.stringify(out) + JSON.stringify(record);
    for (const secret of Object.values(credentials)) {
      assert.ok(!everything.includes(secret), `${secret} is not kept`);
      assert.ok(
        !everything.includes(Buffer.from(secret).toString('base64')),
        `${secret} is not kept in base64`,
      );
    }
    assert.equal(Buffer.from(record.value!, 'base64').toString(), '{"version":"5"}');
  });
});
