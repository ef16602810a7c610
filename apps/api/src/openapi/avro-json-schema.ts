// JSON Schema (2020-12, as OpenAPI 3.1 uses it) for the canonical events, derived from their
// Avro schemas in schemas/ — the contract's source of truth — so the API document cannot drift
// from the events it returns. Named Avro types (records, enums) become components.
import { schemaCatalog, type EventName } from '#contracts';

export type JsonSchema = Record<string, unknown>;

const PRIMITIVES: Record<string, JsonSchema> = {
  null: { type: 'null' },
  boolean: { type: 'boolean' },
  int: { type: 'integer' },
  long: { type: 'integer' },
  float: { type: 'number' },
  double: { type: 'number' },
  string: { type: 'string' },
  bytes: { type: 'string', contentEncoding: 'base64' },
};

type Avro = string | Avro[] | { readonly [key: string]: unknown };

const shortName = (name: string) => name.slice(name.lastIndexOf('.') + 1);
export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** Adds the schemas of `events` (and every named type inside) to `components`. */
export function eventSchemas(events: readonly EventName[], components: Record<string, JsonSchema>): void {
  const catalog = schemaCatalog();
  for (const event of events) convert(catalog.latest(event).schema as Avro, components);
}

function convert(type: Avro, components: Record<string, JsonSchema>): JsonSchema {
  if (typeof type === 'string') {
    return PRIMITIVES[type] ?? ref(shortName(type));
  }
  if (Array.isArray(type)) {
    const nullable = type.includes('null');
    const branches = type.filter((t) => t !== 'null').map((t) => convert(t, components));
    const options = nullable ? [...branches, { type: 'null' }] : branches;
    return options.length === 1 ? options[0]! : { anyOf: options };
  }
  switch (type.type) {
    case 'record': {
      const name = shortName(String(type.name));
      const fields = type.fields as { name: string; type: Avro; doc?: string }[];
      const properties: Record<string, JsonSchema> = {};
      for (const field of fields) {
        const schema = convert(field.type, components);
        properties[field.name] = field.doc ? { ...schema, description: field.doc } : schema;
      }
      define(components, name, {
        type: 'object',
        ...(type.doc ? { description: type.doc } : {}),
        required: fields.map((f) => f.name),
        properties,
      });
      return ref(name);
    }
    case 'enum': {
      const name = shortName(String(type.name));
      define(components, name, {
        type: 'string',
        enum: type.symbols,
        ...(type.doc ? { description: type.doc } : {}),
      });
      return ref(name);
    }
    case 'array':
      return { type: 'array', items: convert(type.items as Avro, components) };
    case 'map':
      return { type: 'object', additionalProperties: convert(type.values as Avro, components) };
    default:
      if (type.logicalType === 'timestamp-millis') {
        return { type: 'integer', description: 'epoch milliseconds' };
      }
      return convert(type.type as Avro, components);
  }
}

function define(components: Record<string, JsonSchema>, name: string, schema: JsonSchema): void {
  const known = components[name];
  if (known && JSON.stringify(known) !== JSON.stringify(schema)) {
    throw new Error(`two different Avro types are named ${name}; the API document needs unique names`);
  }
  components[name] = schema;
}
