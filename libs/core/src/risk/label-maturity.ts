// How long failures take to come to light, learnt from the history itself. A change's outcome is
// not known when it lands: a failed verification is on record within the hour, an incident
// within days, a defect reported by users months or years later. A change that has not failed
// *yet* is not a change that will not fail, and treating young changes as clean biases a fit
// towards "safe" exactly where the data is freshest.
//
// The maturity curve F(age) is the share of a change's eventual (on record within the horizon)
// failures that are already on record at that age. It is estimated with the chain-ladder method
// actuaries use for claims incurred but not yet reported: for consecutive ages a < b, among the
// changes at least b old, the failures known within a over those known within b is F(a)/F(b);
// chaining the ratios from the horizon down gives F at every age, with F(horizon) = 1. Only
// cohorts old enough to have been watched for both ages enter each ratio, so a busy recent month
// does not bend the curve, and it follows whatever delays the fleet's own records show.
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Ages the curve is estimated at: from minutes (a failed verification) to years (a defect report). */
export const MATURITY_AGES: readonly number[] = [
  HOUR,
  6 * HOUR,
  DAY,
  3 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
  60 * DAY,
  90 * DAY,
  180 * DAY,
  365 * DAY,
  2 * 365 * DAY,
  3 * 365 * DAY,
  5 * 365 * DAY,
  8 * 365 * DAY,
];

export interface MaturityCurve {
  /** Ages (ms), ascending; the last one is the horizon. */
  readonly ages: readonly number[];
  /** F at each age: the share of failures on record by then. */
  readonly share: readonly number[];
  /** Failures the curve was estimated from. */
  readonly failures: number;
}

/** Labels known in full at once: every failure on record from the start. */
export const MATURE: MaturityCurve = { ages: [0], share: [1], failures: 0 };

export interface MaturityObservation {
  /** When the change started. */
  readonly startedAt: number;
  /** When its failure came on record, or null when none is (yet). */
  readonly knownAt: number | null;
}

export interface MaturityOptions {
  /** Ages to estimate at (default MATURITY_AGES); those beyond the oldest change are dropped. */
  readonly ages?: readonly number[];
  /** A ratio needs at least this many failures in its cohort, else no development is assumed. */
  readonly minFailures?: number;
}

/** The maturity curve of `observations` as of `now`: only failures on record by then count. */
export function labelMaturity(
  observations: readonly MaturityObservation[],
  now: number,
  options: MaturityOptions = {},
): MaturityCurve {
  const minFailures = options.minFailures ?? 10;
  const oldest = observations.reduce((m, o) => Math.max(m, now - o.startedAt), 0);
  const ages = (options.ages ?? MATURITY_AGES).filter((a) => a <= oldest);
  if (ages.length === 0) return MATURE;
  // Per failure on record: the change's age now and how long the failure took to show.
  const failures: { age: number; delay: number }[] = [];
  for (const o of observations) {
    if (o.knownAt === null || o.knownAt > now) continue;
    failures.push({ age: now - o.startedAt, delay: Math.max(0, o.knownAt - o.startedAt) });
  }
  const share = new Array<number>(ages.length).fill(1);
  for (let k = ages.length - 2; k >= 0; k--) {
    const a = ages[k]!;
    const b = ages[k + 1]!;
    let withinA = 0;
    let withinB = 0;
    for (const f of failures) {
      if (f.age < b) continue;
      if (f.delay <= a) withinA++;
      if (f.delay <= b) withinB++;
    }
    share[k] = withinB >= minFailures ? (share[k + 1]! * withinA) / withinB : share[k + 1]!;
  }
  return { ages, share, failures: failures.length };
}

/** F(age): interpolated in log-age between the curve's ages; 1 from the horizon on. */
export function maturityAt(curve: MaturityCurve, age: number): number {
  const { ages, share } = curve;
  if (age >= ages.at(-1)!) return 1;
  if (age <= ages[0]!) return ages[0]! > 0 ? (share[0]! * Math.max(0, age)) / ages[0]! : share[0]!;
  let k = 0;
  while (ages[k + 1]! < age) k++;
  const t = Math.log(age / ages[k]!) / Math.log(ages[k + 1]! / ages[k]!);
  return share[k]! + t * (share[k + 1]! - share[k]!);
}

/** Days, for sentences. */
export function describeMaturity(curve: MaturityCurve): string {
  if (curve.failures === 0) return 'no failures on record to learn how long they take to show';
  const at = (days: number) => `${Math.round(maturityAt(curve, days * DAY) * 100)}% within ${days} days`;
  return `${curve.failures} failures on record: ${[1, 30, 365].map(at).join(', ')}`;
}
