// Hostile requests for every query and path parameter of every GET route an OpenAPI document
// describes, so a route added later is fuzzed without touching the test: out-of-range and
// malformed instants, numbers past every limit, injection text, control and bidi characters,
// invalid percent-encoding and UTF-8, repeated and nested parameters, very long values, and
// cursors forged with out-of-range positions for every list.
import type { Schema, SchemaValidator } from './api-schema.js';
import { operations } from './api-schema.js';

export interface FuzzRequest {
  readonly operation: string;
  /** The parameter being fuzzed (its name as sent), and where it goes. */
  readonly parameter: string;
  readonly in: 'query' | 'path';
  /** Path and query, already percent-encoded (some on purpose wrongly). */
  readonly target: string;
}

const enc = encodeURIComponent;

/** Values as they go on the wire (percent-encoded where that is the point). */
const VALUES: readonly string[] = [
  // calendar-independent: hostile values, refused, never stored
  '',
  '%20',
  '-1',
  '0',
  '1',
  '9999999',
  '10000000',
  '-9007199254740993',
  '9007199254740993',
  '8640000000000001',
  '-8640000000000001',
  '1e308',
  'NaN',
  'Infinity',
  '1970-01-01',
  '1970-01-02T00:00:00Z',
  '0001-01-01',
  '0000-00-00',
  '9999-12-31T23:59:59Z',
  '2026-02-30',
  '2026-13-01T25:61:61Z',
  '2026-11-02T12:00:00+99:99',
  'yesterday',
  enc("'; DROP TABLE incidents; --"),
  enc("\\' OR 1=1 --"),
  enc('{x:String}'),
  '%00',
  enc('a\nb'),
  enc('a\r\nX-Injected: 1'),
  enc('pay\u202ements'),
  '%ED%A0%80',
  '%FF%FE',
  '%',
  '%zz',
  enc(',,,'),
  enc('open,closed'),
  'x'.repeat(10_000),
];

/** Cursors that decode, belong to a list, and hold positions no page ever gave out. */
function forgedCursors(): string[] {
  const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const out: string[] = [];
  for (const l of ['incidents', 'changes', 'problems']) {
    for (const t of [-8.64e15, -1, 0, 9_999_999, 1e15, 8.64e15 + 1, 1e300, 1.5]) {
      out.push(cursor({ l, t, i: 'x' }), cursor({ l, o: t }));
    }
    out.push(cursor({ l, t: 1.7e12, i: 5 }), cursor({ l, o: '5' }), cursor({ l }), cursor({ l, o: null }));
  }
  out.push(
    cursor([]),
    cursor('x'),
    cursor(null),
    Buffer.from('\u0000\u00ff').toString('base64url'),
    'x'.repeat(5000),
  );
  return out;
}

interface Parameter {
  readonly name: string;
  readonly in: string;
}

/** Every hostile request for every GET operation of the document. */
export function fuzzRequests(document: Schema, validator: SchemaValidator): FuzzRequest[] {
  const out: FuzzRequest[] = [];
  for (const { method, path, operation } of operations(document)) {
    if (method !== 'get') continue;
    const parameters = ((operation.parameters as Schema[] | undefined) ?? []).map((p) =>
      typeof p.$ref === 'string'
        ? (validator.resolve(p.$ref) as unknown as Parameter)
        : (p as unknown as Parameter),
    );
    const name = `GET ${path}`;
    const concrete = path.replace(/\{(\w+)\}/g, 'no-such-id');
    for (const parameter of parameters) {
      if (parameter.in === 'path') {
        for (const value of [...VALUES.filter((v) => v !== ''), '..', '%2F', '%2E%2E%2F%2E%2E']) {
          out.push({
            operation: name,
            parameter: parameter.name,
            in: 'path',
            target: path.replace(`{${parameter.name}}`, value),
          });
        }
        continue;
      }
      const p = parameter.name;
      const values = p === 'cursor' ? [...VALUES, ...forgedCursors()] : VALUES;
      for (const value of values)
        out.push({ operation: name, parameter: p, in: 'query', target: `${concrete}?${p}=${value}` });
      for (const shape of [`${p}=a&${p}=b`, `${p}[]=a`, `${p}[x]=y`, `${p}[__proto__]=y`, `${p}`]) {
        out.push({ operation: name, parameter: p, in: 'query', target: `${concrete}?${shape}` });
      }
    }
  }
  return out;
}
