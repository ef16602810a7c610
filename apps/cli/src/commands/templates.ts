// `aftershock templates <file>`: mines message templates from a file (or stdin) and prints one
// line per input line with its template id and template text; --csv and --json (NDJSON) for
// tooling. By default every line gets its *final* template: the whole input is mined first, then
// each line is printed with the id its template answers to after the last line (variants merged
// later share one id) — the grouping `npm run eval:templates` scores. `--stream` prints each line
// as it arrives with the id it got then, for pipes that cannot wait. A progress bar goes to
// stderr when stderr is a terminal.
import { createReadStream, statSync } from 'node:fs';
import { TemplateMiner, type AddResult } from '#core';
import { defineCommand, type Args } from '../command.js';
import { forEachLine } from '../lines.js';
import { ProgressBar } from '../progress.js';

type Format = 'text' | 'csv' | 'json';

const USAGE =
  'aftershock templates [FILE|-] [--csv | --json] [--stream] [--max-templates N] [--summary]\n' +
  '  FILE       a text file, one message per line ("\\n" or "\\r\\n" ends a line; a lone "\\r" does not,\n' +
  '             so line numbers agree with `wc -l`); "-" or none reads stdin\n' +
  '  (default)  final ids: the whole input is mined first, then every line is printed with the\n' +
  '             template it belongs to after the last line, so variants that merged later share\n' +
  '             one id. A file is read twice for --csv/--json; stdin is held in memory.\n' +
  '  --stream   arrival ids: each line is printed as soon as it is read, with the id its template\n' +
  '             had then; ids of templates merged later are not rewritten (with --json, the line\n' +
  '             that caused a merge lists the merged ids in "merged"). For pipes and tail -f.\n' +
  '  --csv      CSV: line,template_id,template,message (the message byte for byte as read)\n' +
  '  --json     NDJSON: {"line","templateId","template","isNew","message"} per line; JSON text is\n' +
  '             Unicode, so bytes that are not UTF-8 appear as U+FFFD in "message"\n' +
  '  --max-templates N  templates held at most (least recently used evicted; default 10000)\n' +
  '  --summary  after the last line, print the templates (id, count, text) to stderr\n' +
  'Templates hold at most 128 tokens (the rest of a longer line is one <*>) and a token of more\n' +
  'than 256 characters is one <*>. Ids are stable: the same input gives the same ids; a template\n' +
  'keeps its id as it refines, and when variants of a template merge, the oldest id survives.';

const OPTIONS = {
  csv: { type: 'boolean' },
  json: { type: 'boolean' },
  summary: { type: 'boolean' },
  stream: { type: 'boolean' },
  'max-templates': { type: 'string' },
} as const;

export const templatesCommand = defineCommand({
  name: 'templates',
  summary: 'mine message templates from a log or alert file (or stdin): final template id and text per line',
  usage: USAGE,
  options: OPTIONS,
  maxPositionals: 1,
  async run(args) {
    const parsed = parseOptions(args);
    if (typeof parsed === 'string') {
      process.stderr.write(`aftershock templates: ${parsed}\n\nusage: ${USAGE}\n`);
      return 2;
    }
    let totalBytes = 0;
    if (parsed.file !== undefined) {
      try {
        totalBytes = statSync(parsed.file).size;
      } catch (error) {
        process.stderr.write(
          `aftershock templates: cannot read ${parsed.file}: ${(error as Error).message}\n`,
        );
        return 1;
      }
    }
    const out = new BufferedOutput();
    try {
      const miner = new TemplateMiner(
        parsed.maxTemplates === undefined ? {} : { maxTemplates: parsed.maxTemplates },
      );
      const n = parsed.stream
        ? await mineStreaming(parsed, miner, out, totalBytes)
        : await mineThenPrint(parsed, miner, out, totalBytes);
      await out.flush();
      if (out.error) throw out.error;
      if (parsed.summary) printSummary(miner, n);
      return 0;
    } catch (error) {
      process.stderr.write(`aftershock templates: ${(error as Error).message}\n`);
      return 1;
    }
  },
});

interface Options {
  readonly file: string | undefined;
  readonly format: Format;
  readonly maxTemplates: number | undefined;
  readonly summary: boolean;
  readonly stream: boolean;
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
  return { file, format, maxTemplates, summary: summary === true, stream: args.options.stream === true };
}

function open(file: string | undefined): NodeJS.ReadableStream & { bytesRead?: number } {
  return file === undefined ? process.stdin : createReadStream(file, { highWaterMark: 256 * 1024 });
}

/** One output line in the chosen format. */
function formatted(
  format: Format,
  n: number,
  id: string,
  template: string,
  isNew: boolean,
  message: Buffer,
  merged?: readonly string[],
): string | (string | Buffer)[] {
  if (format === 'text') return `${id}  ${template}\n`;
  if (format === 'csv') return [`${n},${id},${csvField(template)},`, csvBytes(message), '\n'];
  const fields: Record<string, unknown> = {
    line: n,
    templateId: id,
    template,
    isNew,
    message: message.toString('utf8'),
  };
  if (merged && merged.length > 0) fields.merged = merged;
  return `${JSON.stringify(fields)}\n`;
}

/**
 * Feeds every line of the input to the miner, with a progress bar; `each` sees the line, its
 * number and the miner's answer, and returns false to stop reading.
 */
async function mineInput(
  o: Options,
  miner: TemplateMiner,
  totalBytes: number,
  each: (line: Buffer, n: number, r: AddResult) => Promise<boolean> | boolean,
): Promise<number> {
  const input = open(o.file);
  const progress = new ProgressBar('lines', totalBytes);
  let n = 0;
  await forEachLine(input as AsyncIterable<Buffer>, (line) => {
    n++;
    if ((n & 1023) === 0) progress.update(n, input.bytesRead);
    return each(line, n, miner.add(line.toString('utf8')));
  });
  finish(progress, n, miner);
  return n;
}

/** `--stream`: each line printed with the id its template had when the line arrived. */
async function mineStreaming(
  o: Options,
  miner: TemplateMiner,
  out: BufferedOutput,
  totalBytes: number,
): Promise<number> {
  if (o.format === 'csv') out.write('line,template_id,template,message\n');
  return mineInput(o, miner, totalBytes, (line, n, r) => {
    out.write(formatted(o.format, n, r.templateId, r.template, r.isNew, line, r.merged));
    return out.drained();
  });
}

/**
 * The default: mine every line first (keeping each line's arrival id, and the lines themselves
 * only when stdin must be echoed), then print every line with its template after the last line.
 */
async function mineThenPrint(
  o: Options,
  miner: TemplateMiner,
  out: BufferedOutput,
  totalBytes: number,
): Promise<number> {
  const arrivals = new ArrivalIds();
  const echo = o.format !== 'text';
  const held: Buffer[] | undefined = echo && o.file === undefined ? [] : undefined;
  const n = await mineInput(o, miner, totalBytes, (line, _, r) => {
    arrivals.push(r);
    held?.push(line);
    return true;
  });
  const final = arrivals.resolve(miner);
  if (o.format === 'csv') out.write('line,template_id,template,message\n');
  const seen = new Set<string>();
  const print = (k: number, message: Buffer): boolean | Promise<boolean> => {
    const { id, template } = final[arrivals.at(k)]!;
    const isNew = !seen.has(id);
    if (isNew) seen.add(id);
    out.write(formatted(o.format, k + 1, id, template, isNew, message));
    return out.drained();
  };
  if (!echo || held) {
    for (let k = 0; k < n; k++) {
      const go = print(k, held?.[k] ?? EMPTY);
      if (go === false || (go !== true && !(await go))) break;
    }
  } else {
    let k = 0;
    await forEachLine(open(o.file) as AsyncIterable<Buffer>, (line) => k < n && print(k++, line));
  }
  return n;
}

const EMPTY = Buffer.alloc(0);

/**
 * Each line's arrival id as an index into the distinct ids (4 bytes a line), with the latest
 * template text seen for each id (the text an evicted template had last).
 */
class ArrivalIds {
  private readonly ids: string[] = [];
  private readonly texts: string[] = [];
  private readonly index = new Map<string, number>();
  private lines = new Uint32Array(1024);
  private size = 0;

  push(r: AddResult): void {
    let k = this.index.get(r.templateId);
    if (k === undefined) {
      k = this.ids.length;
      this.index.set(r.templateId, k);
      this.ids.push(r.templateId);
      this.texts.push(r.template);
    } else this.texts[k] = r.template;
    if (this.size === this.lines.length) {
      const grown = new Uint32Array(this.lines.length * 2);
      grown.set(this.lines);
      this.lines = grown;
    }
    this.lines[this.size++] = k;
  }

  at(line: number): number {
    return this.lines[line]!;
  }

  /** For each distinct arrival id: the id and text it answers to after the last line. */
  resolve(miner: TemplateMiner): { id: string; template: string }[] {
    return this.ids.map((id, k) => {
      const live = miner.resolve(id);
      return live === undefined
        ? { id, template: this.texts[k]! }
        : { id: live, template: miner.template(live)! };
    });
  }
}

function finish(progress: ProgressBar, n: number, miner: TemplateMiner): void {
  const templates = miner.stats().templates;
  progress.finish((seconds) => {
    const rate = Math.round(n / Math.max(seconds, 1e-3)).toLocaleString('en');
    return `${n.toLocaleString('en')} lines, ${templates.toLocaleString('en')} templates in ${seconds.toFixed(1)} s (${rate} lines/s)`;
  });
}

function printSummary(miner: TemplateMiner, n: number): void {
  const templates = miner.templates().sort((a, b) => b.count - a.count);
  for (const t of templates) process.stderr.write(`${t.id}  ${String(t.count).padStart(8)}  ${t.template}\n`);
  const s = miner.stats();
  process.stderr.write(
    `${n} lines, ${s.templates} templates (${s.created} created, ${s.merged} merged, ${s.evicted} evicted)\n`,
  );
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A CSV field from raw bytes: quoted (quotes doubled) when it holds `"`, `,` or `\r`. */
function csvBytes(value: Buffer): Buffer {
  if (value.indexOf(34) < 0 && value.indexOf(44) < 0 && value.indexOf(13) < 0) return value;
  const parts: Buffer[] = [QUOTE];
  let start = 0;
  for (let q = value.indexOf(34); q >= 0; q = value.indexOf(34, start)) {
    parts.push(value.subarray(start, q + 1), QUOTE);
    start = q + 1;
  }
  parts.push(value.subarray(start), QUOTE);
  return Buffer.concat(parts);
}

const QUOTE = Buffer.from('"');

/** Batches stdout writes, honours backpressure, and stops quietly when the reader goes away (`| head`). */
class BufferedOutput {
  private chunks: (string | Buffer)[] = [];
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

  write(text: string | (string | Buffer)[]): void {
    if (typeof text === 'string') {
      this.chunks.push(text);
      this.size += text.length;
      return;
    }
    for (const part of text) {
      this.chunks.push(part);
      this.size += part.length;
    }
  }

  pending(): boolean {
    return this.size >= 64 * 1024;
  }

  /** Whether to go on writing: true at once, or (with a full buffer) after a flush. */
  drained(): boolean | Promise<boolean> {
    if (!this.pending()) return !this.closed;
    return this.flush().then(() => !this.closed);
  }

  async flush(): Promise<void> {
    if (this.size === 0 || this.closed) return;
    const bytes = this.chunks.some((c) => typeof c !== 'string');
    const data = bytes
      ? Buffer.concat(this.chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)))
      : this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    if (!process.stdout.write(data)) {
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
