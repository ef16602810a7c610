// Reading the Numenta Anomaly Benchmark (NAB) corpus and its labels from the shared datasets
// folder (never copied into the repo): ../shared/datasets relative to the project root, or the
// AFTERSHOCK_DATASETS environment variable.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetsDir } from '../common/datasets.js';

export interface NabSeries {
  /** e.g. realKnownCause/nyc_taxi.csv */
  readonly name: string;
  readonly category: string;
  readonly timestamps: number[];
  readonly values: number[];
  /** Labelled anomaly windows as [start, end] timestamps (inclusive). */
  readonly windows: Array<[number, number]>;
  /** The labelled anomaly instants (combined_labels.json), one inside each window. */
  readonly labels: number[];
}

/** NAB timestamps ("2014-04-01 00:00:00" or with fractional seconds) are UTC. */
export function parseNabTime(text: string): number {
  const t = Date.parse(
    `${text
      .trim()
      .replace(' ', 'T')
      .replace(/\.\d+$/, '')}Z`,
  );
  if (!Number.isFinite(t)) throw new Error(`bad NAB timestamp ${text}`);
  return t;
}

export function readNabSeries(file: string): { timestamps: number[]; values: number[] } {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const timestamps: number[] = [];
  const values: number[] = [];
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const comma = line.indexOf(',');
    timestamps.push(parseNabTime(line.slice(0, comma)));
    values.push(Number(line.slice(comma + 1)));
  }
  return { timestamps, values };
}

/** The corpus at `root` (NAB's layout: data/<category>/*.csv, labels/combined_*.json). */
export function loadNab(root = join(datasetsDir(), 'nab')): NabSeries[] {
  if (!existsSync(join(root, 'labels', 'combined_windows.json')))
    throw new Error(
      `NAB not found at ${root} (expected labels/combined_windows.json and data/<category>/*.csv)`,
    );
  const labels = JSON.parse(readFileSync(join(root, 'labels', 'combined_windows.json'), 'utf8')) as Record<
    string,
    Array<[string, string]>
  >;
  const points = JSON.parse(readFileSync(join(root, 'labels', 'combined_labels.json'), 'utf8')) as Record<
    string,
    string[]
  >;
  const out: NabSeries[] = [];
  for (const category of readdirSync(join(root, 'data')).sort()) {
    const dir = join(root, 'data', category);
    if (!existsSync(dir) || category.includes('.')) continue;
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.csv'))
      .sort()) {
      const name = `${category}/${file}`;
      const { timestamps, values } = readNabSeries(join(dir, file));
      const windows = (labels[name] ?? []).map(
        ([a, b]) => [parseNabTime(a), parseNabTime(b)] as [number, number],
      );
      out.push({
        name,
        category,
        timestamps,
        values,
        windows,
        labels: (points[name] ?? []).map(parseNabTime),
      });
    }
  }
  return out;
}

/**
 * The development split: within each category, in file-name order, the files at odd positions
 * (the 2nd, 4th, …; 27 of NAB's 58). Settings are tuned on these only; the other 31 files are
 * the held-out split the headline score is reported on.
 */
export function isDevelopmentFile(series: NabSeries, all: readonly NabSeries[]): boolean {
  const peers = all
    .filter((s) => s.category === series.category)
    .map((s) => s.name)
    .sort();
  return peers.indexOf(series.name) % 2 === 1;
}
