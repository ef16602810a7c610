// Every repository query is a reviewed `.sql` file under libs/storage/src/queries/sql (Immich
// style): a change to a query shows up in review as a change to SQL, not to string building in
// TypeScript. Files are read from the project root (they are not copied to dist/), once, when a
// repository is constructed, so a missing file fails at start rather than on the first request.
// Values travel only as `{name:Type}` parameters.
import { readFileSync } from 'node:fs';
import { projectPath } from '#config';

const cache = new Map<string, string>();

/** The directory holding the query files. */
export function queriesDir(): string {
  return projectPath('libs', 'storage', 'src', 'queries', 'sql');
}

/** The text of `sql/<name>.sql`, ready to send: comments kept, the closing `;` dropped. */
export function sqlFile(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    const path = projectPath('libs', 'storage', 'src', 'queries', 'sql', `${name}.sql`);
    text = readFileSync(path, 'utf8').replace(/\r\n?/g, '\n').trimEnd().replace(/;$/, '');
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
