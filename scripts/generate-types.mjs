#!/usr/bin/env node
// Generates TypeScript types from the newest version of each Avro schema in schemas/, so the
// schemas stay the source of truth, and each enum's symbols as an `as const` array (enums.ts:
// plain data, importable by the pure core) for code that lists or checks them.
// `node scripts/generate-types.mjs` rewrites both files; `--check` exits 1 when a committed one
// is stale (a unit test runs the same check).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUTPUT = join(root, 'libs/contracts/src/generated/events.ts');
export const ENUMS_OUTPUT = join(root, 'libs/contracts/src/generated/enums.ts');
const HEADER = '// Generated from schemas/ by scripts/generate-types.mjs — do not edit by hand.\n';

/** ChangeKind → CHANGE_KIND_VALUES */
const valuesName = (name) => `${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}_VALUES`;

export function generate(schemasDir = join(root, 'schemas')) {
  const emitted = new Map();
  const order = [];
  const enums = [];

  function typeOf(t) {
    if (typeof t === 'string') {
      const prim = {
        null: 'null',
        boolean: 'boolean',
        int: 'number',
        long: 'number',
        float: 'number',
        double: 'number',
        bytes: 'Buffer',
        string: 'string',
      };
      return prim[t] ?? t.split('.').pop();
    }
    if (Array.isArray(t)) return t.map(typeOf).join(' | ');
    switch (t.type) {
      case 'record':
        declare(t);
        return t.name;
      case 'enum':
        declare(t);
        return t.name;
      case 'array':
        return `${wrap(typeOf(t.items))}[]`;
      case 'map':
        return `Record<string, ${typeOf(t.values)}>`;
      default:
        return typeOf(t.type);
    }
  }
  const wrap = (s) => (s.includes('|') ? `(${s})` : s);
  const doc = (text, indent = '') => (text ? `${indent}/** ${text} */\n` : '');

  function declare(t) {
    if (emitted.has(t.name)) return;
    emitted.set(t.name, '');
    let body;
    if (t.type === 'enum') {
      body = `${doc(t.doc)}export type ${t.name} = ${t.symbols.map((s) => `'${s}'`).join(' | ')};\n`;
      enums.push(
        `/** Every ${t.name}, in the schema's order. */\nexport const ${valuesName(t.name)} = [${t.symbols.map((s) => `'${s}'`).join(', ')}] as const;\n`,
      );
    } else {
      const fields = t.fields
        .map((f) => `${doc(f.doc, '  ')}  readonly ${f.name}: ${typeOf(f.type)};\n`)
        .join('');
      body = `${doc(t.doc)}export interface ${t.name} {\n${fields}}\n`;
    }
    emitted.set(t.name, body);
    order.push(t.name);
  }

  const latest = {};
  for (const event of readdirSync(schemasDir).sort()) {
    const versions = readdirSync(join(schemasDir, event))
      .map((f) => /^v(\d+)\.avsc$/.exec(f))
      .filter(Boolean)
      .sort((a, b) => Number(a[1]) - Number(b[1]));
    const newest = versions.at(-1);
    const schema = JSON.parse(readFileSync(join(schemasDir, event, newest[0]), 'utf8'));
    latest[event] = { name: schema.name, version: Number(newest[1]) };
    typeOf(schema);
  }
  const map = Object.entries(latest)
    .map(([event, { name }]) => `  '${event}': ${name};\n`)
    .join('');
  return {
    [OUTPUT]:
      HEADER +
      '\n' +
      order.map((n) => emitted.get(n)).join('\n') +
      `\n/** The TypeScript type of each canonical event, by schema folder name. */\nexport interface EventTypes {\n${map}}\n`,
    [ENUMS_OUTPUT]: HEADER + '\n' + enums.join('\n'),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, text] of Object.entries(generate())) {
    if (process.argv.includes('--check')) {
      if (readFileSync(file, 'utf8') !== text) {
        console.error(`${file} is stale: run \`node scripts/generate-types.mjs\``);
        process.exitCode = 1;
      }
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${file}`);
    }
  }
}
