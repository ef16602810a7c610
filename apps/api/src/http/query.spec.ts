// Query parameters are checked at the edge: whatever a caller writes in a range, a name or a
// cursor is a 400 naming the parameter, or a value every query can take — never a query that
// fails in the store (a 500).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from './api-error.js';
import { encodeCursor, parseName, parseOffsetCursor, parseRange } from './query.js';

const NOW = Date.UTC(2026, 10, 2, 12);
const DAY = 86_400_000;

function refusedField(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.getStatus(), 400);
    return (error.getResponse() as { error: { field?: string } }).error.field;
  }
  assert.fail('expected a 400');
}

describe('time ranges', () => {
  it('refuse instants outside 2000-01-01 … 2199-12-31, naming the parameter', () => {
    const cases: [Record<string, string>, string][] = [
      [{ from: '1970-01-01', to: '1970-01-02' }, 'from'],
      [{ from: '9999999' }, 'from'],
      [{ to: '9999999' }, 'to'],
      [{ from: '-1' }, 'from'],
      [{ from: '0' }, 'from'],
      [{ to: '-8640000000000000' }, 'to'],
      [{ from: '9007199254740991' }, 'from'],
      [{ to: '8640000000000000' }, 'to'],
      [{ from: '0001-01-01' }, 'from'],
      [{ to: '9999-12-31T23:59:59Z' }, 'to'],
      [{ from: '2200-01-01' }, 'from'],
    ];
    for (const [query, field] of cases) {
      assert.equal(
        refusedField(() => parseRange(query, NOW, 7 * DAY)),
        field,
        JSON.stringify(query),
      );
    }
  });

  it('take any instant in that span, ISO or epoch milliseconds', () => {
    assert.deepEqual(parseRange({ from: '2000-01-01', to: '2199-12-31T23:59:59.999Z' }, NOW, DAY), {
      from: Date.UTC(2000, 0, 1),
      to: Date.UTC(2200, 0, 1) - 1,
      explicit: true,
    });
    assert.equal(parseRange({ from: String(NOW - DAY) }, NOW, DAY).from, NOW - DAY);
    assert.deepEqual(parseRange({}, NOW, DAY), { from: NOW - DAY, to: NOW, explicit: false });
  });
});

describe('names and cursors', () => {
  it('refuse control and bidi characters in names', () => {
    for (const name of ['pay\u0000ments', 'pay\nments', 'pay\u202ements', 'pay\ud800']) {
      assert.equal(
        refusedField(() => parseName({ service: name }, 'service')),
        'service',
      );
    }
    assert.equal(parseName({ service: ' payments ' }, 'service'), 'payments');
  });

  it('refuse forged offset cursors', () => {
    for (const o of [-1, 1.5, 1e12, Number.MAX_SAFE_INTEGER + 2, '3']) {
      const cursor = encodeCursor('incidents', { o } as Record<string, number>);
      assert.equal(
        refusedField(() => parseOffsetCursor({ cursor }, 'incidents')),
        'cursor',
        String(o),
      );
    }
    assert.equal(parseOffsetCursor({ cursor: encodeCursor('incidents', { o: 50 }) }, 'incidents'), 50);
  });
});
