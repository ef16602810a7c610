// Turns untrusted JSON into a canonical event of the newest schema: fills defaults for missing
// optional fields, checks every field against the Avro schema, and adds the rules a schema
// cannot say (finite numbers, plausible timestamps, bounded sizes). The first problem found is
// reported with the path of the field at fault, e.g. `points[3].value: NaN is not a number`.
import type avro from 'avsc';
import { DecodeError } from './errors.js';

export interface ValidationLimits {
  /** Reject timestamps before this (epoch ms). Default 2000-01-01. */
  readonly minTimestamp: number;
  /** Reject timestamps after this (epoch ms); typically now + 1 day. */
  readonly maxTimestamp: number;
  readonly maxIdentifierLength: number;
  readonly maxTextLength: number;
  readonly maxEntries: number;
}

export const DEFAULT_MIN_TIMESTAMP = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;

export function limitsAt(nowMs: number): ValidationLimits {
  return {
    minTimestamp: DEFAULT_MIN_TIMESTAMP,
    maxTimestamp: nowMs + DAY_MS,
    maxIdentifierLength: 512,
    maxTextLength: 65_536,
    maxEntries: 10_000,
  };
}

const IDENTIFIERS = new Set(['id', 'service', 'name', 'metric', 'fingerprint', 'changeId', 'environment']);

/** Validates `value` against `type`, returning a new object with defaults filled in. */
export function toCanonical<T>(type: avro.Type, value: unknown, limits: ValidationLimits): T {
  return check(type, value, '', limits) as T;
}

function fail(path: string, reason: string, code = 'validate.invalid-field'): never {
  throw new DecodeError(code, reason, path || '(root)');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (typeof value === 'number') return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

function check(type: avro.Type, value: unknown, path: string, limits: ValidationLimits): unknown {
  const name = type.typeName;
  switch (name) {
    case 'record': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        fail(path, `expected an object, got ${describe(value)}`);
      }
      const input = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const field of (type as avro.types.RecordType).fields) {
        const fieldPath = path ? `${path}.${field.name}` : field.name;
        let v = input[field.name];
        if (v === undefined) {
          const fallback = field.defaultValue();
          if (fallback === undefined) fail(fieldPath, 'is required', 'validate.missing-field');
          v = fallback;
        }
        out[field.name] = check(field.type, v, fieldPath, limits);
        if (IDENTIFIERS.has(field.name) && typeof out[field.name] === 'string') {
          const text = out[field.name] as string;
          if (text.trim() === '') fail(fieldPath, 'must not be empty');
          if (text.length > limits.maxIdentifierLength) {
            fail(fieldPath, `is ${text.length} characters long; the limit is ${limits.maxIdentifierLength}`);
          }
        }
      }
      return out;
    }
    case 'union:unwrapped': {
      if (value === null) {
        if ((type as avro.types.UnwrappedUnionType).types.some((t) => t.typeName === 'null')) return null;
      }
      const branch = (type as avro.types.UnwrappedUnionType).types.find((t) => t.typeName !== 'null');
      if (!branch) fail(path, `expected null, got ${describe(value)}`);
      return check(branch, value, path, limits);
    }
    case 'array': {
      if (!Array.isArray(value)) fail(path, `expected an array, got ${describe(value)}`);
      if (value.length > limits.maxEntries)
        fail(path, `has ${value.length} entries; the limit is ${limits.maxEntries}`);
      const items = (type as avro.types.ArrayType).itemsType;
      return value.map((item, i) => check(items, item, `${path}[${i}]`, limits));
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        fail(path, `expected an object of strings, got ${describe(value)}`);
      }
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length > limits.maxEntries)
        fail(path, `has ${entries.length} entries; the limit is ${limits.maxEntries}`);
      const values = (type as avro.types.MapType).valuesType;
      return Object.fromEntries(entries.map(([k, v]) => [k, check(values, v, `${path}.${k}`, limits)]));
    }
    case 'enum': {
      const symbols = (type as avro.types.EnumType).symbols;
      if (typeof value !== 'string' || !symbols.includes(value)) {
        fail(path, `${describe(value)} is not one of ${symbols.join(', ')}`);
      }
      return value;
    }
    case 'string': {
      if (typeof value !== 'string') fail(path, `expected a string, got ${describe(value)}`);
      if (value.length > limits.maxTextLength)
        fail(path, `is ${value.length} characters long; the limit is ${limits.maxTextLength}`);
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail(path, `expected true or false, got ${describe(value)}`);
      return value;
    case 'int':
    case 'long':
    case 'float':
    case 'double': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        fail(path, `${describe(value)} is not a finite number`);
      if ((name === 'int' || name === 'long') && !Number.isSafeInteger(value))
        fail(path, `${value} is not an integer`);
      if (name === 'int' && Math.abs(value) > 2 ** 31 - 1) fail(path, `${value} does not fit in 32 bits`);
      return value;
    }
    case 'logical:timestamp-millis': {
      const ms = check((type as avro.types.LogicalType).underlyingType, value, path, limits) as number;
      if (ms < limits.minTimestamp || ms > limits.maxTimestamp) {
        const shown = Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms);
        fail(path, `${shown} is outside the accepted time range`, 'validate.timestamp');
      }
      return ms;
    }
    case 'bytes':
      // JSON carries bytes as base64 text.
      if (typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value))
        return Buffer.from(value, 'base64');
      if (!Buffer.isBuffer(value)) fail(path, `expected bytes (base64 in JSON), got ${describe(value)}`);
      return value;
    case 'null':
      if (value !== null) fail(path, `expected null, got ${describe(value)}`);
      return null;
    default:
      if (!type.isValid(value)) fail(path, `invalid ${name}`);
      return value;
  }
}
