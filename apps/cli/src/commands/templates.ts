// `aftershock templates <file>`: mines message templates from a file (or stdin) and prints one
// line per input line with its template id and template text; --csv and --json (NDJSON) for
// tooling. A progress bar goes to stderr when stderr is a terminal.
import { createReadStream, statSync, type ReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { TemplateMiner } from '#core';
import { defineCommand, type Args } from '../command.js';
import { ProgressBar } from '../progress.js';

type Format = 'text' | 'csv' | 'json';

const USAGE =
  'aftershock templates [FILE|-] [--csv | --json] [--max-templates N] [--summary]\n' +
  '  FILE     a text file, one message per line; "-" or none reads stdin\n' +
  '  --csv    CSV: line,template_id,template,message\n' +
  '  --json   NDJSON: {"line","templateId","template","isNew","message"} per line\n' +
  '  --summary  after the last line, print the templates (id, count, text) to stderr\n' +
  'Ids are stable: the same input gives the same ids; a template keeps its id as it refines,\n' +
  'and when variants of a template merge, the oldest id survives.';

const OPTIONS = {
  csv: { type: 'boolean' },
  json: { type: 'boolean' },
  summary: { type: 'boolean' },
  'max-templates': { type: 'string' },
} as const;

export const templatesCommand = defineCommand({
  name: 'templates',
  summary: 'mine message templates from a log or alert file (or stdin): template id and text per line',
  usage: USAGE,
  options: OPTIONS,
  maxPositionals: 1,
  async run(args) {
    const parsed = parseOptions(args);
    if (typeof parsed === 'string') {
      process.stderr.write(`aftershock templates: ${parsed}\n\nusage: ${USAGE}\n`);
      return 2;
    }
    const { file, format, maxTemplates, summary } = parsed;
    let input: NodeJS.ReadableStream;
    let totalBytes = 0;
    if (file === undefined) input = process.stdin;
    else {
      try {
        totalBytes = statSync(file).size;
      } catch (error) {
        process.stderr.write(`aftershock templates: cannot read ${file}: ${(error as Error).message}\n`);
        return 1;
      }
      input = createReadStream(file);
    }
    return mine(input, totalBytes, format, maxTemplates, summary);
  },
});

interface Options {
  readonly file: string | undefined;
  readonly format: Format;
  readonly maxTemplates: number | undefined;
  readonly summary: boolean;
}

function parseOptions(args: Args<typeof OPTIONS>): Options | string {
  const { csv, json, summary } = args.options;
  if (csv && json) return 'choose one of --csv and --json';
  let maxTemplates: number | undefined;
  const max = args.options['max-templates'];
  if (max !== undefined) {
    maxTemplates = Number(max);
    if (!Number.isInteger(maxTemplates) || maxTemplates < 1)
      return `--max-templates must be a positive integer (got ${max})`;
  }
  const first = args.positional[0];
  const file = first === undefined || first === '-' ? undefined : first;
  const format: Format = csv ? 'csv' : json ? 'json' : 'text';
  return { file, format, maxTemplates, summary: summary === true };
}

async function mine(
  input: NodeJS.ReadableStream,
  totalBytes: number,
  format: Format,
  maxTemplates: number | undefined,
  summary: boolean,
): Promise<number> {
  const miner = new TemplateMiner(maxTemplates === undefined ? {} : { maxTemplates });
  const out = new BufferedOutput();
  const progress = new ProgressBar('lines', totalBytes);
  if (format === 'csv') out.write('line,template_id,template,message\n');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      const r = miner.add(line);
      if (format === 'text') out.write(`${r.templateId}  ${r.template}\n`);
      else if (format === 'csv')
        out.write(`${n},${r.templateId},${csvField(r.template)},${csvField(line)}\n`);
      else
        out.write(
          `${JSON.stringify({ line: n, templateId: r.templateId, template: r.template, isNew: r.isNew, message: line })}\n`,
        );
      if (out.pending()) await out.flush();
      if (out.closed) break;
      if ((n & 1023) === 0) progress.update(n, (input as Partial<ReadStream>).bytesRead);
    }
    await out.flush();
    if (out.error) throw out.error;
  } catch (error) {
    progress.clear();
    process.stderr.write(`aftershock templates: ${(error as Error).message}\n`);
    return 1;
  } finally {
    lines.close();
  }
  const templates = miner.stats().templates;
  progress.finish((seconds) => {
    const rate = Math.round(n / Math.max(seconds, 1e-3)).toLocaleString('en');
    return `${n.toLocaleString('en')} lines, ${templates.toLocaleString('en')} templates in ${seconds.toFixed(1)} s (${rate} lines/s)`;
  });
  if (summary) {
    const templates = miner.templates().sort((a, b) => b.count - a.count);
    for (const t of templates)
      process.stderr.write(`${t.id}  ${String(t.count).padStart(8)}  ${t.template}\n`);
    const s = miner.stats();
    process.stderr.write(
      `${n} lines, ${s.templates} templates (${s.created} created, ${s.merged} merged, ${s.evicted} evicted)\n`,
    );
  }
  return 0;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Batches stdout writes, honours backpressure, and stops quietly when the reader goes away (`| head`). */
class BufferedOutput {
  private chunks: string[] = [];
  private size = 0;
  closed = false;
  /** A write error other than the reader going away. */
  error: Error | undefined;

  constructor() {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      this.closed = true;
      if (error.code !== 'EPIPE') this.error = error;
    });
  }

  write(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
  }

  pending(): boolean {
    return this.size >= 64 * 1024;
  }

  async flush(): Promise<void> {
    if (this.size === 0 || this.closed) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    if (!process.stdout.write(text)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          process.stdout.off('drain', done);
          process.stdout.off('error', done);
          resolve();
        };
        process.stdout.on('drain', done);
        process.stdout.on('error', done);
      });
    }
  }
}
