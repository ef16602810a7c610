// Answers checked against the API's schemas with the api's own schema library: the document's
// components are TypeBox schemas in the app (componentSchemas), so a served answer is checked
// against exactly the schema the document shows for it (the test asserts the served document
// is the generated one). Returns every violation with the path to it.
import { Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { componentSchemas } from '../../apps/api/src/openapi/openapi.js';

export type Schema = Record<string, unknown>;

export interface Violation {
  readonly path: string;
  readonly problem: string;
}

const COMPONENT = '#/components/schemas/';

export class SchemaValidator {
  private readonly references = Object.values(componentSchemas());

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

  /** Violations of `value` against a document schema: a component reference, or a plain object. */
  validate(value: unknown, schema: Schema): Violation[] {
    return [...Value.Errors(this.checked(schema), this.references, value)].map((e) => ({
      path: `$${e.path.replaceAll('/', '.')}`,
      problem: `${e.message}, got ${JSON.stringify(e.value)?.slice(0, 80)}`,
    }));
  }

  private checked(schema: Schema): TSchema {
    const ref = schema.$ref;
    if (typeof ref === 'string' && ref.startsWith(COMPONENT)) return Type.Ref(ref.slice(COMPONENT.length));
    if (schema.type === 'object' && Object.keys(schema).length === 1) return Type.Object({});
    throw new Error(`an inline response schema the contract test cannot check: ${JSON.stringify(schema)}`);
  }
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
