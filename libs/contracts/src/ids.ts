// Stable ids: the source's own id where it has one, else a hash of the content, so the same
// input delivered twice yields the same id and duplicates are detectable downstream.
import { createHash } from 'node:crypto';

/** JSON with sorted keys: the same content always serialises to the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('base64'));
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** A short, stable id from content: `<prefix>_<first 20 hex chars of sha256>`. */
export function contentId(prefix: string, content: unknown): string {
  const hash = createHash('sha256').update(canonicalJson(content)).digest('hex').slice(0, 20);
  return `${prefix}_${hash}`;
}
