// Change point data in the layout of the Turing Change Point Dataset (TCPD; van den Burg &
// Williams 2020, arXiv:2003.06222) and its two metrics, as TCPDBench's metrics.py defines them.
//
// Layout: one JSON file per series (anywhere under the data folder; TCPD keeps them at
// datasets/<name>/<name>.json) with `name`, `n_obs`, `time` (`index`, optionally `raw` time
// strings) and `series[]` (`label`, `raw` values; null or NaN for a missing value). The
// annotations — per series, per annotator, the 0-based indices of the change points they marked
// — come from the series file's own `annotations` object or from an annotations.json
// ({ name: { annotator: [index, …] } }, TCPD's layout) in the data folder or its parent.
//
// Metrics (margin 5, TCPD's default):
// - F1: 0 counts as a change point in every annotation set and in the prediction. Precision =
//   predicted points matched to the union of the annotations / predicted points; recall = the
//   mean over annotators of their points matched / their points; a prediction matches at most one
//   point within the margin, nearest first.
// - Cover: the mean over annotators of the segmentation covering of their partition by the
//   predicted one (Arbeláez et al. 2010, eq. 8): Σ over annotated segments of |segment| × the
//   best Jaccard overlap with a predicted segment, over n_obs.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ChangepointSeries {
  readonly name: string;
  readonly file: string;
  readonly nObs: number;
  /** Timestamps (ms) when the raw times parse and increase; otherwise null (use the index). */
  readonly times: number[] | null;
  /** One array per dimension; NaN for a missing value. */
  readonly dimensions: number[][];
  /** Annotator id → 0-based change point indices. */
  readonly annotations: Readonly<Record<string, readonly number[]>>;
}

interface TcpdFile {
  readonly name?: string;
  readonly n_obs?: number;
  readonly time?: { readonly index?: readonly number[]; readonly raw?: readonly (string | number)[] };
  readonly series?: ReadonlyArray<{ readonly label?: string; readonly raw?: readonly (number | null)[] }>;
  readonly annotations?: Record<string, readonly number[]>;
}

/** JSON as Python's json module writes it: bare NaN / Infinity are read as null. */
function parseLenient(text: string): unknown {
  return JSON.parse(text.replace(/(?<=[[,:]\s*)-?(?:NaN|Infinity)(?=\s*[\],}])/g, 'null'));
}

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...jsonFiles(path));
    else if (entry.endsWith('.json') && entry !== 'annotations.json') out.push(path);
  }
  return out;
}

/** Read every series under `dir`; `annotationsFile` overrides the annotations.json lookup. */
export function loadChangepointData(dir: string, annotationsFile?: string): ChangepointSeries[] {
  if (!existsSync(dir)) throw new Error(`change point data not found at ${dir}`);
  const shared =
    annotationsFile ??
    [join(dir, 'annotations.json'), join(dirname(dir), 'annotations.json')].find(existsSync);
  const annotations = shared
    ? (JSON.parse(readFileSync(shared, 'utf8')) as Record<string, Record<string, number[]>>)
    : {};
  const out: ChangepointSeries[] = [];
  for (const file of jsonFiles(dir)) {
    const data = parseLenient(readFileSync(file, 'utf8')) as TcpdFile;
    if (typeof data.n_obs !== 'number' || !Array.isArray(data.series)) continue; // not a series file
    const name = data.name ?? file.replace(/^.*\/|\.json$/g, '');
    const nObs = data.n_obs;
    const dimensions = data.series.map((s, d) => {
      const raw = s.raw ?? [];
      if (raw.length !== nObs)
        throw new Error(`${file}: series[${d}].raw has ${raw.length} values, n_obs is ${nObs}`);
      return raw.map((v: number | null) => (typeof v === 'number' && Number.isFinite(v) ? v : NaN));
    });
    const marked = data.annotations ?? annotations[name];
    if (!marked)
      throw new Error(
        `${file}: no annotations for ${name} (in the file or in ${shared ?? 'annotations.json'})`,
      );
    out.push({ name, file, nObs, times: parseTimes(data.time?.raw, nObs), dimensions, annotations: marked });
  }
  if (out.length === 0) throw new Error(`no series files (JSON with n_obs and series) under ${dir}`);
  return out;
}

function parseTimes(raw: readonly (string | number)[] | undefined, n: number): number[] | null {
  if (!raw || raw.length !== n) return null;
  const out: number[] = [];
  for (const r of raw) {
    const t =
      typeof r === 'number' ? NaN : Date.parse(/^\d{4}-\d{2}-\d{2} /.test(r) ? `${r.replace(' ', 'T')}Z` : r);
    if (!Number.isFinite(t) || (out.length > 0 && t <= out.at(-1)!)) return null;
    out.push(t);
  }
  return out;
}

/** Annotated points matched by predictions within the margin, each prediction used once, nearest first. */
export function truePositives(
  annotated: Iterable<number>,
  predicted: Iterable<number>,
  margin = 5,
): Set<number> {
  const left = new Set(predicted);
  const tp = new Set<number>();
  for (const tau of [...annotated].sort((a, b) => a - b)) {
    let best: number | null = null;
    for (const x of left) {
      const d = Math.abs(tau - x);
      if (
        d <= margin &&
        (best === null || d < Math.abs(tau - best) || (d === Math.abs(tau - best) && x < best))
      )
        best = x;
    }
    if (best === null) continue;
    tp.add(tau);
    left.delete(best);
  }
  return tp;
}

export function fMeasure(
  annotations: Readonly<Record<string, readonly number[]>>,
  predictions: readonly number[],
  margin = 5,
): { f1: number; precision: number; recall: number } {
  const sets = Object.values(annotations).map((a) => new Set([...a, 0]));
  const predicted = new Set([...predictions, 0]);
  const union = new Set(sets.flatMap((s) => [...s]));
  const precision = truePositives(union, predicted, margin).size / predicted.size;
  const recall =
    sets.reduce((s, a) => s + truePositives(a, predicted, margin).size / a.size, 0) / sets.length;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { f1, precision, recall };
}

/** Segment boundaries [start, end) of the partition of 0 … n−1 at the change points. */
export function partition(changepoints: readonly number[], n: number): Array<[number, number]> {
  const cuts = [...new Set(changepoints)].filter((c) => c > 0 && c < n).sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  let start = 0;
  for (const c of cuts) {
    out.push([start, c]);
    start = c;
  }
  out.push([start, n]);
  return out;
}

/** Covering of partition s by partition sPrime (both of the same n points). */
export function coverSingle(
  s: ReadonlyArray<readonly [number, number]>,
  sPrime: ReadonlyArray<readonly [number, number]>,
): number {
  const n = s.reduce((sum, [a, b]) => sum + b - a, 0);
  let c = 0;
  for (const [a, b] of s) {
    let best = 0;
    for (const [p, q] of sPrime) {
      const inter = Math.max(0, Math.min(b, q) - Math.max(a, p));
      if (inter === 0) continue;
      const jaccard = inter / (Math.max(b, q) - Math.min(a, p));
      if (jaccard > best) best = jaccard;
    }
    c += (b - a) * best;
  }
  return c / n;
}

export function covering(
  annotations: Readonly<Record<string, readonly number[]>>,
  predictions: readonly number[],
  n: number,
): number {
  const predicted = partition(predictions, n);
  const all = Object.values(annotations);
  return all.reduce((s, a) => s + coverSingle(partition(a, n), predicted), 0) / all.length;
}
