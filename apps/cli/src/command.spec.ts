import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from './command.js';

describe('parseArgs', () => {
  it('separates positional arguments, valued options and flags', () => {
    assert.deepEqual(parseArgs(['events.ndjson', '--port', '9000', '--data-dir=/tmp/x', '--json']), {
      positional: ['events.ndjson'],
      options: { port: '9000', 'data-dir': '/tmp/x', json: 'true' },
    });
  });
});
