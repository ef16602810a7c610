import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClickHouseError } from '@clickhouse/client';
import { classifyChdbError } from './chdb/chdb-store.js';
import { classifyHttpError } from './http/http-store.js';
import { StoreError } from './port.js';
import { clickHouseErrorName, isTransientClickHouseError, storeError } from './store-errors.js';

describe('transient ClickHouse errors', () => {
  it('knows overload and network errors by number and by name', () => {
    assert.equal(isTransientClickHouseError(252), true);
    assert.equal(isTransientClickHouseError('252'), true);
    assert.equal(isTransientClickHouseError('TOO_MANY_PARTS'), true);
    assert.equal(isTransientClickHouseError(62), false);
    assert.equal(isTransientClickHouseError('SYNTAX_ERROR'), false);
    assert.equal(isTransientClickHouseError(undefined), false);
  });

  it('reads the error name ClickHouse appends to a message', () => {
    assert.equal(
      clickHouseErrorName('Code: 252. DB::Exception: Too many parts (300). (TOO_MANY_PARTS)'),
      'TOO_MANY_PARTS',
    );
    assert.equal(
      clickHouseErrorName('Code: 62. Syntax error (SYNTAX_ERROR) (version 25.8.1.1)'),
      'SYNTAX_ERROR',
    );
    assert.equal(clickHouseErrorName('no name here'), undefined);
  });
});

describe('driver error classification', () => {
  it('chDB: by the engine code, else closed sessions and timeouts are transient', () => {
    const parts = Object.assign(new Error('Code: 252. DB::Exception: Too many parts. (TOO_MANY_PARTS)'), {
      code: 'CHDB_QUERY',
      clickhouseCode: 252,
    });
    assert.deepEqual(classifyChdbError(parts), { transient: true, code: 'TOO_MANY_PARTS' });
    const syntax = Object.assign(new Error('Code: 62. DB::Exception: Syntax error. (SYNTAX_ERROR)'), {
      code: 'CHDB_SYNTAX',
      clickhouseCode: 62,
    });
    assert.deepEqual(classifyChdbError(syntax), { transient: false, code: 'SYNTAX_ERROR' });
    assert.deepEqual(classifyChdbError(Object.assign(new Error('closed'), { code: 'CHDB_CLOSED' })), {
      transient: true,
      code: 'CHDB_CLOSED',
    });
    assert.equal(classifyChdbError(Object.assign(new Error('bad'), { code: 'CHDB_BIND' })).transient, false);
  });

  it('HTTP: server errors by code, sockets and timeouts as transient', () => {
    const parts = new ClickHouseError({ message: 'Too many parts', code: '252', type: 'TOO_MANY_PARTS' });
    assert.deepEqual(classifyHttpError(parts), { transient: true, code: 'TOO_MANY_PARTS' });
    const unknown = new ClickHouseError({ message: 'Unknown table', code: '60', type: 'UNKNOWN_TABLE' });
    assert.deepEqual(classifyHttpError(unknown), { transient: false, code: 'UNKNOWN_TABLE' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
    assert.deepEqual(classifyHttpError(refused), { transient: true, code: 'ECONNREFUSED' });
    const wrapped = new Error('request failed', {
      cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
    });
    assert.equal(classifyHttpError(wrapped).transient, true);
    assert.equal(classifyHttpError(new Error('Timeout error.')).transient, true);
    assert.equal(classifyHttpError(new TypeError('values is not iterable')).transient, false);
  });

  it('storeError keeps StoreErrors and names what failed', () => {
    const original = new StoreError('x', true);
    assert.equal(storeError(original, 'query', classifyChdbError), original);
    const wrapped = storeError(new Error('boom'), 'insert into t', () => ({ transient: false }));
    assert.equal(wrapped.message, 'insert into t failed: boom');
    assert.equal(wrapped.transient, false);
  });
});
