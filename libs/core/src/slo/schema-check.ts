// Runs a TypeBox schema over a value and turns its errors into problems that name the field
// by path and say what was expected in words (TypeBox's own messages say "Expected union value").
import type { TSchema } from '@sinclair/typebox';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import type { FieldPath } from './problems.js';

export interface FieldProblem {
  readonly path: FieldPath;
  readonly message: string;
}

/** Problems of `value` against `schema`, one per field (the first TypeBox reports), paths under `at`. */
export function checkSchema(schema: TSchema, value: unknown, at: FieldPath = []): FieldProblem[] {
  const seen = new Set<string>();
  const out: FieldProblem[] = [];
  for (const error of Value.Errors(schema, value)) {
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    out.push({ path: [...at, ...pointer(error.path)], message: describe(error) });
  }
  return out;
}

function pointer(path: string): (string | number)[] {
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

const PATTERN_WORDS: Record<string, string> = {
  '^(0|[1-9][0-9]*)[mhdwMQY]$':
    'is not a duration shorthand (a number and one of m h d w M Q Y, e.g. 5m, 28d, 1M)',
  '^\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}$':
    'is not a wall time such as 2022-01-01 12:00:00 (no offset)',
};

function describe(error: ValueError): string {
  const schema = error.schema as {
    anyOf?: { const?: unknown; type?: string; pattern?: string }[];
    const?: unknown;
    pattern?: string;
  };
  const shown = JSON.stringify(error.value);
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not a field of OpenSLO v1 here';
    case ValueErrorType.Literal:
      return `${shown} is not ${String(schema.const)}`;
    case ValueErrorType.Union: {
      const literals = schema.anyOf?.map((s) => s.const);
      if (literals?.every((l) => typeof l === 'string'))
        return `${shown} is not one of ${literals.join(', ')}`;
      return `${shown} is neither ${schema.anyOf?.map(typeName).join(' nor ')}`;
    }
    case ValueErrorType.StringPattern:
      return (
        PATTERN_WORDS[schema.pattern ?? ''] ?? `${shown} is not a valid name (lowercase letters, digits, -)`
      );
    case ValueErrorType.ArrayMaxItems:
      return `holds ${(error.value as unknown[]).length} items; OpenSLO v1 allows ${(error.schema as { maxItems?: number }).maxItems}`;
    default:
      return `${error.message.charAt(0).toLowerCase()}${error.message.slice(1)} (got ${shown ?? 'nothing'})`;
  }
}

function typeName(schema: { type?: string; pattern?: string }): string {
  if (schema.pattern && PATTERN_WORDS[schema.pattern]) return 'a duration shorthand';
  return `a ${schema.type ?? 'value'}`;
}
