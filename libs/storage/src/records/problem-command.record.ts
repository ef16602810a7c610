// Problem command (a problem manager's action on a problem) ⇄ `problem_commands` row.
import type { ProblemAction, ProblemCommand } from '#contracts';
import { dbTime } from './db-values.js';

interface ProblemCommandColumns<Time> {
  readonly id: string;
  readonly problem_id: string;
  readonly action: string;
  readonly actor: string;
  readonly at: Time;
  readonly workaround: string | null;
  readonly fix_change_id: string | null;
  readonly comment: string | null;
  readonly incident_id: string | null;
}

export type ProblemCommandRow = ProblemCommandColumns<number>;
export type StoredProblemCommandRow = ProblemCommandColumns<string>;

export function toProblemCommandRow(command: ProblemCommand): ProblemCommandRow {
  return {
    id: command.id,
    problem_id: command.problemId,
    action: command.action,
    actor: command.actor,
    at: command.at,
    workaround: command.workaround,
    fix_change_id: command.fixChangeId,
    comment: command.comment,
    incident_id: command.incidentId,
  };
}

export function fromProblemCommandRow(row: StoredProblemCommandRow): ProblemCommand {
  return {
    id: row.id,
    problemId: row.problem_id,
    action: row.action as ProblemAction,
    actor: row.actor,
    at: dbTime(row.at),
    workaround: row.workaround,
    fixChangeId: row.fix_change_id,
    comment: row.comment,
    incidentId: row.incident_id,
  };
}
