// Every query is a reviewed `.sql` file under libs/storage/src/queries/sql (Immich style): a
// change to a query shows up in review as a change to SQL, not to string building in TypeScript.
// Files are read from the project root (they are not copied to dist/), once, when a repository
// is constructed, so a missing file fails at start rather than on the first request. Values
// travel only as `{name:Type}` parameters. What several queries share — the columns of a record's
// row, a filter, the keyset page of a scan — is written once in `sql/parts/` and stands in a
// query as `{{parts/<name>}}`.
import { readdirSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { projectPath } from '#config';

const cache = new Map<string, string>();

/** The directory holding the query files. */
export function queriesDir(): string {
  return projectPath('libs', 'storage', 'src', 'queries', 'sql');
}

/** The names of the query files (`changes/list`, …) and of the parts they share (`parts/…`). */
export function sqlFileNames(): { readonly queries: string[]; readonly parts: string[] } {
  const names = readdirSync(queriesDir(), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.sql'))
    .map((e) => relative(queriesDir(), `${e.parentPath}/${e.name}`).replace(/\.sql$/, ''))
    .sort();
  return {
    queries: names.filter((name) => !name.startsWith('parts/')),
    parts: names.filter((name) => name.startsWith('parts/')),
  };
}

/** `{{name}}`: the text of `sql/<name>.sql`. */
const PART = /\{\{\s*([\w/-]+)\s*\}\}/g;

/**
 * `text` with each `{{name}}` replaced by `readPart(name)` without its comment lines, the lines
 * after the first indented as the line the part stands in. Parts may hold parts; a cycle throws.
 */
export function expandParts(
  text: string,
  readPart: (name: string) => string,
  within: readonly string[] = [],
): string {
  return text.replace(PART, (_, name: string, at: number) => {
    if (within.includes(name)) throw new Error(`sql part ${name} includes itself (${within.join(' → ')})`);
    const body = readPart(name)
      .split('\n')
      .filter((line) => !line.trim().startsWith('--'))
      .join('\n')
      .trim();
    const indent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', at) + 1))![0];
    return expandParts(body, readPart, [...within, name]).replace(/\n/g, `\n${indent}`);
  });
}

function readSql(name: string): string {
  return readFileSync(projectPath('libs', 'storage', 'src', 'queries', 'sql', `${name}.sql`), 'utf8')
    .replace(/\r\n?/g, '\n')
    .trimEnd()
    .replace(/;$/, '');
}

/** The text of `sql/<name>.sql`, ready to send: parts expanded, comments kept, the closing `;` dropped. */
export function sqlFile(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = expandParts(readSql(name), readSql, [name]);
    cache.set(name, text);
  }
  return text;
}

/** Loads several files at once: `sqlFiles({ list: 'changes/list' }).list`. */
export function sqlFiles<const K extends string>(names: Record<K, string>): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const key of Object.keys(names) as K[]) out[key] = sqlFile(names[key]);
  return out;
}
