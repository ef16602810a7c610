// Payload mutations for fuzz tests of every input format: each takes a valid payload (a golden
// fixture) and breaks it the ways real producers and attackers do — truncated bytes, wrong
// types, huge strings, deep nesting, missing fields, invalid UTF-8, timestamps far away,
// NaN/Infinity — or produces random bytes. Seeded, so a failing case can be replayed.
import { seededUniform } from '#core';

export interface Mutation {
  readonly kind: string;
  readonly bytes: Buffer;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Every path to a value inside a JSON document. */
function paths(
  value: Json,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function setAt(root: Json, path: (string | number)[], update: (old: Json) => Json | undefined): Json {
  if (path.length === 0) return update(root) ?? null;
  const clone = structuredClone(root) as Record<string | number, Json>;
  let node = clone;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  const next = update(node[last]!);
  if (next === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = next;
  return clone;
}

const STRANGE_VALUES: Json[] = [
  null,
  true,
  0,
  -1,
  1e308,
  -1e308,
  '',
  'x',
  [],
  {},
  [[[]]],
  '9999-12-31T23:59:59Z',
];
const FAR_TIMESTAMPS: Json[] = [
  '1970-01-01T00:00:00Z', // calendar-independent: hostile values a decoder must refuse, never stored
  '3000-01-01T00:00:00Z',
  0,
  32503680000000,
  -1,
  '0001-01-01T00:00:00Z',
];

/** Deeply nested JSON text, built as text: JSON.stringify itself would overflow the stack. */
function deepNest(depth: number): string {
  return '{"nested":'.repeat(depth) + '"bottom"' + '}'.repeat(depth);
}

/** The document as text with the value at `path` replaced by raw text (which may not be valid JSON). */
function replaceWithText(
  document: Json,
  path: (string | number)[],
  text: string,
  random: () => number,
): string {
  const marker = `__aftershock_fuzz_${Math.floor(random() * 1e9)}__`;
  return JSON.stringify(setAt(document, path, () => marker)).replace(`"${marker}"`, () => text);
}

/** JSON-level mutations of a valid document. */
export function mutateJson(document: Json, random: () => number): Mutation {
  const all = paths(document);
  const path = pick(random, all);
  const kind = pick(random, [
    'remove-field',
    'wrong-type',
    'huge-string',
    'deep-nesting',
    'far-timestamp',
    'nan-infinity',
    'null-value',
    'duplicate-array',
  ] as const);
  let mutated: Json | string;
  switch (kind) {
    case 'remove-field':
      mutated = setAt(document, path, () => undefined);
      break;
    case 'wrong-type':
      mutated = setAt(document, path, () => pick(random, STRANGE_VALUES));
      break;
    case 'huge-string':
      mutated = setAt(document, path, () => 'A'.repeat(100_000 + Math.floor(random() * 1_000_000)));
      break;
    case 'deep-nesting':
      mutated = replaceWithText(document, path, deepNest(50 + Math.floor(random() * 5000)), random);
      break;
    case 'far-timestamp':
      mutated = setAt(document, path, () => pick(random, FAR_TIMESTAMPS));
      break;
    case 'nan-infinity':
      // JSON has no NaN; producers written in other languages emit these tokens anyway.
      mutated = replaceWithText(
        document,
        path,
        pick(random, ['NaN', 'Infinity', '-Infinity', '1e999']),
        random,
      );
      break;
    case 'null-value':
      mutated = setAt(document, path, () => null);
      break;
    case 'duplicate-array':
      mutated = setAt(document, path, (old) => (Array.isArray(old) ? [...old, ...old, ...old] : [old, old]));
      break;
  }
  return { kind, bytes: Buffer.from(typeof mutated === 'string' ? mutated : JSON.stringify(mutated)) };
}

/** Byte-level mutations of any payload. */
export function mutateBytes(bytes: Buffer, random: () => number): Mutation {
  const kind = pick(random, ['truncate', 'flip-bytes', 'invalid-utf8', 'random-bytes', 'empty'] as const);
  switch (kind) {
    case 'truncate':
      return { kind, bytes: bytes.subarray(0, Math.floor(random() * bytes.length)) };
    case 'flip-bytes': {
      const copy = Buffer.from(bytes);
      const flips = 1 + Math.floor(random() * 8);
      for (let i = 0; i < flips && copy.length > 0; i++)
        copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
      return { kind, bytes: copy };
    }
    case 'invalid-utf8': {
      const at = Math.floor(random() * bytes.length);
      return {
        kind,
        bytes: Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff]), bytes.subarray(at)]),
      };
    }
    case 'random-bytes': {
      const length = Math.floor(random() * 2048);
      return { kind, bytes: Buffer.from(Array.from({ length }, () => Math.floor(random() * 256))) };
    }
    case 'empty':
      return { kind, bytes: Buffer.alloc(0) };
  }
}

/** `count` mutations of the given valid payloads, mixing JSON-level and byte-level ones. */
export function* fuzzCases(validPayloads: readonly Buffer[], count: number, seed = 42): Generator<Mutation> {
  const random = seededUniform(seed);
  for (let i = 0; i < count; i++) {
    const base = pick(random, validPayloads);
    let document: Json | undefined;
    if (random() < 0.7) {
      try {
        document = JSON.parse(base.toString('utf8')) as Json;
      } catch {
        document = undefined;
      }
    }
    yield document !== undefined ? mutateJson(document, random) : mutateBytes(base, random);
  }
}
