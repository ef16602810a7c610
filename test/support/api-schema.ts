// A small validator for the JSON Schema subset the API's OpenAPI document uses: $ref (local),
// type (one or several), enum, const, required, properties, additionalProperties, items,
// prefixItems, minItems/maxItems, minimum/maximum, anyOf, allOf, oneOf. Returns every
// violation with the path to it, so a failing contract test says exactly which field is wrong.

export type Schema = Record<string, unknown>;

export interface Violation {
  readonly path: string;
  readonly problem: string;
}

export class SchemaValidator {
  constructor(private readonly document: Schema) {}

  /** Resolves `#/a/b/c` in the document. */
  resolve(ref: string): Schema {
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
    let node: unknown = this.document;
    for (const part of ref.slice(2).split('/')) {
      node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
      if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
    }
    return node as Schema;
  }

  validate(value: unknown, schema: Schema, path = '$'): Violation[] {
    const out: Violation[] = [];
    this.check(value, schema, path, out);
    return out;
  }

  private check(value: unknown, schema: Schema, path: string, out: Violation[]): void {
    if (typeof schema.$ref === 'string') this.check(value, this.resolve(schema.$ref), path, out);
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
      if (!types.some((t) => hasType(value, t))) {
        out.push({ path, problem: `expected ${types.join(' or ')}, got ${describe(value)}` });
        return;
      }
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) {
      out.push({ path, problem: `${describe(value)} is not one of ${schema.enum.join(', ')}` });
    }
    if ('const' in schema && schema.const !== value)
      out.push({ path, problem: `expected ${String(schema.const)}` });
    if (typeof value === 'number') {
      if (typeof schema.minimum === 'number' && value < schema.minimum)
        out.push({ path, problem: `${value} < ${schema.minimum}` });
      if (typeof schema.maximum === 'number' && value > schema.maximum)
        out.push({ path, problem: `${value} > ${schema.maximum}` });
    }
    if (isObject(value)) {
      for (const key of (schema.required as string[] | undefined) ?? []) {
        if (!(key in value)) out.push({ path: `${path}.${key}`, problem: 'is required' });
      }
      const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
      for (const [key, v] of Object.entries(value)) {
        const sub = properties[key];
        if (sub) this.check(v, sub, `${path}.${key}`, out);
        else if (schema.additionalProperties === false)
          out.push({ path: `${path}.${key}`, problem: 'is not allowed' });
        else if (isObject(schema.additionalProperties))
          this.check(v, schema.additionalProperties as Schema, `${path}.${key}`, out);
      }
    }
    if (Array.isArray(value)) {
      if (typeof schema.minItems === 'number' && value.length < schema.minItems)
        out.push({ path, problem: `has ${value.length} items, fewer than ${schema.minItems}` });
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
        out.push({ path, problem: `has ${value.length} items, more than ${schema.maxItems}` });
      const prefix = (schema.prefixItems as Schema[] | undefined) ?? [];
      value.forEach((item, i) => {
        const sub = prefix[i] ?? (schema.items as Schema | undefined);
        if (sub) this.check(item, sub, `${path}[${i}]`, out);
      });
    }
    if (Array.isArray(schema.allOf))
      for (const sub of schema.allOf as Schema[]) this.check(value, sub, path, out);
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      const options = schema[keyword] as Schema[] | undefined;
      if (!Array.isArray(options)) continue;
      const results = options.map((sub) => this.validate(value, sub, path));
      const passing = results.filter((r) => r.length === 0).length;
      if (keyword === 'anyOf' ? passing === 0 : passing !== 1) {
        const closest = results.sort((a, b) => a.length - b.length)[0] ?? [];
        out.push({
          path,
          problem: `matches ${passing} of the ${keyword} options; closest: ${closest.map((v) => `${v.path} ${v.problem}`).join('; ')}`,
        });
      }
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return typeof value === 'object' ? 'an object' : String(value);
}

/** Operations of an OpenAPI document: method, path template and the operation object. */
export function operations(document: Schema): { method: string; path: string; operation: Schema }[] {
  const out: { method: string; path: string; operation: Schema }[] = [];
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, operation] of Object.entries(item)) out.push({ method, path, operation });
  }
  return out;
}

/** The schema of an operation's JSON response for a status (following a response $ref). */
export function responseSchema(
  validator: SchemaValidator,
  operation: Schema,
  status: number,
): Schema | undefined {
  let response = (operation.responses as Record<string, Schema> | undefined)?.[String(status)];
  if (!response) return undefined;
  if (typeof response.$ref === 'string') response = validator.resolve(response.$ref);
  const content = response.content as Record<string, { schema?: Schema }> | undefined;
  return content?.['application/json']?.schema;
}
