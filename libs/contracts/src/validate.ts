// Turns untrusted JSON into a canonical event of the newest schema: fills defaults for missing
// optional fields, checks every field against the Avro schema, and adds the rules a schema
// cannot say (finite numbers, plausible timestamps, bounded sizes). The first problem found is
// reported with the path of the field at fault, e.g. `points[3].value: NaN is not a number`.
import type avro from 'avsc';
import { DecodeError } from './errors.js';
import { isHttpUrl, isReservedKey, nameTextProblem, RESERVED_KEY_REASON } from './text-rules.js';

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
/** Fields people open as links (a change's links and pipeline, an alert's source and runbook). */
const URLS = new Set(['url', 'link', 'runbookUrl']);

/** Validates `value` against `type`, returning a new object with defaults filled in. */
export function toCanonical<T>(type: avro.Type, value: unknown, limits: ValidationLimits): T {
  try {
    return checkerOf(type)(value, limits) as T;
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    const path = error.segments.reverse().join('').replace(/^\./, '');
    throw new DecodeError(error.code, error.reason, path || '(root)');
  }
}

// The path of the field at fault is put together only when something fails: each level adds its
// segment while the error unwinds (building it eagerly for every field of every event cost more
// than the checks themselves).
class Invalid {
  readonly segments: string[] = [];
  constructor(
    readonly reason: string,
    readonly code: string,
  ) {}
}

function fail(reason: string, code = 'validate.invalid-field'): never {
  throw new Invalid(reason, code);
}

/** Adds the segment of the level `error` passes through (other errors pass unchanged). */
function at(error: unknown, segment: string): unknown {
  if (error instanceof Invalid) error.segments.push(segment);
  return error;
}

type Checker = (value: unknown, limits: ValidationLimits) => unknown;

// One checker per schema type, compiled once: the schema is walked when it is first used, not
// for every value (events arrive by the hundred thousand per second at the recorder).
const compiled = new WeakMap<avro.Type, Checker>();

function checkerOf(type: avro.Type): Checker {
  let checker = compiled.get(type);
  if (!checker) {
    // Set before compiling the children: a recursive schema refers back to itself.
    const slot: { checker?: Checker } = {};
    compiled.set(type, (value, limits) => slot.checker!(value, limits));
    slot.checker = checker = compile(type);
    compiled.set(type, checker);
  }
  return checker;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (typeof value === 'number') return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compile(type: avro.Type): Checker {
  const name = type.typeName;
  switch (name) {
    case 'record':
      return compileRecord(type as avro.types.RecordType);
    case 'union:unwrapped': {
      const types = (type as avro.types.UnwrappedUnionType).types;
      const nullable = types.some((t) => t.typeName === 'null');
      const branchType = types.find((t) => t.typeName !== 'null');
      const branch = branchType ? checkerOf(branchType) : undefined;
      return (value, limits) => {
        if (value === null && nullable) return null;
        if (!branch) fail(`expected null, got ${describe(value)}`);
        return branch(value, limits);
      };
    }
    case 'array': {
      const items = checkerOf((type as avro.types.ArrayType).itemsType);
      return (value, limits) => {
        if (!Array.isArray(value)) fail(`expected an array, got ${describe(value)}`);
        if (value.length > limits.maxEntries)
          fail(`has ${value.length} entries; the limit is ${limits.maxEntries}`);
        const out = new Array<unknown>(value.length);
        let i = 0;
        try {
          for (; i < value.length; i++) out[i] = items(value[i], limits);
        } catch (error) {
          throw at(error, `[${i}]`);
        }
        return out;
      };
    }
    case 'map': {
      const values = checkerOf((type as avro.types.MapType).valuesType);
      return (value, limits) => {
        if (!isObject(value)) fail(`expected an object of strings, got ${describe(value)}`);
        const keys = Object.keys(value);
        if (keys.length > limits.maxEntries)
          fail(`has ${keys.length} entries; the limit is ${limits.maxEntries}`);
        const out: Record<string, unknown> = {};
        for (const k of keys) {
          try {
            if (isReservedKey(k)) fail(RESERVED_KEY_REASON, 'validate.reserved-key');
            out[k] = values(value[k], limits);
          } catch (error) {
            throw at(error, `.${k}`);
          }
        }
        return out;
      };
    }
    case 'enum': {
      const symbols = new Set((type as avro.types.EnumType).symbols);
      const listed = (type as avro.types.EnumType).symbols.join(', ');
      return (value) => {
        if (typeof value !== 'string' || !symbols.has(value))
          fail(`${describe(value)} is not one of ${listed}`);
        return value;
      };
    }
    case 'string':
      return (value, limits) => {
        if (typeof value !== 'string') fail(`expected a string, got ${describe(value)}`);
        if (value.length > limits.maxTextLength)
          fail(`is ${value.length} characters long; the limit is ${limits.maxTextLength}`);
        return value;
      };
    case 'boolean':
      return (value) => {
        if (typeof value !== 'boolean') fail(`expected true or false, got ${describe(value)}`);
        return value;
      };
    case 'int':
    case 'long':
    case 'float':
    case 'double': {
      const integer = name === 'int' || name === 'long';
      const bits32 = name === 'int';
      return (value) => {
        if (typeof value !== 'number' || !Number.isFinite(value))
          fail(`${describe(value)} is not a finite number`);
        if (integer && !Number.isSafeInteger(value)) fail(`${value} is not an integer`);
        if (bits32 && Math.abs(value) > 2 ** 31 - 1) fail(`${value} does not fit in 32 bits`);
        return value;
      };
    }
    case 'logical:timestamp-millis': {
      const underlying = checkerOf((type as avro.types.LogicalType).underlyingType);
      return (value, limits) => {
        const ms = underlying(value, limits) as number;
        if (ms < limits.minTimestamp || ms > limits.maxTimestamp) {
          const shown = Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms);
          fail(`${shown} is outside the accepted time range`, 'validate.timestamp');
        }
        return ms;
      };
    }
    case 'bytes':
      return (value) => {
        // JSON carries bytes as base64 text.
        if (typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value))
          return Buffer.from(value, 'base64');
        if (!Buffer.isBuffer(value)) fail(`expected bytes (base64 in JSON), got ${describe(value)}`);
        return value;
      };
    case 'null':
      return (value) => {
        if (value !== null) fail(`expected null, got ${describe(value)}`);
        return null;
      };
    default:
      return (value) => {
        if (!type.isValid(value)) fail(`invalid ${name}`);
        return value;
      };
  }
}

/** A record: each field's default when missing, its type, and the identifier rules. */
function compileRecord(type: avro.types.RecordType): Checker {
  const fields = type.fields.map((field) => ({
    name: field.name,
    segment: `.${field.name}`,
    check: checkerOf(field.type),
    defaultValue: () => field.defaultValue() as unknown,
    identifier: IDENTIFIERS.has(field.name),
    url: URLS.has(field.name),
  }));
  return (value, limits) => {
    if (!isObject(value)) fail(`expected an object, got ${describe(value)}`);
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      try {
        let v = value[field.name];
        if (v === undefined) {
          v = field.defaultValue();
          if (v === undefined) fail('is required', 'validate.missing-field');
        }
        const checked = field.check(v, limits);
        if (field.identifier && typeof checked === 'string') {
          if (checked.trim() === '') fail('must not be empty');
          if (checked.length > limits.maxIdentifierLength)
            fail(`is ${checked.length} characters long; the limit is ${limits.maxIdentifierLength}`);
          const problem = nameTextProblem(checked);
          if (problem) fail(problem, 'validate.text');
        }
        if (field.url && typeof checked === 'string' && !isHttpUrl(checked)) {
          fail(`${describe(checked)} is not an http(s) URL`, 'validate.url');
        }
        out[field.name] = checked;
      } catch (error) {
        throw at(error, field.segment);
      }
    }
    return out;
  };
}
