// Reads OpenSLO v1 YAML into typed objects. A file holds one or more documents (`---`), and a
// document is one object or a list of them (the OpenSLO repository writes both). Problems name
// the file, the line, the object and the field. A key written with no value (`alertPolicies:`)
// reads as absent, as a Kubernetes-style loader reads it. Pure: the caller reads the file.
import type { Static } from '@sinclair/typebox';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { Envelope, KINDS, SPEC_SCHEMAS, type Kind, type ObjectMetadata } from './openslo-schema.js';
import { specRules } from './openslo-rules.js';
import { formatPath, type FieldPath, type SloProblem } from './problems.js';
import { checkSchema } from './schema-check.js';

export type SpecOf<K extends Kind> = Static<(typeof SPEC_SCHEMAS)[K]>;

export interface OpenSloObject<K extends Kind = Kind> {
  readonly kind: K;
  readonly metadata: ObjectMetadata;
  readonly spec: SpecOf<K>;
  readonly file: string;
  readonly line?: number;
  /** Line of a field of this object (or of its nearest ancestor written out). */
  readonly lineOf: (path: FieldPath) => number | undefined;
}

export interface ParsedFile {
  readonly file: string;
  /** Objects that are valid OpenSLO v1; an object with a problem is left out. */
  readonly objects: readonly OpenSloObject[];
  readonly problems: readonly SloProblem[];
}

export function parseOpenSlo(text: string, file: string): ParsedFile {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines });
  const problems: SloProblem[] = [];
  const objects: OpenSloObject[] = [];
  const docs = Array.isArray(documents) ? documents : [documents];
  docs.forEach((doc, d) => {
    const where = docs.length > 1 ? `document ${d + 1}` : 'document';
    if (doc.errors.length > 0) {
      for (const e of doc.errors)
        problems.push({
          level: 'openslo',
          file,
          object: where,
          field: '(syntax)',
          line: e.linePos?.[0]?.line,
          message: e.message.split('\n')[0]!,
        });
      return;
    }
    const value = withoutNulls(doc.toJS());
    if (value === undefined) return;
    const items: [unknown, FieldPath][] = Array.isArray(value)
      ? value.map((v, i) => [v, [i]])
      : [[value, []]];
    for (const [item, base] of items) {
      const lineOf = (path: FieldPath) => lineAt(doc, lines, [...base, ...path]);
      const label = objectLabel(item, base.length > 0 ? `${where}, item ${Number(base[0]) + 1}` : where);
      const found = readObject(item);
      for (const p of found.problems)
        problems.push({
          level: 'openslo',
          file,
          object: label,
          field: formatPath(p.path),
          line: lineOf(p.path),
          message: p.message,
        });
      if (found.problems.length === 0)
        objects.push({ ...(item as Omit<OpenSloObject, 'file' | 'lineOf'>), file, line: lineOf([]), lineOf });
    }
  });
  return { file, objects, problems };
}

function readObject(item: unknown) {
  const envelope = checkSchema(Envelope, item);
  if (envelope.length > 0) return { problems: envelope };
  const { kind, spec } = item as { kind: Kind; spec?: unknown };
  if (spec === undefined && kind !== 'Service')
    return { problems: [{ path: ['spec'], message: 'is required' }] };
  const structural = checkSchema(SPEC_SCHEMAS[kind], spec ?? {}, ['spec']);
  if (structural.length > 0) return { problems: structural };
  return { problems: specRules(kind, spec ?? {}, ['spec']) };
}

function objectLabel(item: unknown, fallback: string): string {
  const o = item as { kind?: unknown; metadata?: { name?: unknown } } | undefined;
  const kind = typeof o?.kind === 'string' && (KINDS as string[]).includes(o.kind) ? o.kind : undefined;
  const name = typeof o?.metadata?.name === 'string' ? o.metadata.name : undefined;
  return kind && name ? `${kind} ${name}` : fallback;
}

/** Line of the deepest field along `path` that exists: its key's line for a map entry. */
function lineAt(doc: Document, lines: LineCounter, path: FieldPath): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const parent = n === 0 ? undefined : n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
    const last = path[n - 1];
    let node: unknown = n === 0 ? doc.contents : undefined;
    if (isMap(parent)) node = parent.items.find((pair) => isScalar(pair.key) && pair.key.value === last)?.key;
    else if (isSeq(parent) && typeof last === 'number') node = parent.items[last];
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return undefined;
}

function withoutNulls(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const kept = withoutNulls(v);
    if (kept !== undefined) out[k] = kept;
  }
  return out;
}
