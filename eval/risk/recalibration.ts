// Walk-forward recalibration of the model's log-odds, learnt from its own track record — tried on
// the development projects and not the default (eval/risk/REPORT.md says why, with figures). At
// each refit the changes scored so far (within the fits' window, old enough that a quarter of
// their failures would show, as the fits take them) are looked at with their outcomes as known
// then: a change with a failure on record counts log p, one without log(1 − F·p), F the maturity
// curve of the refit, each weighed by the same recency half-life. The map z ↦ a + b·z that best
// explains them (Platt scaling; a N(0, 1/κ) prior on a, N(1, 1/κ) on b) is used on the changes
// scored until the next refit. 'spread' learns only the slope b and keeps the track record's mean
// predicted risk (the shift a set so), for an intercept read off young outcomes is the part most
// at the mercy of the maturity curve. Below 20 failures or three services with a failure on
// record, the map is the identity.
import { maturityAt, outcomeScore, sigmoid, type MaturityCurve } from '#core';

export type Recalibration = 'none' | 'platt' | 'spread';

export interface Calibration {
  readonly shift: number;
  readonly slope: number;
}

export const IDENTITY: Calibration = { shift: 0, slope: 1 };

export interface Scoring {
  readonly service: string;
  readonly startedAt: number;
  /** The model's log-odds at the change's start, before any recalibration. */
  readonly logOdds: number;
  /** When its failure came on record, null when none has (yet). */
  readonly failedAt: number | null;
}

export interface CalibrationOptions {
  readonly kind: Exclude<Recalibration, 'none'>;
  readonly now: number;
  readonly maturity: MaturityCurve;
  readonly halfLifeMs: number | undefined;
  readonly minMaturity: number;
  readonly priorPrecision?: number;
}

export function learnCalibration(record: readonly Scoring[], options: CalibrationOptions): Calibration {
  const { now, maturity } = options;
  const kappa = options.priorPrecision ?? 4;
  const rows = record
    .map((r) => ({
      z: r.logOdds,
      y: r.failedAt !== null && r.failedAt <= now,
      f: maturityAt(maturity, now - r.startedAt),
      v: options.halfLifeMs ? 0.5 ** ((now - r.startedAt) / options.halfLifeMs) : 1,
      service: r.service,
    }))
    .filter((r) => r.f >= options.minMaturity);
  const failing = new Set(rows.filter((r) => r.y).map((r) => r.service));
  if (rows.filter((r) => r.y).length < 20 || failing.size < 3) return IDENTITY;
  let a = 0;
  let b = 1;
  for (let iteration = 0; iteration < 50; iteration++) {
    let ga = -kappa * a;
    let gb = -kappa * (b - 1);
    let haa = kappa;
    let hab = 0;
    let hbb = kappa;
    for (const r of rows) {
      const { residual: g, curvature: h } = outcomeScore(r.y, r.f, sigmoid(a + b * r.z));
      ga += r.v * g;
      gb += r.v * g * r.z;
      haa += r.v * h;
      hab += r.v * h * r.z;
      hbb += r.v * h * r.z * r.z;
    }
    const det = haa * hbb - hab * hab;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a += da;
    b += db;
    if (Math.abs(da) + Math.abs(db) < 1e-7) break;
  }
  if (options.kind === 'platt') return { shift: a, slope: b };
  // The slope alone: the shift that keeps the track record's weighted mean predicted risk.
  let target = 0;
  for (const r of rows) target += r.v * sigmoid(r.z);
  let lo = -20;
  let hi = 20;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    let mean = 0;
    for (const r of rows) mean += r.v * sigmoid(mid + b * r.z);
    if (mean > target) hi = mid;
    else lo = mid;
  }
  return { shift: (lo + hi) / 2, slope: b };
}
