// Compiled code runs from dist/, but assets (Avro schemas, SQL migrations, bundled policies)
// are not copied there: they are found from the project root, the nearest directory above
// this module that holds package.json. Works from sources, from dist/ and when installed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  root = dir;
  return dir;
}

/** A path inside the project, e.g. projectPath('schemas', 'change', 'v1.avsc'). */
export function projectPath(...segments: string[]): string {
  return join(projectRoot(), ...segments);
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;
}
