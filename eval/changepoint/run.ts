// Change point evaluation of the continuous anomaly detector on data in TCPD's layout
// (`npm run eval:changepoint -- --data DIR`, i.e. node dist/eval/changepoint/run.js
// [--data DIR] [--annotations FILE] [--margin 5] [--set JSON] [--json] [--write]).
//
// DIR holds one JSON file per series (TCPD: datasets/<name>/<name>.json) and the annotations
// (annotations.json in DIR or its parent, or each file's own `annotations`; see tcpd.ts).
// Default DIR: tcpd/ in the datasets folder (AFTERSHOCK_DATASETS, else ../shared/datasets).
// Every series is replayed through the detector (detect.ts) and scored with TCPD's F1 (margin
// 5) and cover, beside the "zero" method that predicts no change at all, on the same series.
// Results per series and the means, over all series and over the univariate ones (TCPD's
// published tables are on the univariate series). Nothing is tuned on this data.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectPath } from '#config';
import type { DetectorSettings } from '../../libs/core/src/anomaly/detector.js';
import { datasetsDir } from '../common/datasets.js';
import { writeSection } from '../common/report.js';
import { binsegChangepoints } from './binseg.js';
import { detectChangepoints } from './detect.js';
import { covering, fMeasure, loadChangepointData, type ChangepointSeries } from './tcpd.js';

export interface SeriesScore {
  readonly name: string;
  readonly nObs: number;
  readonly dims: number;
  /** Median number of change points per annotator. */
  readonly annotated: number;
  readonly predicted: number[];
  readonly f1: number;
  readonly cover: number;
  readonly zeroF1: number;
  readonly zeroCover: number;
  /** Binary segmentation (binseg.ts) on the same series, offline. */
  readonly binseg: number[];
  readonly binsegF1: number;
  readonly binsegCover: number;
}

export function scoreSeries(
  s: ChangepointSeries,
  settings: Partial<DetectorSettings>,
  margin: number,
): SeriesScore {
  const predicted = detectChangepoints(s, settings, margin);
  const binseg = binsegChangepoints(s.dimensions, margin);
  const counts = Object.values(s.annotations)
    .map((a) => a.length)
    .sort((a, b) => a - b);
  return {
    name: s.name,
    nObs: s.nObs,
    dims: s.dimensions.length,
    annotated: counts.length > 0 ? counts[counts.length >> 1]! : 0,
    predicted,
    f1: fMeasure(s.annotations, predicted, margin).f1,
    cover: covering(s.annotations, predicted, s.nObs),
    zeroF1: fMeasure(s.annotations, [], margin).f1,
    zeroCover: covering(s.annotations, [], s.nObs),
    binseg,
    binsegF1: fMeasure(s.annotations, binseg, margin).f1,
    binsegCover: covering(s.annotations, binseg, s.nObs),
  };
}

export interface Means {
  readonly series: number;
  readonly detections: number;
  readonly f1: number;
  readonly cover: number;
  readonly zeroF1: number;
  readonly zeroCover: number;
  readonly binsegDetections: number;
  readonly binsegF1: number;
  readonly binsegCover: number;
}

export function means(scores: readonly SeriesScore[]): Means {
  const mean = (f: (s: SeriesScore) => number) =>
    scores.reduce((a, s) => a + f(s), 0) / Math.max(1, scores.length);
  return {
    series: scores.length,
    detections: scores.reduce((a, s) => a + s.predicted.length, 0),
    f1: mean((s) => s.f1),
    cover: mean((s) => s.cover),
    zeroF1: mean((s) => s.zeroF1),
    zeroCover: mean((s) => s.zeroCover),
    binsegDetections: scores.reduce((a, s) => a + s.binseg.length, 0),
    binsegF1: mean((s) => s.binsegF1),
    binsegCover: mean((s) => s.binsegCover),
  };
}

/** Published default-settings F1 on TCPD's univariate series, best first. */
const PUBLISHED_TCPD_F1: ReadonlyArray<readonly [string, number]> = [
  ['binseg', 0.738],
  ['pelt', 0.728],
  ['zero (no change)', 0.668],
  ['Aftershock detector before issue 16', 0.656],
];

function markdown(
  data: string,
  scores: readonly SeriesScore[],
  settings: Partial<DetectorSettings>,
  margin: number,
): string {
  const f = (v: number) => v.toFixed(3);
  const all = means(scores);
  const uni = means(scores.filter((s) => s.dims === 1));
  const lines = [
    `Data: \`${data}\`, ${scores.length} series; \`AnomalyDetector\` with ${Object.keys(settings).length ? `settings ${JSON.stringify(settings)}` : 'its default settings'}; F1 margin ${margin} samples.`,
    '',
    '| series | method | series | detections | F1 | cover |',
    '|---|---|---:|---:|---:|---:|',
    `| all | Aftershock detector | ${all.series} | ${all.detections} | **${f(all.f1)}** | **${f(all.cover)}** |`,
    `| all | binseg (offline; changepoint's defaults) | ${all.series} | ${all.binsegDetections} | ${f(all.binsegF1)} | ${f(all.binsegCover)} |`,
    `| all | zero (no change) | ${all.series} | 0 | ${f(all.zeroF1)} | ${f(all.zeroCover)} |`,
    `| univariate | Aftershock detector | ${uni.series} | ${uni.detections} | **${f(uni.f1)}** | **${f(uni.cover)}** |`,
    `| univariate | binseg (offline; changepoint's defaults) | ${uni.series} | ${uni.binsegDetections} | ${f(uni.binsegF1)} | ${f(uni.binsegCover)} |`,
    `| univariate | zero (no change) | ${uni.series} | 0 | ${f(uni.zeroF1)} | ${f(uni.zeroCover)} |`,
    '',
    'Published on TCPD itself (univariate series, default settings, F1; van den Burg & Williams 2020, as quoted in issue 16) — comparable only when `--data` is TCPD:',
    '',
    '| method | F1 on TCPD |',
    '|---|---:|',
    ...PUBLISHED_TCPD_F1.map(([method, f1]) => `| ${method} | ${f(f1)} |`),
    '',
    '<details><summary>Per series</summary>',
    '',
    '| series | samples | dims | annotated (median) | detected at | F1 | binseg at | binseg F1 | zero F1 | cover | binseg cover | zero cover |',
    '|---|---:|---:|---:|---|---:|---|---:|---:|---:|---:|---:|',
    ...scores.map(
      (s) =>
        `| ${s.name} | ${s.nObs} | ${s.dims} | ${s.annotated} | ${s.predicted.join(', ') || '–'} | ${f(s.f1)} | ${s.binseg.join(', ') || '–'} | ${f(s.binsegF1)} | ${f(s.zeroF1)} | ${f(s.cover)} | ${f(s.binsegCover)} | ${f(s.zeroCover)} |`,
    ),
    '',
    '</details>',
  ];
  return lines.join('\n');
}

function main(): void {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      annotations: { type: 'string' },
      margin: { type: 'string', default: '5' },
      set: { type: 'string' },
      json: { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const data = values.data ?? join(datasetsDir(), 'tcpd');
  const margin = Number(values.margin);
  if (!Number.isInteger(margin) || margin < 0) throw new Error('--margin must be a non-negative integer');
  const settings = values.set ? (JSON.parse(values.set) as Partial<DetectorSettings>) : {};
  const series = loadChangepointData(data, values.annotations);
  const scores: SeriesScore[] = [];
  for (const [i, s] of series.entries()) {
    scores.push(scoreSeries(s, settings, margin));
    if (!values.json) process.stderr.write(`\r${i + 1}/${series.length} series`);
  }
  if (!values.json) process.stderr.write('\n');
  if (values.json) {
    console.log(
      JSON.stringify({
        data,
        margin,
        settings,
        all: means(scores),
        univariate: means(scores.filter((s) => s.dims === 1)),
      }),
    );
    return;
  }
  const md = markdown(data, scores, settings, margin);
  console.log(md);
  if (values.write) writeSection(projectPath('eval', 'detector', 'REPORT.md'), 'changepoint', md);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
