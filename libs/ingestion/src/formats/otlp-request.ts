// Reads an OTLP ExportMetricsServiceRequest — parsed OTLP/JSON, or the object the protobuf
// decoder produces — into a small typed model, checking every field it uses. The OTLP/JSON
// rules (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): lowerCamelCase
// keys, 64-bit integers as decimal strings (numbers accepted too), enums as integers, doubles as
// numbers or "NaN"/"Infinity"/"-Infinity", fields at their default value may be left out, and
// unknown fields are ignored. A field of the wrong type is refused with a DecodeError whose
// `field` is the JSON path, e.g. `resourceMetrics[0].scopeMetrics[0].metrics[3].sum.dataPoints[1].timeUnixNano`.
import { DecodeError } from '#contracts';

export type Attributes = Record<string, string>;

export interface OtlpRequest {
  readonly resourceMetrics: readonly OtlpResourceMetrics[];
}

export interface OtlpResourceMetrics {
  readonly path: string;
  readonly attributes: Attributes;
  readonly scopes: readonly OtlpScopeMetrics[];
}

export interface OtlpScopeMetrics {
  readonly path: string;
  readonly name: string;
  readonly version: string;
  readonly metrics: readonly OtlpMetric[];
}

export const TEMPORALITY_DELTA = 1;
export const TEMPORALITY_CUMULATIVE = 2;
export type Temporality = typeof TEMPORALITY_DELTA | typeof TEMPORALITY_CUMULATIVE;

/** Bit 0 of `flags`: the point has no recorded value (the series went stale). */
export const FLAG_NO_RECORDED_VALUE = 1;

export interface PointBase {
  readonly path: string;
  readonly attributes: Attributes;
  /** Nanoseconds since the epoch; 0n when not set. */
  readonly startNs: bigint;
  readonly timeNs: bigint;
  readonly flags: number;
}

export interface NumberPoint extends PointBase {
  /** Undefined when neither asDouble nor asInt is set (an invalid point). */
  readonly value: number | undefined;
}

export interface HistogramPoint extends PointBase {
  readonly count: number;
  readonly sum: number | undefined;
  readonly bucketCounts: readonly number[];
  readonly explicitBounds: readonly number[];
  readonly min: number | undefined;
  readonly max: number | undefined;
}

export interface ExpBuckets {
  readonly offset: number;
  readonly counts: readonly number[];
}

export interface ExpHistogramPoint extends PointBase {
  readonly count: number;
  readonly sum: number | undefined;
  readonly scale: number;
  readonly zeroCount: number;
  readonly zeroThreshold: number;
  readonly positive: ExpBuckets;
  readonly negative: ExpBuckets;
  readonly min: number | undefined;
  readonly max: number | undefined;
}

export interface SummaryPoint extends PointBase {
  readonly count: number;
  readonly sum: number;
  readonly quantiles: readonly { readonly quantile: number; readonly value: number }[];
}

export type OtlpMetricData =
  | { readonly kind: 'gauge'; readonly points: readonly NumberPoint[] }
  | {
      readonly kind: 'sum';
      readonly temporality: Temporality;
      readonly monotonic: boolean;
      readonly points: readonly NumberPoint[];
    }
  | {
      readonly kind: 'histogram';
      readonly temporality: Temporality;
      readonly points: readonly HistogramPoint[];
    }
  | {
      readonly kind: 'exponentialHistogram';
      readonly temporality: Temporality;
      readonly points: readonly ExpHistogramPoint[];
    }
  | { readonly kind: 'summary'; readonly points: readonly SummaryPoint[] };

export interface OtlpMetric {
  readonly path: string;
  readonly name: string;
  readonly unit: string;
  /** Undefined for a metric with no data (pdata's "empty" metric type). */
  readonly data: OtlpMetricData | undefined;
}

/** Attribute values nest (arrays, key-value lists); deeper than this is refused. */
const MAX_VALUE_DEPTH = 16;
/** Exponential histogram scales the specification allows. */
const MIN_SCALE = -10;
const MAX_SCALE = 20;

type Obj = Record<string, unknown>;

function invalid(path: string, reason: string): never {
  throw new DecodeError('otlp.invalid-field', reason, path || '(root)');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** Null and undefined both mean "not set" (protobuf JSON treats null as the default). */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function object(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(path, `expected an object, got ${describe(value)}`);
  }
  return value as Obj;
}

function optionalObject(parent: Obj, key: string, path: string): Obj | undefined {
  const value = parent[key];
  return isSet(value) ? object(value, join(path, key)) : undefined;
}

function array(parent: Obj, key: string, path: string): unknown[] {
  const value = parent[key];
  if (!isSet(value)) return [];
  if (!Array.isArray(value)) invalid(join(path, key), `expected an array, got ${describe(value)}`);
  return value;
}

function string(parent: Obj, key: string, path: string): string {
  const value = parent[key];
  if (!isSet(value)) return '';
  if (typeof value !== 'string') invalid(join(path, key), `expected a string, got ${describe(value)}`);
  return value;
}

function boolean(parent: Obj, key: string, path: string): boolean {
  const value = parent[key];
  if (!isSet(value)) return false;
  if (typeof value !== 'boolean') invalid(join(path, key), `expected true or false, got ${describe(value)}`);
  return value;
}

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** A 64-bit integer: a decimal string (OTLP/JSON) or an integral number. */
function bigInteger(value: unknown, path: string, signed: boolean): bigint {
  let result: bigint;
  if (typeof value === 'string' && (signed ? /^-?\d{1,20}$/ : /^\d{1,20}$/).test(value))
    result = BigInt(value);
  else if (typeof value === 'number' && Number.isSafeInteger(value)) result = BigInt(value);
  else invalid(path, `expected a ${signed ? '' : 'non-negative '}64-bit integer, got ${describe(value)}`);
  if (signed ? result < INT64_MIN || result > INT64_MAX : result < 0n || result > UINT64_MAX) {
    invalid(path, `${String(value)} does not fit in ${signed ? 'a signed' : 'an unsigned'} 64-bit integer`);
  }
  return result;
}

function uint64(parent: Obj, key: string, path: string): bigint {
  const value = parent[key];
  return isSet(value) ? bigInteger(value, join(path, key), false) : 0n;
}

/** A count (fixed64/uint64) as a number: exact up to 2^53, which no real count reaches. */
function count(parent: Obj, key: string, path: string): number {
  return Number(uint64(parent, key, path));
}

function int32(parent: Obj, key: string, path: string, unsigned: boolean): number {
  const value = parent[key];
  if (!isSet(value)) return 0;
  const n = typeof value === 'string' && /^-?\d{1,11}$/.test(value) ? Number(value) : value;
  const ok =
    typeof n === 'number' &&
    Number.isInteger(n) &&
    (unsigned ? n >= 0 && n <= 0xffffffff : n >= -0x80000000 && n <= 0x7fffffff);
  if (!ok) invalid(join(path, key), `expected a ${unsigned ? 'uint32' : 'int32'}, got ${describe(value)}`);
  return n as number;
}

/** A double: a number, or the proto3 JSON strings for non-finite and numeric values. */
function double(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return NaN;
    if (value === 'Infinity') return Infinity;
    if (value === '-Infinity') return -Infinity;
    if (/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) return Number(value);
  }
  invalid(path, `expected a number, got ${describe(value)}`);
}

function optionalDouble(parent: Obj, key: string, path: string): number | undefined {
  const value = parent[key];
  return isSet(value) ? double(value, join(path, key)) : undefined;
}

const TEMPORALITY_NAMES: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: TEMPORALITY_DELTA,
  AGGREGATION_TEMPORALITY_CUMULATIVE: TEMPORALITY_CUMULATIVE,
};

function temporality(parent: Obj, path: string): Temporality {
  const value = parent['aggregationTemporality'];
  const n = typeof value === 'string' ? TEMPORALITY_NAMES[value] : value;
  if (n === TEMPORALITY_DELTA || n === TEMPORALITY_CUMULATIVE) return n;
  invalid(
    join(path, 'aggregationTemporality'),
    `must be 1 (delta) or 2 (cumulative), got ${isSet(value) ? describe(value) : 'none (unspecified)'}`,
  );
}

const ANY_VALUE_KINDS = [
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'arrayValue',
  'kvlistValue',
  'bytesValue',
] as const;

/** Refuses an object with more than one member of a protobuf oneof set. */
function oneOf(parent: Obj, members: readonly string[], path: string): void {
  const present = members.filter((m) => isSet(parent[m]));
  if (present.length > 1) invalid(path, `has ${present.join(' and ')}; only one of them may be set`);
}

/** An AnyValue as a plain JS value, for rendering non-string attributes as text. */
function anyValue(value: unknown, path: string, depth: number): unknown {
  if (depth > MAX_VALUE_DEPTH) invalid(path, `attribute values nest deeper than ${MAX_VALUE_DEPTH} levels`);
  const v = object(value, path);
  oneOf(v, ANY_VALUE_KINDS, path);
  if (isSet(v['stringValue'])) return string(v, 'stringValue', path);
  if (isSet(v['boolValue'])) return boolean(v, 'boolValue', path);
  if (isSet(v['intValue'])) {
    const n = bigInteger(v['intValue'], join(path, 'intValue'), true);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(n)
      : String(n);
  }
  if (isSet(v['doubleValue'])) {
    const d = double(v['doubleValue'], join(path, 'doubleValue'));
    return Number.isFinite(d) ? d : String(d);
  }
  if (isSet(v['arrayValue'])) {
    const arrayPath = join(path, 'arrayValue');
    const values = array(object(v['arrayValue'], arrayPath), 'values', arrayPath);
    return values.map((item, i) => anyValue(item, `${arrayPath}.values[${i}]`, depth + 1));
  }
  if (isSet(v['kvlistValue'])) {
    const listPath = join(path, 'kvlistValue');
    const values = array(object(v['kvlistValue'], listPath), 'values', listPath);
    const out: Record<string, unknown> = {};
    values.forEach((item, i) => {
      const itemPath = `${listPath}.values[${i}]`;
      const kv = object(item, itemPath);
      const key = string(kv, 'key', itemPath);
      const v = isSet(kv['value']) ? anyValue(kv['value'], join(itemPath, 'value'), depth + 1) : null;
      Object.defineProperty(out, key, {
        value: v ?? null,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    });
    return out;
  }
  if (isSet(v['bytesValue'])) {
    const b = string(v, 'bytesValue', path);
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(b)) invalid(join(path, 'bytesValue'), 'expected base64 bytes');
    return b;
  }
  return undefined;
}

/** Attributes as text: strings as they are, other values as JSON (`true`, `42`, `["a","b"]`). */
function attributes(parent: Obj, key: string, path: string): Attributes {
  const out: Attributes = {};
  const items = array(parent, key, path);
  for (let i = 0; i < items.length; i++) {
    const itemPath = `${join(path, key)}[${i}]`;
    const kv = object(items[i], itemPath);
    const name = string(kv, 'key', itemPath);
    if (!isSet(kv['value'])) continue;
    const value = anyValue(kv['value'], join(itemPath, 'value'), 0);
    if (value === undefined) continue; // an empty AnyValue: no value
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    // An own property even for the key `__proto__`: attribute keys are untrusted.
    if (name === '__proto__')
      Object.defineProperty(out, name, { value: text, enumerable: true, writable: true, configurable: true });
    else out[name] = text;
  }
  return out;
}

function pointBase(p: Obj, path: string, attributesKey = 'attributes'): PointBase {
  return {
    path,
    attributes: attributes(p, attributesKey, path),
    startNs: uint64(p, 'startTimeUnixNano', path),
    timeNs: uint64(p, 'timeUnixNano', path),
    flags: int32(p, 'flags', path, true),
  };
}

function numberPoint(value: unknown, path: string): NumberPoint {
  const p = object(value, path);
  const base = pointBase(p, path);
  oneOf(p, ['asDouble', 'asInt'], path);
  let v: number | undefined;
  if (isSet(p['asDouble'])) v = double(p['asDouble'], join(path, 'asDouble'));
  else if (isSet(p['asInt'])) v = Number(bigInteger(p['asInt'], join(path, 'asInt'), true));
  return { ...base, value: v };
}

function histogramPoint(value: unknown, path: string): HistogramPoint {
  const p = object(value, path);
  const bucketCounts = array(p, 'bucketCounts', path).map((c, i) =>
    Number(bigInteger(c, `${join(path, 'bucketCounts')}[${i}]`, false)),
  );
  const explicitBounds = array(p, 'explicitBounds', path).map((b, i) =>
    double(b, `${join(path, 'explicitBounds')}[${i}]`),
  );
  if (bucketCounts.length > 0 && bucketCounts.length !== explicitBounds.length + 1) {
    throw new DecodeError(
      'otlp.invalid-histogram',
      `has ${bucketCounts.length} bucket counts for ${explicitBounds.length} explicit bounds; OTLP needs one more count than bounds`,
      join(path, 'bucketCounts'),
    );
  }
  for (let i = 0; i < explicitBounds.length; i++) {
    const b = explicitBounds[i]!;
    if (!Number.isFinite(b) || (i > 0 && b <= explicitBounds[i - 1]!)) {
      throw new DecodeError(
        'otlp.invalid-histogram',
        'explicit bounds must be finite and strictly increasing',
        `${join(path, 'explicitBounds')}[${i}]`,
      );
    }
  }
  return {
    ...pointBase(p, path),
    count: count(p, 'count', path),
    sum: optionalDouble(p, 'sum', path),
    bucketCounts,
    explicitBounds,
    min: optionalDouble(p, 'min', path),
    max: optionalDouble(p, 'max', path),
  };
}

function expBuckets(parent: Obj, key: string, path: string): ExpBuckets {
  const b = optionalObject(parent, key, path);
  if (!b) return { offset: 0, counts: [] };
  const bucketsPath = join(path, key);
  return {
    offset: int32(b, 'offset', bucketsPath, false),
    counts: array(b, 'bucketCounts', bucketsPath).map((c, i) =>
      Number(bigInteger(c, `${join(bucketsPath, 'bucketCounts')}[${i}]`, false)),
    ),
  };
}

function expHistogramPoint(value: unknown, path: string): ExpHistogramPoint {
  const p = object(value, path);
  const scale = int32(p, 'scale', path, false);
  if (scale < MIN_SCALE || scale > MAX_SCALE) {
    throw new DecodeError(
      'otlp.invalid-histogram',
      `scale ${scale} is outside the range OTLP allows (${MIN_SCALE} to ${MAX_SCALE})`,
      join(path, 'scale'),
    );
  }
  const zeroThreshold = optionalDouble(p, 'zeroThreshold', path) ?? 0;
  if (!(zeroThreshold >= 0) || !Number.isFinite(zeroThreshold)) {
    invalid(join(path, 'zeroThreshold'), 'must be a finite number, zero or more');
  }
  return {
    ...pointBase(p, path),
    count: count(p, 'count', path),
    sum: optionalDouble(p, 'sum', path),
    scale,
    zeroCount: count(p, 'zeroCount', path),
    zeroThreshold,
    positive: expBuckets(p, 'positive', path),
    negative: expBuckets(p, 'negative', path),
    min: optionalDouble(p, 'min', path),
    max: optionalDouble(p, 'max', path),
  };
}

function summaryPoint(value: unknown, path: string): SummaryPoint {
  const p = object(value, path);
  const quantiles = array(p, 'quantileValues', path).map((q, i) => {
    const qPath = `${join(path, 'quantileValues')}[${i}]`;
    const qv = object(q, qPath);
    return {
      quantile: optionalDouble(qv, 'quantile', qPath) ?? 0,
      value: optionalDouble(qv, 'value', qPath) ?? 0,
    };
  });
  return {
    ...pointBase(p, path),
    count: count(p, 'count', path),
    sum: optionalDouble(p, 'sum', path) ?? 0,
    quantiles,
  };
}

const DATA_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

function points<T>(data: Obj, path: string, read: (value: unknown, path: string) => T): T[] {
  return array(data, 'dataPoints', path).map((p, i) => read(p, `${join(path, 'dataPoints')}[${i}]`));
}

function metric(value: unknown, path: string): OtlpMetric {
  const m = object(value, path);
  const name = string(m, 'name', path);
  if (name.trim() === '') invalid(join(path, 'name'), 'must be a non-empty string');
  oneOf(m, DATA_KINDS, path);
  const kind = DATA_KINDS.find((k) => isSet(m[k]));
  const unit = string(m, 'unit', path);
  if (!kind) return { path, name, unit, data: undefined };
  const dataPath = join(path, kind);
  const data = object(m[kind], dataPath);
  switch (kind) {
    case 'gauge':
      return { path, name, unit, data: { kind, points: points(data, dataPath, numberPoint) } };
    case 'sum':
      return {
        path,
        name,
        unit,
        data: {
          kind,
          temporality: temporality(data, dataPath),
          monotonic: boolean(data, 'isMonotonic', dataPath),
          points: points(data, dataPath, numberPoint),
        },
      };
    case 'histogram':
      return {
        path,
        name,
        unit,
        data: {
          kind,
          temporality: temporality(data, dataPath),
          points: points(data, dataPath, histogramPoint),
        },
      };
    case 'exponentialHistogram':
      return {
        path,
        name,
        unit,
        data: {
          kind,
          temporality: temporality(data, dataPath),
          points: points(data, dataPath, expHistogramPoint),
        },
      };
    case 'summary':
      return { path, name, unit, data: { kind, points: points(data, dataPath, summaryPoint) } };
  }
}

/** Reads and checks a whole request. Refuses one with no resourceMetrics (nothing to ingest). */
export function readExportRequest(value: unknown): OtlpRequest {
  const request = object(value, '');
  const items = array(request, 'resourceMetrics', '');
  if (items.length === 0) {
    throw new DecodeError(
      'otlp.missing-field',
      'is missing or empty: an ExportMetricsServiceRequest carries at least one ResourceMetrics',
      'resourceMetrics',
    );
  }
  return {
    resourceMetrics: items.map((item, r) => {
      const path = `resourceMetrics[${r}]`;
      const rm = object(item, path);
      const resource = optionalObject(rm, 'resource', path);
      return {
        path,
        attributes: resource ? attributes(resource, 'attributes', join(path, 'resource')) : {},
        scopes: array(rm, 'scopeMetrics', path).map((s, i) => {
          const scopePath = `${join(path, 'scopeMetrics')}[${i}]`;
          const sm = object(s, scopePath);
          const scope = optionalObject(sm, 'scope', scopePath);
          const scopeObjPath = join(scopePath, 'scope');
          return {
            path: scopePath,
            name: scope ? string(scope, 'name', scopeObjPath) : '',
            version: scope ? string(scope, 'version', scopeObjPath) : '',
            metrics: array(sm, 'metrics', scopePath).map((m, j) =>
              metric(m, `${join(scopePath, 'metrics')}[${j}]`),
            ),
          };
        }),
      };
    }),
  };
}
