// `aftershock slo validate <file|dir>`: checks OpenSLO files the way the server loads them —
// a directory's YAML files as one set, so references resolve across them — and prints one
// line per file with the two levels apart: valid OpenSLO v1 or not (the field at fault), and
// computable by Aftershock or not (e.g. a metricSource it cannot query).
//   exit 0 every file valid and computable · 1 any file not · 2 bad command line or unreadable path
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileVerdictLine, validateOpenSlo, type SourceFile } from '#core';
import { defineCommand } from '../command.js';

const USAGE =
  'aftershock slo validate <FILE | DIR>\n' +
  '  FILE  an OpenSLO v1 YAML file (several documents and lists of objects allowed)\n' +
  '  DIR   every .yaml and .yml file under it, read as one set: references resolve across files\n' +
  '  One line per file: valid OpenSLO v1 or not (the field at fault), computable by Aftershock or\n' +
  '  not. Aftershock queries its own telemetry: metricSource {type: Aftershock, spec: {metric,\n' +
  '  service, environment, labels}}.\n' +
  '  exit codes: 0 every file valid and computable, 1 any file not, 2 bad command line or path';

export const sloCommand = defineCommand({
  name: 'slo',
  summary:
    'check OpenSLO v1 files: valid, and computable by Aftershock (exit 0 only when every file is both)',
  usage: USAGE,
  options: {},
  maxPositionals: 2,
  async run(args) {
    const [action, path] = args.positional;
    if (action !== 'validate' || path === undefined) {
      const problem =
        action === 'validate' ? 'validate needs a file or directory' : `unknown action "${action ?? ''}"`;
      process.stderr.write(`aftershock slo: ${problem}\n\nusage: ${USAGE}\n`);
      return 2;
    }
    let sources: SourceFile[];
    try {
      sources = readSources(path);
    } catch (error) {
      process.stderr.write(`aftershock slo: cannot read ${path}: ${(error as Error).message}\n`);
      return 2;
    }
    if (sources.length === 0) {
      process.stderr.write(`aftershock slo: no .yaml or .yml files in ${path}\n`);
      return 2;
    }
    const { files } = validateOpenSlo(sources);
    process.stdout.write(files.map((f) => `${fileVerdictLine(f)}\n`).join(''));
    return files.every((f) => f.valid && f.computable) ? 0 : 1;
  },
});

function readSources(path: string): SourceFile[] {
  if (!statSync(path).isDirectory()) return [{ file: path, text: readFileSync(path, 'utf8') }];
  return yamlFiles(path).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out;
}
