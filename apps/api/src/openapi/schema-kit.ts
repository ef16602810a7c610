// The one schema library of the api: TypeBox. Its schemas are JSON Schema as they stand, so the
// same object validates a request body, checks an answer in the contract tests and is written
// into the OpenAPI document (openapi.ts turns its references into document references).
// Components carry their name as `$id`; `ref(name)` points at one.
import {
  FormatRegistry,
  Kind,
  Type,
  TypeRegistry,
  type SchemaOptions,
  type TSchema,
} from '@sinclair/typebox';

export type { TSchema };

/** A string from a fixed list, written as JSON Schema's `enum` (TypeBox's own unions write `anyOf`). */
export interface TStringEnum<T extends string = string> extends TSchema {
  [Kind]: 'StringEnum';
  static: T;
  type: 'string';
  enum: readonly T[];
}

if (!TypeRegistry.Has('StringEnum')) {
  TypeRegistry.Set<TStringEnum>(
    'StringEnum',
    (schema, value) => typeof value === 'string' && schema.enum.includes(value),
  );
}

// The formats the views use: a calendar date (`2026-09-14`).
if (!FormatRegistry.Has('date')) {
  FormatRegistry.Set('date', (value) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
    return new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  });
}

export function StringEnum<T extends string>(
  values: readonly T[],
  options: SchemaOptions = {},
): TStringEnum<T> {
  return { ...options, [Kind]: 'StringEnum', type: 'string', enum: values } as unknown as TStringEnum<T>;
}

/** A reference to the component named `name` (see named). */
export const ref = (name: string, options: SchemaOptions = {}) => Type.Ref(name, options);

/** The schema as a component: its name becomes its `$id`. */
export const named = <T extends TSchema>(name: string, schema: T): T => ({ ...schema, $id: name });

export const nullable = <T extends TSchema>(schema: T, options: SchemaOptions = {}) =>
  Type.Union([schema, Type.Null()], options);

export const epochMs = (description = 'epoch milliseconds') => Type.Integer({ description });

/** One page of a list: `{ items, next }`. */
export const page = (item: TSchema) =>
  Type.Object({
    items: Type.Array(item),
    next: nullable(Type.String(), {
      description: 'cursor of the next page (pass as `cursor`); null on the last page',
    }),
  });
