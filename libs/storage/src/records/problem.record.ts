// Problem version ⇄ `problems` row; members are incident ids.
import type { Problem, ProblemStatus } from '#contracts';
import { dbBool, dbIntOrNull, dbTime } from './db-values.js';

interface ProblemColumns<Time, Int64, Bool> {
  readonly id: string;
  readonly version: number;
  readonly signature: string;
  readonly status: string;
  readonly title: string;
  readonly template: string;
  readonly services: readonly string[];
  readonly members: readonly string[];
  readonly count: number;
  readonly first_seen: Time;
  readonly last_seen: Time;
  readonly mttr_ms: Int64 | null;
  readonly impact: number;
  readonly shared_factors: readonly {
    readonly factor: string;
    readonly value: string;
    readonly share: number;
  }[];
  readonly period_ms: Int64 | null;
  readonly workaround: string | null;
  readonly fix_change_id: string | null;
  readonly reopened: Bool;
  readonly actor: string | null;
  readonly comment: string | null;
  readonly updated_at: Time;
  readonly team: string | null;
}

export type ProblemRow = ProblemColumns<number, number, boolean>;
export type StoredProblemRow = ProblemColumns<string, string, boolean | number>;

export function toProblemRow(problem: Problem): ProblemRow {
  return {
    id: problem.id,
    version: problem.version,
    signature: problem.signature,
    status: problem.status,
    title: problem.title,
    template: problem.template,
    services: problem.services,
    members: problem.members,
    count: problem.count,
    first_seen: problem.firstSeen,
    last_seen: problem.lastSeen,
    mttr_ms: problem.mttrMs,
    impact: problem.impact,
    shared_factors: problem.sharedFactors,
    period_ms: problem.periodMs,
    workaround: problem.workaround,
    fix_change_id: problem.fixChangeId,
    reopened: problem.reopened,
    actor: problem.actor,
    comment: problem.comment,
    updated_at: problem.updatedAt,
    team: problem.team,
  };
}

export function fromProblemRow(row: StoredProblemRow): Problem {
  return {
    id: row.id,
    version: row.version,
    signature: row.signature,
    status: row.status as ProblemStatus,
    title: row.title,
    template: row.template,
    services: [...row.services],
    members: [...row.members],
    count: row.count,
    firstSeen: dbTime(row.first_seen),
    lastSeen: dbTime(row.last_seen),
    mttrMs: dbIntOrNull(row.mttr_ms),
    impact: row.impact,
    sharedFactors: row.shared_factors.map((f) => ({ factor: f.factor, value: f.value, share: f.share })),
    periodMs: dbIntOrNull(row.period_ms),
    workaround: row.workaround,
    fixChangeId: row.fix_change_id,
    reopened: dbBool(row.reopened),
    actor: row.actor,
    comment: row.comment,
    updatedAt: dbTime(row.updated_at),
    team: row.team,
  };
}
