// The JSON bodies of the action endpoints, checked against their schemas (the same ones the
// OpenAPI document shows) with a 400 naming the field. Text is trimmed first, and a field that
// is blank or null counts as not given. Unknown fields are ignored.
import type { Static, TObject } from '@sinclair/typebox';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { badRequest } from './api-error.js';

export function readBody<T extends TObject>(schema: T, body: unknown): Static<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('(body)', 'expected a JSON object');
  }
  const given: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const trimmed = typeof value === 'string' ? value.trim() : value;
    if (trimmed !== '' && trimmed !== null && trimmed !== undefined) given[key] = trimmed;
  }
  const error = Value.Errors(schema, given).First();
  if (error) throw refusal(schema, error);
  return given as Static<T>;
}

function refusal(schema: TObject, error: ValueError) {
  const field = error.path.slice(1).replaceAll('/', '.') || '(body)';
  const expected = error.schema as { maxLength?: number; enum?: readonly string[]; description?: string };
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty: {
      // A required field's description says why it is (`required to comment`).
      const why = schema.properties[field]?.description;
      return badRequest(field, `is ${why ?? 'required'}`, 'request.missing-field');
    }
    case ValueErrorType.StringMaxLength:
      return badRequest(
        field,
        `is ${String(error.value).length} characters long; the limit is ${expected.maxLength}`,
      );
    case ValueErrorType.Kind:
      if (expected.enum)
        return badRequest(field, `${JSON.stringify(error.value)} is not one of ${expected.enum.join(', ')}`);
      return badRequest(field, error.message);
    case ValueErrorType.String:
      return badRequest(field, 'expected a string');
    default:
      return badRequest(field, error.message);
  }
}
