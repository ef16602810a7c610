// Verdict ⇄ `verdicts` row, the per-metric judgements as an array of named tuples.
import type { MetricJudgement, Verdict, VerdictOutcome } from '#contracts';
import { dbBool, dbTime } from './db-values.js';

interface JudgementColumns {
  readonly metric: string;
  readonly outcome: string;
  readonly test: string;
  readonly p_value: number | null;
  readonly effect: number | null;
  readonly baseline_value: number | null;
  readonly observed_value: number | null;
  readonly reason: string;
}

interface VerdictColumns<Time, Bool> {
  readonly id: string;
  readonly change_id: string;
  readonly service: string;
  readonly environment: string;
  readonly outcome: string;
  readonly score: number;
  readonly look: number;
  readonly final: Bool;
  readonly decided_at: Time;
  readonly baseline_start: Time;
  readonly baseline_end: Time;
  readonly observation_start: Time;
  readonly observation_end: Time;
  readonly metrics: readonly JudgementColumns[];
  readonly summary: string;
  readonly team: string | null;
}

export type VerdictRow = VerdictColumns<number, boolean>;
export type StoredVerdictRow = VerdictColumns<string, boolean | number>;

export function toVerdictRow(verdict: Verdict): VerdictRow {
  return {
    id: verdict.id,
    change_id: verdict.changeId,
    service: verdict.service,
    environment: verdict.environment,
    outcome: verdict.outcome,
    score: verdict.score,
    look: verdict.look,
    final: verdict.final,
    decided_at: verdict.decidedAt,
    baseline_start: verdict.baselineStart,
    baseline_end: verdict.baselineEnd,
    observation_start: verdict.observationStart,
    observation_end: verdict.observationEnd,
    metrics: verdict.metrics.map((m) => ({
      metric: m.metric,
      outcome: m.outcome,
      test: m.test,
      p_value: m.pValue,
      effect: m.effect,
      baseline_value: m.baselineValue,
      observed_value: m.observedValue,
      reason: m.reason,
    })),
    summary: verdict.summary,
    team: verdict.team,
  };
}

export function fromVerdictRow(row: StoredVerdictRow): Verdict {
  return {
    id: row.id,
    changeId: row.change_id,
    service: row.service,
    environment: row.environment,
    outcome: row.outcome as VerdictOutcome,
    score: row.score,
    look: row.look,
    final: dbBool(row.final),
    decidedAt: dbTime(row.decided_at),
    baselineStart: dbTime(row.baseline_start),
    baselineEnd: dbTime(row.baseline_end),
    observationStart: dbTime(row.observation_start),
    observationEnd: dbTime(row.observation_end),
    metrics: row.metrics.map((m): MetricJudgement => ({
      metric: m.metric,
      outcome: m.outcome as VerdictOutcome,
      test: m.test,
      pValue: m.p_value,
      effect: m.effect,
      baselineValue: m.baseline_value,
      observedValue: m.observed_value,
      reason: m.reason,
    })),
    summary: row.summary,
    team: row.team,
  };
}
