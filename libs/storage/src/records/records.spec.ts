import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyContent, isDeadLetterRecord } from '#contracts';
import { aChange, aChangeContent, aDeadLetter, aTelemetryBatch, FIXTURE_T0, T0 } from '#testing';
import { fromChangeRow, toChangeRow, type StoredChangeRow } from './change.record.js';
import { dbBool, dbInt, dbTime, dbTimeOrNull } from './db-values.js';
import {
  deadLetterRowFromEvent,
  deadLetterRowFromRaw,
  deadLetterRowFromRecord,
  fromDeadLetterRow,
  UNREADABLE_DEAD_LETTER,
} from './dead-letter.record.js';
import { eventTable, recordableEvents } from './event-rows.js';
import { toTelemetryPointRows } from './telemetry.record.js';

const source = { topic: 't', partition: 1, offset: '7', timestamp: T0 + 1 };

describe('db values', () => {
  it('reads ClickHouse times, 64-bit integers and booleans', () => {
    assert.equal(dbTime('2026-11-02 12:00:00.250'), FIXTURE_T0 + 250);
    assert.equal(dbTime('2026-11-02T12:00:00.250Z'), FIXTURE_T0 + 250);
    assert.equal(dbTime(String(T0)), T0);
    assert.equal(dbTimeOrNull(null), null);
    assert.throws(() => dbTime('yesterday'), /not a ClickHouse time/);
    assert.equal(dbInt('9007199254740991'), Number.MAX_SAFE_INTEGER);
    assert.equal(dbBool(1), true);
    assert.equal(dbBool(false), false);
  });
});

describe('row mappings', () => {
  it('a change and its row map both ways, pipeline evidence and content absent or all unknown kept apart', () => {
    for (const change of [
      aChange(),
      aChange({ pipeline: null }),
      aChange({ content: aChangeContent() }),
      aChange({ content: emptyContent() }),
      aChange({
        pipeline: {
          name: null,
          runId: null,
          url: null,
          testsPassed: null,
          testsRun: null,
          testsFailed: null,
        },
      }),
    ]) {
      const row = toChangeRow(change, source);
      const stored = {
        ...row,
        started_at: new Date(change.startedAt).toISOString().replace('T', ' ').replace('Z', ''),
        finished_at: row.finished_at === null ? null : String(row.finished_at),
        commit_at: row.commit_at === null ? null : String(row.commit_at),
        recorded_at: String(row.recorded_at),
      } as StoredChangeRow;
      assert.deepEqual(fromChangeRow(stored), change);
    }
  });

  it('a telemetry batch is one row per point, with the batch’s service, environment and resource', () => {
    const rows = toTelemetryPointRows(aTelemetryBatch({ resource: { host: 'h1' } }));
    assert.deepEqual(rows, [
      {
        service: 'checkout',
        metric: 'http_request_duration_p95',
        environment: 'production',
        labels: {},
        ts: T0,
        value: 0.12,
        unit: 's',
        resource: { host: 'h1' },
      },
    ]);
  });

  it('every event the recorder records has a table', () => {
    for (const event of recordableEvents()) assert.match(eventTable(event), /^[a-z_]+$/);
    assert.equal(eventTable('dead-letter'), 'dead_letters');
  });
});

describe('dead letters', () => {
  const record = {
    reason: 'not valid JSON',
    code: 'decode.json',
    groupId: 'aftershock-ingest',
    topic: 'raw.github',
    partition: 2,
    offset: '17',
    timestamp: T0,
    key: Buffer.from('k').toString('base64'),
    value: Buffer.from('{"a":').toString('base64'),
    headers: {
      'content-type': Buffer.from('application/json').toString('base64'),
      bin: Buffer.from([0xff]).toString('base64'),
    },
    deadLetteredAt: new Date(T0 + 5).toISOString(),
  };

  it('maps the messaging dead-letter record: id from its origin, header bytes as text', () => {
    assert.ok(isDeadLetterRecord(record));
    assert.ok(!isDeadLetterRecord({ ...record, groupId: undefined }));
    const row = deadLetterRowFromRecord(record);
    assert.equal(row.id, 'raw.github/2/17');
    assert.equal(row.received_at, T0 + 5);
    assert.equal(row.message_at, T0);
    assert.equal(row.app, 'aftershock-ingest');
    assert.deepEqual(row.headers, { 'content-type': 'application/json', bin: 'base64:/w==' });
    assert.equal(Buffer.from(row.value, 'base64').toString(), '{"a":');
  });

  it('gives HTTP input (no offset) a content id, the same for the same refusal', () => {
    const http = { ...record, partition: -1, offset: '-1' };
    assert.match(deadLetterRowFromRecord(http).id, /^raw\.github\/[0-9a-f]{32}$/);
    assert.equal(
      deadLetterRowFromRecord(http).id,
      deadLetterRowFromRecord({ ...http, deadLetteredAt: 'x' }).id,
    );
  });

  it('maps a DeadLetter event both ways', () => {
    const event = aDeadLetter();
    const row = deadLetterRowFromEvent(event);
    const stored = { ...row, received_at: String(row.received_at), message_at: null };
    assert.deepEqual(fromDeadLetterRow(stored), { ...event, messageAt: null });
    const noOrigin = aDeadLetter({ partition: null, offset: null, key: null, app: null });
    assert.deepEqual(
      fromDeadLetterRow({ ...deadLetterRowFromEvent(noOrigin), received_at: String(T0), message_at: null }),
      {
        ...noOrigin,
        messageAt: null,
      },
    );
  });

  it('keeps an unreadable message whole, with the reason', () => {
    const row = deadLetterRowFromRaw(
      {
        topic: 'dlq',
        partition: 0,
        offset: '3',
        timestamp: T0,
        key: null,
        value: Buffer.from([0]),
        headers: { a: Buffer.from('b') },
      },
      'unreadable',
    );
    assert.deepEqual(
      { id: row.id, code: row.code, reason: row.reason, value: row.value, headers: row.headers },
      {
        id: 'dlq/0/3',
        code: UNREADABLE_DEAD_LETTER,
        reason: 'unreadable',
        value: 'AA==',
        headers: { a: 'b' },
      },
    );
  });
});
