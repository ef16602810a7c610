// NAB evaluation of the continuous anomaly detector (`npm run eval:nab`, i.e.
// node dist/eval/nab/run.js [--data DIR] [--split all|dev|held-out] [--set JSON] [--sweep] [--json]
// [--write]).
//
// Every NAB series is replayed through AnomalyDetector with its default settings, exactly as
// the correlator would feed telemetry (one series = one metric of one service, in event-time
// order). Each Anomaly is a detection at its detectedAt row. Reported per category and overall:
// - window-level precision (detections inside a labelled window / all detections), recall
//   (windows with at least one detection / windows) and F1, after NAB's probationary period;
// - median detection delay: first detection in a window − window start;
// - the NAB standard-profile score (nab-score.ts), next to the published scoreboard.
// NAB's published scores are each at the detector's best threshold for the profile; --sweep
// also prints the development files' score with single settings changed (sensitivity and
// ablations).
// Out of sample: the files are split in two (nab-data.ts, isDevelopmentFile); settings are tuned
// on the development files only (--split dev prints their score alone, as JSON, and never
// touches the held-out files), and the held-out files' score is the headline, with the
// development and all-files (in-sample) scores beside it. --data: NAB's root folder (default:
// nab/ in the datasets folder).
// --write puts the markdown into eval/nab/REPORT.md between the nab markers.
import { parseArgs } from 'node:util';
import { projectPath } from '#config';
import { AnomalyDetector, type DetectorSettings } from '../../libs/core/src/anomaly/detector.js';
import { median } from '../../libs/core/src/stats/descriptive.js';
import { isDevelopmentFile, loadNab, type NabSeries } from './nab-data.js';
import { normalisedScore, probationLength, scoreFile, scaledSigmoid, type FileScore } from './nab-score.js';
import { writeSection } from '../common/report.js';

const PUBLISHED: Array<[string, number]> = [
  ['ARTime', 74.9],
  ['Numenta HTM', 70.5],
  ['CAD OSE', 69.9],
  ['KNN CAD', 58.0],
  ['Twitter ADVec', 47.1],
  ['Windowed Gaussian', 39.6],
  ['Bayesian changepoint', 17.7],
];

interface SeriesResult {
  readonly series: NabSeries;
  readonly detections: number[];
  readonly score: FileScore;
  /** Detections after probation, inside / outside windows. */
  readonly inside: number;
  readonly outside: number;
  /** Per detected window: ms from window start to the first detection. */
  readonly delaysMs: number[];
  /** Per detected window: ms from the labelled anomaly instant to the first detection (negative: before it). */
  readonly labelDelaysMs: number[];
}

export function evaluate(
  all: readonly NabSeries[],
  settings: Partial<DetectorSettings> = {},
): SeriesResult[] {
  return all.map((series) => {
    const detector = new AnomalyDetector(settings);
    const index = new Map<number, number>();
    series.timestamps.forEach((t, i) => index.set(t, i));
    const detections: number[] = [];
    for (let i = 0; i < series.timestamps.length; i++) {
      const events = detector.observePoint(series.category, {
        metric: series.name,
        value: series.values[i]!,
        timestamp: series.timestamps[i]!,
        unit: null,
        labels: {},
      });
      for (const e of events) if (e.type === 'anomaly') detections.push(index.get(e.anomaly.detectedAt)!);
    }
    const probation = probationLength(series.timestamps.length);
    const scored = detections.filter((i) => i >= probation);
    let inside = 0;
    const firstPerWindow = new Map<number, number>();
    for (const i of scored) {
      const t = series.timestamps[i]!;
      const w = series.windows.findIndex(([a, b]) => t >= a && t <= b);
      if (w >= 0) {
        inside++;
        if (!firstPerWindow.has(w)) firstPerWindow.set(w, t - series.windows[w]![0]);
      }
    }
    const labelDelaysMs: number[] = [];
    for (const [w, delay] of firstPerWindow) {
      const [a, b] = series.windows[w]!;
      const label = series.labels.find((t) => t >= a && t <= b);
      if (label !== undefined) labelDelaysMs.push(a + delay - label);
    }
    return {
      series,
      detections,
      score: scoreFile(series.timestamps, series.windows, detections),
      inside,
      outside: scored.length - inside,
      delaysMs: [...firstPerWindow.values()],
      labelDelaysMs,
    };
  });
}

interface Summary {
  readonly name: string;
  readonly files: number;
  readonly windows: number;
  readonly detected: number;
  readonly inside: number;
  readonly outside: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly medianDelayMin: number;
  readonly medianLabelDelayMin: number;
  readonly nab: number;
}

function summarise(name: string, results: readonly SeriesResult[]): Summary {
  const windows = results.reduce((s, r) => s + r.series.windows.length, 0);
  const detected = results.reduce((s, r) => s + r.score.detectedWindows, 0);
  const inside = results.reduce((s, r) => s + r.inside, 0);
  const outside = results.reduce((s, r) => s + r.outside, 0);
  const precision = inside + outside > 0 ? inside / (inside + outside) : NaN;
  const recall = windows > 0 ? detected / windows : NaN;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : NaN;
  const delays = results.flatMap((r) => r.delaysMs);
  const labelDelays = results.flatMap((r) => r.labelDelaysMs);
  return {
    name,
    files: results.length,
    windows,
    detected,
    inside,
    outside,
    precision,
    recall,
    f1,
    medianDelayMin: delays.length > 0 ? median(delays) / 60_000 : NaN,
    medianLabelDelayMin: labelDelays.length > 0 ? median(labelDelays) / 60_000 : NaN,
    nab: windows > 0 ? normalisedScore(results.map((r) => r.score)) : NaN,
  };
}

function fmt(v: number, digits = 2): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '–';
}

function selfCheck(all: readonly NabSeries[]): void {
  // The scorer's two anchors: detecting every window at its first row scores 100, nothing 0.
  const perfect = all.map((s) => {
    const starts = s.windows.map(([a]) => s.timestamps.findIndex((t) => t >= a));
    return scoreFile(s.timestamps, s.windows, starts);
  });
  const none = all.map((s) => scoreFile(s.timestamps, s.windows, []));
  const p = normalisedScore(perfect);
  const z = normalisedScore(none);
  if (Math.abs(p - 100) > 1e-9 || Math.abs(z) > 1e-9)
    throw new Error(`NAB scorer self-check failed: perfect ${p}, null ${z}`);
  if (Math.abs(scaledSigmoid(-1) - 0.9866142981514303) > 1e-12) throw new Error('scaled sigmoid');
}

export interface SplitScores {
  readonly heldOut: Summary;
  readonly development: Summary;
  readonly all: Summary;
}

export function splitScores(results: readonly SeriesResult[], all: readonly NabSeries[]): SplitScores {
  const dev = results.filter((r) => isDevelopmentFile(r.series, all));
  const held = results.filter((r) => !isDevelopmentFile(r.series, all));
  return {
    heldOut: summarise(`held-out (${held.length} files, never tuned on)`, held),
    development: summarise(`development (${dev.length} files, tuned on)`, dev),
    all: summarise(`all ${results.length} files (in-sample)`, results),
  };
}

export function markdown(
  results: readonly SeriesResult[],
  all: readonly NabSeries[],
  sweep: Array<[string, number]> | null,
  settings: Partial<DetectorSettings>,
): string {
  const categories = [...new Set(results.map((r) => r.series.category))].sort();
  const splits = splitScores(results, all);
  const rows = [
    ...categories.map((c) =>
      summarise(
        c,
        results.filter((r) => r.series.category === c),
      ),
    ),
    summarise('**all**', results),
  ];
  const overall = rows.at(-1)!;
  const header =
    '| files | windows | detected | precision | recall | F1 | median delay from window start (min) | median delay from labelled point (min) | NAB standard |';
  const row = (r: Summary, bold = false) => {
    const b = (v: string) => (bold ? `**${v}**` : v);
    return `| ${r.files} | ${r.windows} | ${r.detected} | ${fmt(r.precision)} | ${fmt(r.recall)} | ${fmt(r.f1)} | ${fmt(r.medianDelayMin, 0)} | ${fmt(r.medianLabelDelayMin, 0)} | ${b(fmt(r.nab, 1))} |`;
  };
  const lines: string[] = [];
  lines.push(
    `Detector: \`AnomalyDetector\` with ${Object.keys(settings).length === 0 ? 'its default settings' : `settings ${JSON.stringify(settings)}`}; ${results.length} series, ${overall.windows} labelled windows. Split: within each category, in file-name order, the files at odd positions are the development split (tuned on), the rest are held out.`,
  );
  lines.push('');
  lines.push(`| split ${header}`);
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  lines.push(`| **${splits.heldOut.name}** ${row(splits.heldOut, true)}`);
  lines.push(`| ${splits.development.name} ${row(splits.development)}`);
  lines.push(`| ${splits.all.name} ${row(splits.all)}`);
  lines.push('');
  lines.push('By category, all files (in-sample):');
  lines.push('');
  lines.push(`| category ${header}`);
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) lines.push(`| ${r.name} ${row(r)}`);
  lines.push('');
  lines.push(
    `Detections after the probationary period: ${overall.inside} inside labelled windows, ${overall.outside} outside.`,
  );
  lines.push('');
  lines.push(
    'NAB standard-profile score against the published scoreboard (each of those on all 58 files at its own best threshold):',
  );
  lines.push('');
  lines.push('| detector | NAB standard |');
  lines.push('|---|---:|');
  const board = [
    ...PUBLISHED,
    ['**Aftershock AnomalyDetector (defaults), held-out files**', splits.heldOut.nab] as [string, number],
    ['Aftershock AnomalyDetector (defaults), all files (in-sample)', splits.all.nab] as [string, number],
  ].sort((a, b) => b[1] - a[1]);
  for (const [name, score] of board) lines.push(`| ${name} | ${fmt(score, 1)} |`);
  if (sweep) {
    lines.push('');
    lines.push(
      'Sensitivity on the development files (NAB standard score there when one setting is changed from the defaults):',
    );
    lines.push('');
    lines.push('| setting | NAB standard, development files |');
    lines.push('|---|---:|');
    lines.push(`| defaults | ${fmt(splits.development.nab, 1)} |`);
    for (const [name, score] of sweep) lines.push(`| ${name} | ${fmt(score, 1)} |`);
  }
  return lines.join('\n');
}

const SWEEP: Array<Partial<DetectorSettings>> = [
  { h: 4.5 },
  { h: 7 },
  { k: 1.5 },
  { minScore: 3 },
  { spikeZ: 0 },
  { spikeRate: 0 },
  { fatigue: 0 },
  { forgiveShare: 0 },
  { countRateScale: false },
  { tailCap: false },
  { nearMisses: false },
  { persistence: 1e9 },
  { stepShare: 0 },
  { tailScale: 1 },
  { seasonality: false },
  { trend: false },
  { adoptAfter: 1_000_000 },
  { minHistory: 60 },
];

function main(): void {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      split: { type: 'string', default: 'all' },
      set: { type: 'string' },
      sweep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const started = performance.now();
  const corpus = loadNab(values.data);
  selfCheck(corpus);
  const settings: Partial<DetectorSettings> = values.set
    ? (JSON.parse(values.set) as Partial<DetectorSettings>)
    : {};
  if (!['all', 'dev', 'held-out'].includes(values.split!))
    throw new Error(`--split must be all, dev or held-out, got ${values.split}`);
  // Tuning runs (--split dev) never score the held-out files.
  const wanted =
    values.split === 'all'
      ? corpus
      : corpus.filter((s) => isDevelopmentFile(s, corpus) === (values.split === 'dev'));
  const results = evaluate(wanted, settings);
  if (values.json || values.split !== 'all') {
    const s = summarise(values.split!, results);
    console.log(
      JSON.stringify({
        split: values.split,
        settings,
        nab: s.nab,
        windows: s.windows,
        detected: s.detected,
        inside: s.inside,
        outside: s.outside,
        f1: s.f1,
      }),
    );
    return;
  }
  const dev = corpus.filter((s) => isDevelopmentFile(s, corpus));
  const sweep = values.sweep
    ? SWEEP.map((v): [string, number] => [
        `\`${JSON.stringify(v)}\``,
        normalisedScore(evaluate(dev, { ...settings, ...v }).map((r) => r.score)),
      ])
    : null;
  const md = markdown(results, corpus, sweep, settings);
  console.log(md);
  const points = corpus.reduce((s, x) => s + x.values.length, 0);
  console.log(
    `\n(${points.toLocaleString('en-US')} points in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  if (values.write) {
    if (values.set) throw new Error('--write records the default settings only');
    writeSection(projectPath('eval', 'nab', 'REPORT.md'), 'nab', md);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
