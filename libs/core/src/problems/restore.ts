// Rebuilding a problem book after a restart or a takeover: the incidents of the lookback (each in
// its newest known version) and the problem managers' commands, replayed in event-time order
// through a fresh book with outputs discarded, give the clusters, templates and lifecycle an
// uninterrupted owner would have; the published problems then fix the version numbering, and
// what the replay concluded but nobody published is published (restore is the only place that
// knows it: the inputs that caused it may be behind the group's committed offset).
import type { Incident, Problem, ProblemCommand } from '#contracts';
import type { ProblemBook } from './problem-book.js';

export interface ProblemRestoreSources {
  /** Incident events of the lookback, any versions, from wherever they were read (duplicates allowed). */
  readonly incidents: readonly Incident[];
  readonly commands: readonly ProblemCommand[];
  /** Published problem events (any versions). */
  readonly problems: readonly Problem[];
}

export interface ProblemRestoreResult {
  /** New versions to publish: conclusions of the replay that were never published. */
  readonly publish: Problem[];
  readonly incidents: number;
  readonly commands: number;
  /** The event time the replay reached (the book's watermark). */
  readonly watermark: number;
}

export function restoreProblemBook(book: ProblemBook, sources: ProblemRestoreSources): ProblemRestoreResult {
  const newest = new Map<string, Incident>();
  for (const i of sources.incidents) if ((newest.get(i.id)?.version ?? 0) < i.version) newest.set(i.id, i);
  const commands = new Map(sources.commands.map((c) => [c.id, c]));
  const timed = [
    ...[...newest.values()].map((incident) => ({ at: incident.updatedAt, rank: 0, incident })),
    ...[...commands.values()].map((command) => ({ at: command.at, rank: 1, command })),
  ].sort((a, b) => a.at - b.at || a.rank - b.rank);
  let watermark = 0;
  for (const step of timed) {
    if ('incident' in step) {
      book.onIncident(step.incident);
      watermark = Math.max(watermark, step.incident.updatedAt);
    } else book.act(step.command);
  }
  book.advance(watermark);
  return {
    publish: book.reconcilePublished(sources.problems),
    incidents: newest.size,
    commands: commands.size,
    watermark,
  };
}
