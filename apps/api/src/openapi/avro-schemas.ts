// Schemas of the canonical events, derived from their Avro schemas in schemas/ — the contract's
// source of truth — so the API document cannot drift from the events it returns. Named Avro
// types (records, enums) become components.
import { Type, type TSchema } from '@sinclair/typebox';
import { schemaCatalog, type EventName } from '#contracts';
import { named, ref, StringEnum } from './schema-kit.js';

const PRIMITIVES: Record<string, () => TSchema> = {
  null: () => Type.Null(),
  boolean: () => Type.Boolean(),
  int: () => Type.Integer(),
  long: () => Type.Integer(),
  float: () => Type.Number(),
  double: () => Type.Number(),
  string: () => Type.String(),
  bytes: () => Type.String({ contentEncoding: 'base64' }),
};

type Avro = string | Avro[] | { readonly [key: string]: unknown };

const shortName = (name: string) => name.slice(name.lastIndexOf('.') + 1);

/** Adds the schemas of `events` (and every named type inside) to `components`. */
export function eventSchemas(events: readonly EventName[], components: Record<string, TSchema>): void {
  const catalog = schemaCatalog();
  for (const event of events) convert(catalog.latest(event).schema as Avro, components);
}

function convert(type: Avro, components: Record<string, TSchema>): TSchema {
  if (typeof type === 'string') return PRIMITIVES[type]?.() ?? ref(shortName(type));
  if (Array.isArray(type)) {
    const nullable = type.includes('null');
    const branches = type.filter((t) => t !== 'null').map((t) => convert(t, components));
    const options = nullable ? [...branches, Type.Null()] : branches;
    return options.length === 1 ? options[0]! : Type.Union(options);
  }
  switch (type.type) {
    case 'record': {
      const name = shortName(String(type.name));
      const fields = type.fields as { name: string; type: Avro; doc?: string }[];
      const properties: Record<string, TSchema> = {};
      for (const field of fields) {
        const schema = convert(field.type, components);
        properties[field.name] = field.doc ? { ...schema, description: field.doc } : schema;
      }
      define(components, name, Type.Object(properties, type.doc ? { description: String(type.doc) } : {}));
      return ref(name);
    }
    case 'enum': {
      const name = shortName(String(type.name));
      const symbols = type.symbols as string[];
      define(components, name, StringEnum(symbols, type.doc ? { description: String(type.doc) } : {}));
      return ref(name);
    }
    case 'array':
      return Type.Array(convert(type.items as Avro, components));
    case 'map':
      return Type.Object({}, { additionalProperties: convert(type.values as Avro, components) });
    default:
      if (type.logicalType === 'timestamp-millis') return Type.Integer({ description: 'epoch milliseconds' });
      return convert(type.type as Avro, components);
  }
}

function define(components: Record<string, TSchema>, name: string, schema: TSchema): void {
  const known = components[name];
  const component = named(name, schema);
  if (known && JSON.stringify(known) !== JSON.stringify(component)) {
    throw new Error(`two different Avro types are named ${name}; the API document needs unique names`);
  }
  components[name] = component;
}
