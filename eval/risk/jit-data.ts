// Change histories with failure-inducing labels, from just-in-time defect data sets, as Changes
// a backtest can replay. Two column sets are read, from every `.csv` in a directory (or one file):
//
//   JiTReliability (`<Project>_input.csv`): transactionid, commitdate ("YYYY-MM-DD HH:MM:SS",
//     UTC), ns, nm, nf, entropy, la, ld (both divided by lt), lt, fix, ndev, pd, npt (divided
//     by nf), exp, rexp, sexp, bug. Beside it `<Project>_failures.csv` (issue, creation time in
//     epoch seconds) and `<Project>_mapping.csv` (fix commit, inducing commit, issue) give when
//     each failure was reported; `<Project>_commitsID.csv` (commit, transactionid), where
//     present, ties commits to rows.
//   The common naming (ApacheJIT, Commit Guru exports): la, ld (counts), nf, nd, ns, ent, ndev,
//     age (days), nuc, aexp, arexp, asexp, fix, buggy, author_date (epoch seconds, ISO 8601 or
//     git's "Mon Aug 1 11:49:04 2016 -0400"), project (else the file name); lt, entropy, exp, rexp,
//     sexp, revert and commit_id/commit_hash are read where present. Commit Guru names the label
//     contains_bug and the time author_date_unix_timestamp (preferred to author_date where both
//     are); its daystofix (days from a failure-inducing change to its fix, as in the verification-
//     latency data sets of Cabral et al., ICSE 2019) is when that failure became known.
//
// Which canonical field each column fills is the table in libs/contracts/src/change-content.ts.
// When a label's failure report time is known, the label becomes known then; where the report
// times exist but the tie between a report and its change does not (JiTReliability without
// commitsID: its input rows carry no commit id), each project's reports are taken in time order,
// each given to one of the failure-inducing changes not yet reported that are older than it —
// drawn at random, as nothing says which (seeded: every run draws the same; `reportOrder:
// 'oldest'` gives it to the oldest instead) — which keeps, at every instant, exactly the number
// of labels the record had known; where a row carries its own (daystofix), then; where no report
// times exist, a label becomes known `labelDelayMs` after its change.
//
// A column identical to an earlier one in every row of a project adds nothing of its own: it is
// dropped (left unknown) and reported, so a duplicated export does not count one feature thrice.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CHANGE_CONTENT_FIELDS, emptyContent, type Change, type ContentFieldName } from '#contracts';
import { completeChange, SeededRandom } from '#core';

const DAY = 86_400_000;

export interface JitChange {
  readonly change: Change;
  /** The data set's label: the change induced a failure. */
  readonly failed: boolean;
  /** When that became known (ms), null when it never did within the data. */
  readonly knownAt: number | null;
  /** Lines changed (added + deleted), for effort. */
  readonly lines: number;
}

export interface JitProject {
  readonly name: string;
  readonly file: string;
  readonly changes: readonly JitChange[];
  /** How labels become known, in words. */
  readonly labels: string;
  /** Rows left out (no date) and columns dropped as copies of others. */
  readonly skippedRows: number;
  readonly droppedColumns: readonly string[];
  /** Failure-inducing changes no report time could be given to (they never become known). */
  readonly unreported: number;
}

export interface JitLoadOptions {
  /** Where no report times exist, labels become known this long after the change. */
  readonly labelDelayMs: number;
  /** Use the fixed delay even where report times exist. */
  readonly forceDelay?: boolean;
  /** Without commit ids: each report to a random eligible change (default) or the oldest. */
  readonly reportOrder?: ReportOrder;
}

export type ReportOrder = 'random' | 'oldest';

/** Every project in `path` (a directory of CSV files, or one file). */
export function loadJit(path: string, options: JitLoadOptions): JitProject[] {
  if (!existsSync(path))
    throw new Error(
      `${path} not found: pass --jit DIR, or set AFTERSHOCK_DATASETS to the datasets directory`,
    );
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith('.csv') && !/_(failures|mapping|commitsID)\.csv$/.test(f))
        .sort()
        .map((f) => join(path, f))
    : [path];
  const projects: JitProject[] = [];
  for (const file of files) projects.push(...loadFile(file, options));
  if (projects.length === 0) throw new Error(`${path}: no change histories (*.csv) found`);
  return projects.sort((a, b) => a.name.localeCompare(b.name));
}

// ——— reading ———

type Row = Readonly<Record<string, string>>;

/** CSV or TSV (told from the header) with double-quoted fields. */
export function readTable(file: string): Row[] {
  const text = readFileSync(file, 'utf8').replace(/\r\n?/g, '\n');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return [];
  const separator = lines[0]!.includes('\t') ? '\t' : ',';
  const header = splitLine(lines[0]!, separator);
  return lines.slice(1).map((line) => {
    const cells = splitLine(line, separator);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

function splitLine(line: string, separator: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      out.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  out.push(cell.trim());
  return out;
}

const missing = (v: string | undefined) => v === undefined || v === '' || v === 'NA' || v === 'NaN';

function number(v: string | undefined): number | null {
  if (missing(v)) return null;
  if (v === 'True' || v === 'true') return 1;
  if (v === 'False' || v === 'false') return 0;
  const x = Number(v);
  return Number.isFinite(x) ? x : null;
}

function instant(v: string | undefined): number | null {
  if (missing(v)) return null;
  if (/^\d+(\.\d+)?$/.test(v!)) return Math.round(Number(v) * 1000);
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(v!) ? `${v!.replace(' ', 'T')}Z` : v!;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

// ——— the two column sets ———

interface Parsed {
  readonly id: string;
  readonly project: string;
  readonly at: number;
  readonly failed: boolean;
  readonly commit: string | null;
  readonly values: Partial<Record<ContentFieldName, number>>;
  /** When its failure became known, where the row says (daystofix); undefined where it does not. */
  readonly reportedAt?: number;
}

/** The canonical field each column fills, by the data sets' names (first name wins). */
const FIELD_OF_COLUMN = new Map<string, ContentFieldName>();
for (const f of CHANGE_CONTENT_FIELDS) for (const n of f.datasetNames) FIELD_OF_COLUMN.set(n, f.name);

function isJitReliability(header: readonly string[]): boolean {
  return header.includes('commitdate') && header.includes('bug');
}

/** The common naming's label and time columns, first name present wins. */
const LABEL_COLUMNS = ['buggy', 'bug', 'contains_bug'] as const;
const TIME_COLUMNS = ['author_date_unix_timestamp', 'author_date'] as const;

function isCommonNaming(header: readonly string[]): boolean {
  return TIME_COLUMNS.some((c) => header.includes(c)) && LABEL_COLUMNS.some((c) => header.includes(c));
}

/** The first of `columns` the row has a value in. */
function firstOf(row: Row, columns: readonly string[]): string | undefined {
  return row[columns.find((c) => !missing(row[c])) ?? ''];
}

function loadFile(file: string, options: JitLoadOptions): JitProject[] {
  const rows = readTable(file);
  const header = rows.length ? Object.keys(rows[0]!) : [];
  const jitReliability = isJitReliability(header);
  if (!jitReliability && !isCommonNaming(header)) {
    throw new Error(
      `${file}: neither the JiTReliability columns (commitdate, bug, la, ld, lt, …) nor the common naming ` +
        `(author_date, buggy, la, ld, nf, nd, ns, ent, ndev, age, nuc, aexp, arexp, asexp, fix, project; or Commit Guru's ` +
        `author_date_unix_timestamp, contains_bug); found ${header.join(', ')}`,
    );
  }
  const stem = basename(file, '.csv').replace(/_input$/, '');
  const parsed: Parsed[] = [];
  let skipped = 0;
  rows.forEach((row, i) => {
    const p = jitReliability ? parseJitReliability(row, i, stem) : parseCommon(row, i, stem);
    if (p) parsed.push(p);
    else skipped++;
  });
  const byProject = new Map<string, Parsed[]>();
  for (const p of parsed) {
    const list = byProject.get(p.project);
    if (list) list.push(p);
    else byProject.set(p.project, [p]);
  }
  return [...byProject].map(([name, list]) => {
    list.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
    const dropped = dropCopies(list);
    const reports = jitReliability && !options.forceDelay ? reportTimes(file, stem) : undefined;
    const { knownAt, labels, unreported } = labelTimes(
      list,
      reports,
      options.labelDelayMs,
      options.reportOrder ?? 'random',
      !options.forceDelay,
    );
    return {
      name,
      file,
      changes: list.map((p, i) => toJitChange(name, p, knownAt[i]!)),
      labels,
      skippedRows: byProject.size === 1 ? skipped : 0,
      droppedColumns: dropped,
      unreported,
    };
  });
}

function parseJitReliability(row: Row, i: number, project: string): Parsed | undefined {
  const at = instant(row['commitdate']);
  const bug = number(row['bug']);
  if (at === null || bug === null) return undefined;
  const lt = number(row['lt']);
  const nf = number(row['nf']);
  const values: Partial<Record<ContentFieldName, number>> = {};
  for (const [column, v] of Object.entries(row)) {
    const field = FIELD_OF_COLUMN.get(column);
    const x = number(v);
    if (field === undefined || x === null) continue;
    values[field] = x;
  }
  // la and ld are shares of lt, npt a share of nf, in this data set: back to counts.
  const times = (field: 'linesAdded' | 'linesDeleted' | 'priorChanges', of: number | null) => {
    const share = values[field];
    if (share === undefined) return;
    if (of === null) delete values[field];
    else values[field] = Math.round(share * of);
  };
  times('linesAdded', lt);
  times('linesDeleted', lt);
  times('priorChanges', nf);
  return {
    id: row['transactionid'] || String(i + 1),
    project,
    at,
    failed: bug === 1,
    commit: null,
    values,
  };
}

function parseCommon(row: Row, i: number, stem: string): Parsed | undefined {
  const at = instant(firstOf(row, TIME_COLUMNS));
  const label = number(firstOf(row, LABEL_COLUMNS));
  if (at === null || label === null) return undefined;
  const daysToFix = number(row['daystofix']);
  const values: Partial<Record<ContentFieldName, number>> = {};
  for (const [column, v] of Object.entries(row)) {
    const field = FIELD_OF_COLUMN.get(column);
    const x = number(v);
    if (field !== undefined && x !== null && values[field] === undefined) values[field] = x;
  }
  const commit = row['commit_id'] || row['commit_hash'] || row['commit'] || null;
  return {
    id: commit ?? String(i + 1),
    project: row['project'] || stem,
    at,
    failed: label === 1,
    commit,
    values,
    ...(label === 1 && daysToFix !== null && daysToFix >= 0 ? { reportedAt: at + daysToFix * DAY } : {}),
  };
}

/** Fields whose values equal an earlier field's in every row: left unknown, named. */
function dropCopies(list: Parsed[]): string[] {
  const names = CHANGE_CONTENT_FIELDS.map((f) => f.name).filter((n) =>
    list.some((p) => p.values[n] !== undefined),
  );
  const dropped: string[] = [];
  for (let j = 0; j < names.length; j++) {
    // A column that never varies says nothing either way; it is no one's copy.
    const values = new Set(list.map((p) => p.values[names[j]!]));
    if (values.size < 2) continue;
    const copyOf = names
      .slice(0, j)
      .find(
        (earlier) =>
          !dropped.includes(earlier) && list.every((p) => p.values[earlier] === p.values[names[j]!]),
      );
    if (copyOf === undefined) continue;
    dropped.push(`${names[j]} (= ${copyOf})`);
    for (const p of list) delete p.values[names[j]!];
  }
  return dropped;
}

/** Per inducing commit, the earliest creation time of the failures it induced. */
function reportTimes(
  file: string,
  stem: string,
): { byCommit: Map<string, number>; ids?: Map<string, string> } | undefined {
  const dir = file.slice(0, file.length - basename(file).length);
  const at = (name: string) => join(dir, `${stem}_${name}.csv`);
  let failures: Row[];
  let mapping: Row[];
  try {
    failures = readTable(at('failures'));
    mapping = readTable(at('mapping'));
  } catch {
    return undefined;
  }
  const created = new Map<string, number>();
  for (const f of failures) {
    const t = number(f['creat.date'] ?? f['create.date']);
    const issue = f['issue.names'] ?? f['issue'];
    if (t !== null && issue) created.set(issue, t * 1000);
  }
  const byCommit = new Map<string, number>();
  for (const m of mapping) {
    const t = created.get(m['issue'] ?? '');
    const commit = m['intro.'] ?? m['intro'];
    if (t === undefined || !commit) continue;
    byCommit.set(commit, Math.min(byCommit.get(commit) ?? Number.POSITIVE_INFINITY, t));
  }
  let ids: Map<string, string> | undefined;
  try {
    ids = new Map(readTable(at('commitsID')).map((r) => [r['transactionid'] ?? '', r['commit'] ?? '']));
  } catch {
    ids = undefined;
  }
  return { byCommit, ids };
}

function labelTimes(
  list: readonly Parsed[],
  reports: ReturnType<typeof reportTimes>,
  delayMs: number,
  order: ReportOrder,
  /** Use a row's own report time (daystofix) where it has one. */
  ownTimes: boolean,
): { knownAt: (number | null)[]; labels: string; unreported: number } {
  if (!reports || reports.byCommit.size === 0) {
    const delay = `fixed delay of ${Math.round(delayMs / DAY)} days after the change`;
    const reportedAt = (p: Parsed) => (ownTimes ? p.reportedAt : undefined);
    const own = list.filter((p) => p.failed && reportedAt(p) !== undefined).length;
    return {
      knownAt: list.map((p) => (p.failed ? (reportedAt(p) ?? p.at + delayMs) : null)),
      labels:
        own === 0
          ? delay
          : `each failure's own days to fix (daystofix) after its change` +
            (own < list.filter((p) => p.failed).length ? `; where a row has none, a ${delay}` : ''),
      unreported: 0,
    };
  }
  const { byCommit, ids } = reports;
  if (ids) {
    const knownAt = list.map((p) => {
      const commit = ids.get(p.id);
      return p.failed && commit !== undefined ? (byCommit.get(commit) ?? null) : null;
    });
    return {
      knownAt,
      labels: 'failure reports, linked to their changes by commit id',
      unreported: list.filter((p, i) => p.failed && knownAt[i] === null).length,
    };
  }
  // Reports in time order, each to a failure-inducing change not yet reported that is older
  // than the report: one drawn at random (nothing in the data says which; seeded, so every run
  // draws the same), or the oldest.
  const times = [...byCommit.values()].sort((a, b) => a - b);
  const knownAt: (number | null)[] = list.map(() => null);
  const draws = new SeededRandom(1);
  const random = () => draws.next();
  const pool: number[] = [];
  let next = 0;
  for (const t of times) {
    while (next < list.length && list[next]!.at <= t) {
      if (list[next]!.failed) pool.push(next);
      next++;
    }
    if (pool.length === 0) continue;
    const k = order === 'oldest' ? 0 : Math.floor(random() * pool.length);
    knownAt[pool.splice(k, 1)[0]!] = t;
  }
  return {
    knownAt,
    labels:
      `failure reports, each given to ${order === 'oldest' ? 'the oldest' : 'a random'} failure-inducing change ` +
      'not yet reported that is older than the report (the data set ties no report to its change)',
    unreported: list.filter((p, i) => p.failed && knownAt[i] === null).length,
  };
}

function toJitChange(project: string, p: Parsed, knownAt: number | null): JitChange {
  const content = emptyContent();
  for (const [field, v] of Object.entries(p.values) as [ContentFieldName, number][]) {
    const type = CHANGE_CONTENT_FIELDS.find((f) => f.name === field)!.type;
    (content as Record<string, number | boolean | null>)[field] = type === 'flag' ? v !== 0 : Math.max(0, v);
  }
  const lines = (content.linesAdded ?? 0) + (content.linesDeleted ?? 0);
  return {
    change: completeChange({
      id: `${project}:${p.id}`,
      source: 'jit',
      service: project,
      startedAt: p.at,
      automated: true,
      rollout: 'unknown',
      content,
    }),
    failed: p.failed,
    knownAt: p.failed ? knownAt : null,
    lines,
  };
}
