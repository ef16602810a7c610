// The service catalog: which services exist, who owns them, where they run, and what they
// depend on. Accepted as Aftershock's own file (YAML or JSON) or as Backstage
// `catalog-info.yaml` documents (`kind: Component`, `spec.dependsOn`, `spec.owner`). Parsing
// is pure; errors name the file, the line and the field at fault.
import { LineCounter, parseAllDocuments } from 'yaml';

export interface ServiceInfo {
  readonly name: string;
  readonly team?: string;
  readonly cluster?: string;
  readonly region?: string;
  readonly dependsOn: readonly string[];
}

export interface Catalog {
  readonly services: readonly ServiceInfo[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

export class CatalogError extends Error {
  constructor(file: string, line: number | undefined, problem: string) {
    super(`${file}${line ? `:${line}` : ''}: ${problem}`);
    this.name = 'CatalogError';
  }
}

/** `component:default/payments`, `resource:db`, `payments` → `payments`. */
export function entityName(ref: string): string {
  const withoutKind = ref.includes(':') ? ref.slice(ref.indexOf(':') + 1) : ref;
  return withoutKind.includes('/') ? withoutKind.slice(withoutKind.lastIndexOf('/') + 1) : withoutKind;
}

export function parseCatalog(text: string, file = 'catalog'): Catalog {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines });
  const services = new Map<string, ServiceInfo>();
  for (const doc of Array.isArray(documents) ? documents : [documents]) {
    if (doc.errors.length > 0) {
      const error = doc.errors[0]!;
      throw new CatalogError(file, error.linePos?.[0]?.line, error.message.split('\n')[0]!);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    // The line of the field, or of the nearest enclosing node when the field is missing.
    const lineOf = (path: (string | number)[]): number | undefined => {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return lines.linePos(node.range[0]).line;
      }
      return undefined;
    };
    const problem = (path: (string | number)[], text: string) =>
      new CatalogError(file, lineOf(path), `${path.join('.')}: ${text}`);
    if (!isObject(value)) throw problem([], 'expected a mapping');
    if ('kind' in value) {
      if (value.kind !== 'Component' && value.kind !== 'Resource' && value.kind !== 'System') continue;
      const metadata = value.metadata;
      if (!isObject(metadata) || typeof metadata.name !== 'string')
        throw problem(['metadata', 'name'], 'is required');
      const spec = isObject(value.spec) ? value.spec : {};
      const dependsOn = stringList(spec.dependsOn, (text) => problem(['spec', 'dependsOn'], text)).map(
        entityName,
      );
      const labels = isObject(metadata.labels) ? metadata.labels : {};
      add(services, {
        name: metadata.name,
        team: typeof spec.owner === 'string' ? entityName(spec.owner) : undefined,
        cluster: typeof labels.cluster === 'string' ? labels.cluster : undefined,
        region: typeof labels.region === 'string' ? labels.region : undefined,
        dependsOn,
      });
      continue;
    }
    if (!Array.isArray(value.services))
      throw problem(['services'], 'expected a list of services (or Backstage documents with a kind)');
    value.services.forEach((entry: unknown, i: number) => {
      if (!isObject(entry) || typeof entry.name !== 'string' || entry.name.trim() === '') {
        throw problem(['services', i, 'name'], 'is required');
      }
      const optional = (field: string) => {
        const v = entry[field];
        if (v !== undefined && typeof v !== 'string') throw problem(['services', i, field], 'must be text');
        return v as string | undefined;
      };
      add(services, {
        name: entry.name,
        team: optional('team'),
        cluster: optional('cluster'),
        region: optional('region'),
        dependsOn: stringList(entry.dependsOn, (text) => problem(['services', i, 'dependsOn'], text)).map(
          entityName,
        ),
      });
    });
  }
  const list = [...services.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { services: list, edges: list.flatMap((s) => s.dependsOn.map((to) => ({ from: s.name, to }))) };
}

function add(services: Map<string, ServiceInfo>, info: ServiceInfo): void {
  const known = services.get(info.name);
  services.set(
    info.name,
    known
      ? {
          ...known,
          ...stripUndefined(info),
          dependsOn: [...new Set([...known.dependsOn, ...info.dependsOn])],
        }
      : info,
  );
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function stringList(value: unknown, fail: (text: string) => Error): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw fail('expected a list of names');
  return value as string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
