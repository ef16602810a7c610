// Reading untrusted JSON field by field. Every reader names the field at fault in the
// producer's own terms (`alerts[2].labels.alertname`, `payload.severity`), so a dead-letter
// record or a 4xx answer tells the sender exactly what to fix. The limits are those the
// canonical schemas enforce (libs/contracts/src/validate.ts), checked here where the source
// field is still known, so a normaliser either returns events that validate or refuses.
// Readers never recurse into producer data: a payload nested thousands deep costs nothing.
import {
  DecodeError,
  DEFAULT_MIN_TIMESTAMP,
  isHttpUrl,
  isReservedKey,
  nameTextProblem,
  parseJson,
  RESERVED_KEY_REASON,
} from '#contracts';

export type JsonObject = Record<string, unknown>;

export const MAX_IDENTIFIER_LENGTH = 512;
export const MAX_TEXT_LENGTH = 65_536;
export const MAX_ENTRIES = 10_000;
/** Timestamps may lie at most this far after the time Aftershock received the input. */
export const MAX_FUTURE_MS = 86_400_000;

export function missing(path: string, reason = 'is required'): never {
  throw new DecodeError('validate.missing-field', reason, path);
}

export function invalid(path: string, reason: string, code = 'validate.invalid-field'): never {
  throw new DecodeError(code, reason, path);
}

/** `alerts` + 2 → `alerts[2]`; `payload` + `summary` → `payload.summary`; '' + `id` → `id`. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** The body as JSON (strict UTF-8); refusals carry `decode.utf8` / `decode.json`. */
export function jsonBody(body: Buffer): unknown {
  return parseJson(body);
}

export function asObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) invalid(path || '(root)', `expected a JSON object, got ${describe(value)}`);
  return value;
}

export function requiredObject(parent: JsonObject, key: string, path: string): JsonObject {
  const value = parent[key];
  if (value === undefined || value === null) missing(at(path, key));
  return asObject(value, at(path, key));
}

/** An object that may be absent (or null). */
export function optionalObject(parent: JsonObject, key: string, path: string): JsonObject | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  return asObject(value, at(path, key));
}

export function optionalArray(parent: JsonObject, key: string, path: string): unknown[] {
  const value = parent[key];
  if (value === undefined || value === null) return [];
  return asArray(value, at(path, key));
}

/** An array of at most MAX_ENTRIES items (a batch of events, a list of alerts). */
export function asArray(value: unknown, path: string, what = 'an array'): unknown[] {
  if (!Array.isArray(value)) invalid(path || '(root)', `expected ${what}, got ${describe(value)}`);
  checkEntries(value.length, path || '(root)');
  return value;
}

interface StringRules {
  /**
   * Identifiers (ids, names, services) are trimmed, limited to 512 characters and free of
   * control and bidirectional formatting characters.
   */
  readonly identifier?: boolean;
}

function checkText(text: string, path: string, rules: StringRules): string {
  if (rules.identifier) {
    const trimmed = text.trim();
    if (trimmed.length > MAX_IDENTIFIER_LENGTH) {
      invalid(path, `is ${trimmed.length} characters long; the limit is ${MAX_IDENTIFIER_LENGTH}`);
    }
    const problem = nameTextProblem(trimmed);
    if (problem) invalid(path, problem, 'validate.text');
    return trimmed;
  }
  if (text.length > MAX_TEXT_LENGTH) {
    invalid(path, `is ${text.length} characters long; the limit is ${MAX_TEXT_LENGTH}`);
  }
  return text;
}

/** A string that may be absent; null and blank count as absent. */
export function optionalString(
  parent: JsonObject,
  key: string,
  path: string,
  rules: StringRules = {},
): string | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') invalid(at(path, key), `expected a string, got ${describe(value)}`);
  if (value.trim() === '') return undefined;
  return checkText(value, at(path, key), rules);
}

export function requiredString(
  parent: JsonObject,
  key: string,
  path: string,
  rules: StringRules = {},
): string {
  const value = optionalString(parent, key, path, rules);
  if (value === undefined) {
    missing(at(path, key), parent[key] === undefined ? 'is required' : 'must not be empty');
  }
  return value;
}

/** A string or a number, as text (GitHub and Argo CD ids are numbers). */
export function optionalId(parent: JsonObject, key: string, path: string): string | undefined {
  const value = parent[key];
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) invalid(at(path, key), `${describe(value)} is not a whole number`);
    return String(value);
  }
  return optionalString(parent, key, path, { identifier: true });
}

export function optionalBoolean(parent: JsonObject, key: string, path: string): boolean | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  invalid(at(path, key), `expected true or false, got ${describe(value)}`);
}

/** Text checked against the identifier rules: non-empty after trimming, at most 512 characters. */
export function identifier(text: string, path: string): string {
  const trimmed = checkText(text, path, { identifier: true });
  if (trimmed === '') missing(path, 'must not be empty');
  return trimmed;
}

function checkEntries(count: number, path: string): void {
  if (count > MAX_ENTRIES) invalid(path, `has ${count} entries; the limit is ${MAX_ENTRIES}`);
}

/** The entries of a producer's map; `__proto__` is refused, as a plain object would drop it. */
function entriesOf(object: JsonObject, path: string): [string, unknown][] {
  const entries = Object.entries(object);
  checkEntries(entries.length, path);
  for (const [k] of entries)
    if (isReservedKey(k)) invalid(at(path, k), RESERVED_KEY_REASON, 'validate.reserved-key');
  return entries;
}

/** A map of strings (Prometheus labels, Kubernetes labels); absent → {}. Other values are refused. */
export function stringMap(parent: JsonObject, key: string, path: string): Record<string, string> {
  const value = parent[key];
  if (value === undefined || value === null) return {};
  const entries = entriesOf(asObject(value, at(path, key)), at(path, key));
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof v !== 'string') invalid(at(at(path, key), k), `expected a string, got ${describe(v)}`);
    out[k] = checkText(v, at(at(path, key), k), {});
  }
  return out;
}

/**
 * The scalar entries of a free-form object (PagerDuty custom_details, CDEvents customData) as
 * strings. Nested objects and arrays are left out: they have no place in a flat label map, and
 * skipping them means a deeply nested payload is never walked.
 */
export function scalarMap(value: JsonObject | undefined, path: string): Record<string, string> {
  if (!value) return {};
  const entries = entriesOf(value, path);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof v === 'string') out[k] = checkText(v, at(path, k), {});
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}

// RFC 3339 with the variants producers actually send: any number of fractional digits (Go
// writes nanoseconds), `T`/`t`/space, and offsets with or without a colon (PagerDuty `+0000`).
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/** Epoch ms of an RFC 3339 text, or undefined when it is not one (no range check). */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(utcTime(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const millis = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
  let offsetMinutes = 0;
  if (m[9]) {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const utc = utcTime(year, month - 1, day, hour, minute, Math.min(second, 59), millis);
  return utc - offsetMinutes * 60_000;
}

/** Date.UTC without its mapping of years 0–99 to 1900–1999: `0001-01-01` stays in year 1. */
function utcTime(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0, ms = 0) {
  const date = new Date(Date.UTC(2000, 0, 1, hour, minute, second, ms));
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime();
}

/** A timestamp text checked for format and for a plausible range around the receive time. */
export function timestampOf(text: string, path: string, receivedAt: number): number {
  const ms = parseRfc3339(text);
  if (ms === undefined) invalid(path, `${describe(text)} is not an RFC 3339 timestamp`);
  return checkTimestamp(ms, path, receivedAt);
}

export function checkTimestamp(ms: number, path: string, receivedAt: number): number {
  if (ms < DEFAULT_MIN_TIMESTAMP || ms > receivedAt + MAX_FUTURE_MS) {
    const shown = Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms);
    invalid(path, `${shown} is outside the accepted time range`, 'validate.timestamp');
  }
  return ms;
}

export function optionalTimestamp(
  parent: JsonObject,
  key: string,
  path: string,
  receivedAt: number,
): number | undefined {
  const text = optionalString(parent, key, path);
  return text === undefined ? undefined : timestampOf(text, at(path, key), receivedAt);
}

export function requiredTimestamp(parent: JsonObject, key: string, path: string, receivedAt: number): number {
  return timestampOf(requiredString(parent, key, path), at(path, key), receivedAt);
}

/** A URL-ish text for links: only http(s) URLs are kept, anything else is ignored. */
export function httpUrl(text: string | undefined): string | undefined {
  return text !== undefined && isHttpUrl(text) ? text : undefined;
}

/** Header value, names lower-cased by the caller (RawInput contract). */
export function header(
  headers: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const value = headers[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
