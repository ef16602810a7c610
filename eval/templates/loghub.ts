// The loghub-2k data sets with corrected ground truth (loghub-2.0), read in place from `--data`
// (the datasets folder or the loghub-2k folder itself), else `$AFTERSHOCK_DATASETS`, else
// `../shared/datasets` next to the project root. Never copied into the repository.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetsDir } from '../common/datasets.js';

/** The development systems: every accuracy figure and every tuned parameter comes from these. */
export const SYSTEMS = ['HDFS', 'Hadoop', 'Spark', 'Zookeeper', 'BGL', 'HPC', 'Apache', 'OpenSSH'] as const;

/**
 * Drain's published grouping accuracy on loghub-2k with the corrected ground truth, for all 14
 * systems of loghub-2.0 (Jiang et al., "A Large-scale Evaluation for Log Parsing Techniques: How
 * Far are We?", ISSTA 2024, the effectiveness table's 2k column), so that a run on the systems
 * nobody tuned on is compared with Drain too.
 */
export const DRAIN_GA: Readonly<Record<string, number>> = {
  HDFS: 0.998,
  Hadoop: 0.948,
  Spark: 0.922,
  Zookeeper: 0.967,
  BGL: 0.963,
  HPC: 0.887,
  Apache: 1.0,
  OpenSSH: 0.789,
  OpenStack: 0.733,
  Thunderbird: 0.955,
  Linux: 0.69,
  Mac: 0.786,
  HealthApp: 0.78,
  Proxifier: 0.526,
};

export interface LoghubData {
  readonly system: string;
  readonly file: string;
  readonly content: readonly string[];
  readonly eventIds: readonly string[];
  readonly templates: readonly string[];
  /** The raw log lines, header included (`<System>_2k.log`), when there is one line per row. */
  readonly raw: readonly string[] | undefined;
}

/**
 * The loghub-2k folder: `loghub-2k/` inside the datasets folder, or the folder itself when it
 * holds the systems' folders (`--data` may name either).
 */
export function loghubDir(dir = datasetsDir()): string {
  const inside = join(dir, 'loghub-2k');
  return existsSync(inside) ? inside : dir;
}

/** The corrected ground truth where there is one (loghub-2.0), else the original labels. */
export function loghubFile(system: string, dir = datasetsDir()): string {
  const folder = join(loghubDir(dir), system);
  const corrected = join(folder, `${system}_2k.log_structured_corrected.csv`);
  const original = join(folder, `${system}_2k.log_structured.csv`);
  return existsSync(corrected) || !existsSync(original) ? corrected : original;
}

export function loadLoghub(system: string, dir = datasetsDir()): LoghubData {
  const file = loghubFile(system, dir);
  if (!existsSync(file)) {
    throw new Error(
      `loghub-2k data not found at ${file}; pass --data (or set AFTERSHOCK_DATASETS) to the datasets directory or to the loghub-2k folder`,
    );
  }
  const rows = parseCsv(readFileSync(file, 'utf8'));
  const header = rows[0] ?? [];
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: no ${name} column`);
    return i;
  };
  const [c, e, t] = [col('Content'), col('EventId'), col('EventTemplate')];
  const body = rows.slice(1).filter((r) => r.length > 1);
  const rawFile = join(loghubDir(dir), system, `${system}_2k.log`);
  const raw = existsSync(rawFile)
    ? readFileSync(rawFile, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0)
    : [];
  return {
    system,
    file,
    content: body.map((r) => r[c] ?? ''),
    eventIds: body.map((r) => r[e] ?? ''),
    templates: body.map((r) => r[t] ?? ''),
    raw: raw.length === body.length ? raw.map((l) => l.replace(/\r$/, '')) : undefined,
  };
}

/**
 * Drain's published 2k GA per system from `loghub-2k/published/loghub2_effectiveness_results.csv`
 * (rows `<System> GA`, cells "2k corrected / 2.0 full"), falling back to DRAIN_GA.
 */
export function drainGa(dir = datasetsDir()): Map<string, number> {
  const out = new Map(Object.entries(DRAIN_GA));
  const file = join(loghubDir(dir), 'published', 'loghub2_effectiveness_results.csv');
  if (!existsSync(file)) return out;
  const rows = parseCsv(readFileSync(file, 'utf8'));
  const drain = (rows[0] ?? []).indexOf('Drain');
  if (drain < 0) return out;
  for (const row of rows.slice(1)) {
    const m = /^(\S+) GA$/.exec(row[0] ?? '');
    const value = Number.parseFloat((row[drain] ?? '').split('/')[0] ?? '');
    if (m && m[1] !== 'Average' && Number.isFinite(value)) out.set(m[1]!, value);
  }
  return out;
}

/** RFC 4180 CSV: quoted fields, doubled quotes inside them, CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let field: string;
    if (text.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) throw new Error('CSV: unterminated quoted field');
        value += text.slice(from, q);
        if (text.charCodeAt(q + 1) === 34) {
          value += '"';
          from = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      field = value;
    } else {
      let end = i;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === 44 || c === 10 || c === 13) break;
        end++;
      }
      field = text.slice(i, end);
      i = end;
    }
    row.push(field);
    const c = text.charCodeAt(i);
    if (c === 44) i++;
    else {
      // End of the record (or of the text).
      if (c === 13) i++;
      if (text.charCodeAt(i) === 10) i++;
      rows.push(row);
      row = [];
    }
  }
  if (row.length > 0) rows.push(row);
  return rows;
}
