// Generated change point data in TCPD's layout, to test the change point evaluation without
// TCPD (`node dist/eval/changepoint/generate.js --out DIR [--seeds dev|report] [--count N]`).
//
// Each series (synthetic.ts: Gaussian, t(3) or count noise) has 150–1,200 samples, hourly with a
// daily cycle, daily with a weekly cycle, or without a cycle (an index), and 0–4 level shifts of
// 2–6σ at least 30 samples apart, the first at least 20 samples in. Five simulated annotators
// each mark every true change with probability 0.85, up to 3 samples off, and now and then a
// change that is not there (probability 0.05 per series): human annotators disagree too.
// Written as <DIR>/datasets/<name>/<name>.json plus <DIR>/annotations.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SeededRandom } from '../../libs/core/src/stats/random.js';
import { FAMILIES, synthesise, type Seasonality, type ShiftSpec } from '../detector/synthetic.js';

const SEED_BASE = { dev: 1, report: 1_000_001 } as const;
const HOUR = 3_600_000;

export interface GeneratedSeries {
  readonly name: string;
  readonly json: object;
  readonly annotations: Record<string, number[]>;
  readonly truth: number[];
}

export function generateSeries(seed: number): GeneratedSeries {
  const rng = new SeededRandom(seed * 104_729);
  const family = FAMILIES[rng.int(FAMILIES.length)]!;
  const layout = rng.int(3);
  const seasonality: Seasonality = layout === 0 ? 'daily' : layout === 1 ? 'weekly' : 'none';
  const stepMs = seasonality === 'weekly' ? 24 * HOUR : HOUR;
  const length = 150 + rng.int(1051);
  const count = rng.int(5);
  const truth: number[] = [];
  for (let tries = 0; truth.length < count && tries < 100; tries++) {
    const at = 20 + rng.int(length - 40);
    if (truth.every((t) => Math.abs(t - at) >= 30)) truth.push(at);
  }
  truth.sort((a, b) => a - b);
  const shifts: ShiftSpec[] = truth.map((at) => ({
    at,
    sigmas: (rng.next() < 0.5 ? -1 : 1) * (2 + 4 * rng.next()),
  }));
  const series = synthesise({ seed, family, seasonality, stepMs, length, shifts });
  const annotations: Record<string, number[]> = {};
  for (const annotator of ['6', '7', '8', '9', '10']) {
    const marks = truth.filter(() => rng.next() < 0.85).map((t) => Math.max(1, t + rng.int(7) - 3));
    if (rng.next() < 0.05) marks.push(1 + rng.int(length - 2));
    annotations[annotator] = [...new Set(marks)].sort((a, b) => a - b);
  }
  const name = `generated_${seed}`;
  const time =
    seasonality === 'none'
      ? { index: series.timestamps.map((_, i) => i) }
      : {
          type: 'string',
          format: '%Y-%m-%d %H:%M:%S',
          index: series.timestamps.map((_, i) => i),
          raw: series.timestamps.map((t) => new Date(t).toISOString().slice(0, 19).replace('T', ' ')),
        };
  const json = {
    name,
    longname: `Generated ${family} series${seasonality === 'none' ? '' : ` with a ${seasonality} cycle`}`,
    n_obs: length,
    n_dim: 1,
    time,
    series: [
      {
        label: 'V1',
        type: family === 'counts' ? 'int' : 'float',
        raw: series.values.map((v) => Math.round(v * 1000) / 1000),
      },
    ],
  };
  return { name, json, annotations, truth };
}

/** Series base … base + count − 1 in TCPD's layout under dir. */
export function writeDataset(dir: string, base: number, count: number): void {
  const annotations: Record<string, Record<string, number[]>> = {};
  for (let i = 0; i < count; i++) {
    const g = generateSeries(base + i);
    mkdirSync(join(dir, 'datasets', g.name), { recursive: true });
    writeFileSync(join(dir, 'datasets', g.name, `${g.name}.json`), JSON.stringify(g.json));
    annotations[g.name] = g.annotations;
  }
  writeFileSync(join(dir, 'annotations.json'), JSON.stringify(annotations, null, 1));
}

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      seeds: { type: 'string', default: 'dev' },
      count: { type: 'string', default: '40' },
    },
    strict: true,
  });
  if (!values.out) throw new Error('--out DIR is required');
  const base = SEED_BASE[values.seeds as keyof typeof SEED_BASE];
  if (base === undefined) throw new Error(`--seeds must be dev or report, got ${values.seeds}`);
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1) throw new Error('--count must be a positive integer');
  writeDataset(values.out, base, count);
  console.log(
    `${count} series written to ${values.out} (TCPD layout: datasets/<name>/<name>.json, annotations.json)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
