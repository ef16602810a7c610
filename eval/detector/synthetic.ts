// Seeded synthetic telemetry for the detector evaluations: a level, a daily or weekly cycle (or
// none), a noise family, and level shifts at known samples. Pure and deterministic: the same
// spec gives the same series on every machine.
//
// Noise families, each with a robust scale σ (1.4826 × the noise's median absolute deviation,
// the standard deviation for Gaussian noise), in which shift sizes are given:
// - gaussian: level 100, σ drawn in [1, 8];
// - heavy:    Student t with 3 degrees of freedom (a 10σ sample every ~2,000), same σ range;
// - counts:   Poisson counts with a base rate λ drawn log-uniformly in [4, 400]; σ = √λ at the
//             sample of the shift (the cycle moves λ, so the noise scale moves with it).
// Cycles: daily, a smooth two-harmonic curve with a random phase and an amplitude of 3–15σ
// (counts: λ × (1 ± 0.3–0.7)); weekly, the daily curve damped at weekends plus a weekend drop of
// 2–6σ that ramps in and out over six hours around midnight (UTC), as request traffic does.
import { SeededRandom } from '../../libs/core/src/stats/random.js';

export type NoiseFamily = 'gaussian' | 'heavy' | 'counts';
export type Seasonality = 'none' | 'daily' | 'weekly';

export const FAMILIES: readonly NoiseFamily[] = ['gaussian', 'heavy', 'counts'];
export const SEASONALITIES: readonly Seasonality[] = ['none', 'daily', 'weekly'];

export interface ShiftSpec {
  /** Sample index of the first shifted sample. */
  readonly at: number;
  /** Size in σ (signed: negative is down); shifts add up. */
  readonly sigmas: number;
}

export interface SeriesSpec {
  readonly seed: number;
  readonly family: NoiseFamily;
  readonly seasonality: Seasonality;
  readonly stepMs: number;
  readonly length: number;
  readonly shifts: readonly ShiftSpec[];
  /** Timestamp of sample 0 (default: a Monday 00:00 UTC). */
  readonly start?: number;
}

export interface Series {
  readonly spec: SeriesSpec;
  readonly timestamps: number[];
  readonly values: number[];
  /** The noise scale σ at each shift (what its size is measured in). */
  readonly sigmaAtShift: number[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** Robust σ of a t(3) variable with unit scale: 1.4826 × its median absolute value 0.7649. */
const T3_ROBUST_SIGMA = 1.134;
export const MONDAY = Date.UTC(2024, 0, 1);

export function synthesise(spec: SeriesSpec): Series {
  const rng = new SeededRandom(spec.seed);
  const start = spec.start ?? MONDAY;
  // Parameters first, in a fixed order, so a spec's series does not depend on its length.
  const sigma = 1 + 7 * rng.next();
  const lambda = Math.exp(Math.log(4) + (Math.log(400) - Math.log(4)) * rng.next());
  const amplitude = 3 + 12 * rng.next();
  const relativeAmplitude = 0.3 + 0.4 * rng.next();
  const phase = 24 * rng.next();
  const phase2 = 24 * rng.next();
  const weekendDrop = 2 + 4 * rng.next();
  const weekendDamping = 0.5 + 0.3 * rng.next();
  const cycle = (t: number): number => {
    if (spec.seasonality === 'none') return 0;
    const h = ((t - MONDAY) % DAY) / HOUR;
    const daily =
      0.75 * Math.sin((2 * Math.PI * (h - phase)) / 24) + 0.25 * Math.sin((4 * Math.PI * (h - phase2)) / 24);
    if (spec.seasonality === 'daily') return daily;
    const w = weekendWeight(t);
    return daily * (1 - (1 - weekendDamping) * w) - (weekendDrop / amplitude) * w;
  };
  const shifts = [...spec.shifts].sort((a, b) => a.at - b.at);
  const timestamps: number[] = [];
  const values: number[] = [];
  const sigmaAtShift: number[] = [];
  let offset = 0; // accumulated shifts, in the series' units (counts: in λ)
  let next = 0;
  for (let i = 0; i < spec.length; i++) {
    const t = start + i * spec.stepMs;
    const c = cycle(t);
    const rate = spec.family === 'counts' ? lambda * (1 + relativeAmplitude * c) : 0;
    while (next < shifts.length && shifts[next]!.at <= i) {
      const s = spec.family === 'counts' ? Math.sqrt(Math.max(rate + offset, 1)) : sigma;
      sigmaAtShift.push(s);
      offset += shifts[next]!.sigmas * s;
      next++;
    }
    let v: number;
    if (spec.family === 'counts') v = rng.poisson(Math.max(0.1, rate + offset));
    else {
      const noise = spec.family === 'gaussian' ? rng.normal() : studentT3(rng) / T3_ROBUST_SIGMA;
      v = 100 + amplitude * sigma * c + offset + sigma * noise;
    }
    timestamps.push(t);
    values.push(v);
  }
  return { spec, timestamps, values, sigmaAtShift };
}

/** 0 on weekdays, 1 on Saturday and Sunday, ramping over the six hours around each midnight. */
function weekendWeight(t: number): number {
  const x = (((t - MONDAY) % WEEK) + WEEK) % WEEK; // ms since Monday 00:00
  const ramp = 6 * HOUR;
  if (x < ramp / 2) return 0.5 - x / ramp; // Monday morning: the end of the ramp out
  if (x < 5 * DAY - ramp / 2) return 0;
  if (x < 5 * DAY + ramp / 2) return (x - (5 * DAY - ramp / 2)) / ramp;
  if (x < 7 * DAY - ramp / 2) return 1;
  return 1 - (x - (7 * DAY - ramp / 2)) / ramp;
}

function studentT3(rng: SeededRandom): number {
  const z = rng.normal();
  let chi = 0;
  for (let k = 0; k < 3; k++) chi += rng.normal() ** 2;
  return z / Math.sqrt(chi / 3);
}

/** Sample intervals a series of this seasonality is drawn at (a cycle must fit some hundreds of samples). */
export function stepsFor(seasonality: Seasonality): readonly number[] {
  const MINUTE = 60_000;
  if (seasonality === 'none') return [10_000, MINUTE];
  if (seasonality === 'daily') return [MINUTE, 5 * MINUTE];
  return [5 * MINUTE, 15 * MINUTE, HOUR];
}

/** The cycle length of a seasonality, in ms (0: none). */
export function periodOf(seasonality: Seasonality): number {
  return seasonality === 'daily' ? DAY : seasonality === 'weekly' ? WEEK : 0;
}
