// Fields of the small JSON bodies of the action endpoints, each checked with a 400 naming the
// field. Unknown fields are ignored.
import { badRequest } from './api-error.js';

const MAX_TEXT = 65_536;

export function bodyObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('(body)', 'expected a JSON object');
  }
  return body as Record<string, unknown>;
}

export function optionalText(body: Record<string, unknown>, field: string, max = MAX_TEXT): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badRequest(field, 'expected a string');
  const text = value.trim();
  if (text.length > max) throw badRequest(field, `is ${text.length} characters long; the limit is ${max}`);
  return text === '' ? null : text;
}

export function requiredText(
  body: Record<string, unknown>,
  field: string,
  why: string,
  max = MAX_TEXT,
): string {
  const text = optionalText(body, field, max);
  if (text === null) throw badRequest(field, `is required ${why}`, 'request.missing-field');
  return text;
}

export function optionalEnum<T extends string>(
  body: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
): T | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw badRequest(field, `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}
