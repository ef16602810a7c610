// The change's content as risk features (change schema v3): how big and how spread out it is,
// the history of the files it touches, its author's experience and its purpose — the
// just-in-time defect prediction features of Kamei et al. Counts enter as log2 ratios to a
// routine change (2 files in 1 directory of 1 subsystem, files of 1,000 lines last changed a
// month ago by 3 developers in 10 earlier changes, an author with 100 changes, 10 of them
// recent and 50 in the subsystem), so a routine change scores 0 on each and a weight reads as
// "per doubling". A feature the source did not send is 0 (the routine value): the change is
// scored on what is known.
import type { Change, ChangeContent } from '#contracts';

export const CONTENT_FEATURES = [
  'content-unknown',
  'files',
  'directories',
  'subsystems',
  'entropy',
  'lines-before',
  'commits',
  'developers',
  'files-age',
  'prior-changes',
  'author-experience',
  'author-recent-experience',
  'author-subsystem-experience',
  'fix',
  'revert',
] as const;

export type ContentFeature = (typeof CONTENT_FEATURES)[number];

export const CONTENT_FACTOR_OF: Record<ContentFeature, string> = {
  'content-unknown': 'content',
  files: 'spread',
  directories: 'spread',
  subsystems: 'spread',
  entropy: 'spread',
  'lines-before': 'size',
  commits: 'size',
  developers: 'file-history',
  'files-age': 'file-history',
  'prior-changes': 'file-history',
  'author-experience': 'author-experience',
  'author-recent-experience': 'author-experience',
  'author-subsystem-experience': 'author-experience',
  fix: 'purpose',
  revert: 'purpose',
};

/** The routine change each count is compared with. */
const ROUTINE = {
  files: 2,
  directories: 1,
  subsystems: 1,
  linesBefore: 1000,
  commits: 1,
  developers: 3,
  filesAgeDays: 30,
  priorChanges: 10,
  authorExperience: 100,
  authorRecentExperience: 10,
  authorSubsystemExperience: 50,
} as const;

/** log2 of (x + 1) over (routine + 1), bounded so one absurd count cannot dominate. */
function doublings(x: number | null, routine: number): number {
  if (x === null || !Number.isFinite(x)) return 0;
  return Math.min(12, Math.max(-8, Math.log2((x + 1) / (routine + 1))));
}

/** Lines changed: the change's own size, else what its content says. */
export function linesChanged(change: Change): number | null {
  if (change.sizeLines !== null) return change.sizeLines;
  const c = change.content;
  if (c === null || (c.linesAdded === null && c.linesDeleted === null)) return null;
  return (c.linesAdded ?? 0) + (c.linesDeleted ?? 0);
}

/** Entropy relative to its maximum for that many files (0 = one file took it all, 1 = even). */
function spreadEvenness(c: ChangeContent): number {
  if (c.entropy === null || c.files === null || c.files < 2) return 0;
  return Math.min(1, c.entropy / Math.log2(c.files));
}

export function contentFeatureValues(change: Change): Record<ContentFeature, number> {
  const c = change.content;
  const flag = (v: boolean | null | undefined) => (v ? 1 : 0);
  return {
    'content-unknown': c === null ? 1 : 0,
    files: doublings(c?.files ?? null, ROUTINE.files),
    directories: doublings(c?.directories ?? null, ROUTINE.directories),
    subsystems: doublings(c?.subsystems ?? null, ROUTINE.subsystems),
    entropy: c === null ? 0 : spreadEvenness(c),
    'lines-before': doublings(c?.linesBefore ?? null, ROUTINE.linesBefore),
    commits: doublings(c?.commits ?? null, ROUTINE.commits),
    developers: doublings(c?.developers ?? null, ROUTINE.developers),
    'files-age': doublings(c?.filesAgeDays ?? null, ROUTINE.filesAgeDays),
    'prior-changes': doublings(c?.priorChanges ?? null, ROUTINE.priorChanges),
    'author-experience': doublings(c?.authorExperience ?? null, ROUTINE.authorExperience),
    'author-recent-experience': doublings(c?.authorRecentExperience ?? null, ROUTINE.authorRecentExperience),
    'author-subsystem-experience': doublings(
      c?.authorSubsystemExperience ?? null,
      ROUTINE.authorSubsystemExperience,
    ),
    fix: flag(c?.fix),
    revert: flag(c?.revert),
  };
}

const count = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${n === 1 ? one : many}`;

/** One sentence per content factor group, describing the change's values of it. */
export function describeContentFactor(factor: string, change: Change): string | undefined {
  const c = change.content;
  if (factor === 'content')
    return c === null ? 'no change content sent (lines, files, authors): scored on the rest' : 'content sent';
  if (c === null) return undefined;
  const parts = (items: (string | null)[]) => items.filter((s): s is string => s !== null).join(', ');
  switch (factor) {
    case 'spread':
      return (
        parts([
          c.files === null ? null : count(c.files, 'file'),
          c.directories === null ? null : count(c.directories, 'directory', 'directories'),
          c.subsystems === null ? null : count(c.subsystems, 'subsystem'),
          c.entropy === null ? null : `changed lines spread ${(spreadEvenness(c) * 100).toFixed(0)}% evenly`,
        ]) || 'spread not given'
      );
    case 'file-history':
      return (
        parts([
          c.developers === null ? null : `${count(c.developers, 'developer')} changed these files before`,
          c.priorChanges === null ? null : `in ${count(c.priorChanges, 'earlier change')}`,
          c.filesAgeDays === null ? null : `last changed ${count(Math.round(c.filesAgeDays), 'day')} ago`,
        ]) || 'history of the touched files not given'
      );
    case 'author-experience':
      return (
        parts([
          c.authorExperience === null ? null : `author made ${count(c.authorExperience, 'earlier change')}`,
          c.authorRecentExperience === null
            ? null
            : `${c.authorRecentExperience.toFixed(1)} recency-weighted`,
          c.authorSubsystemExperience === null
            ? null
            : `${count(c.authorSubsystemExperience, 'change')} in these subsystems`,
        ]) || 'author experience not given'
      );
    case 'purpose':
      return c.revert ? 'reverts an earlier change' : c.fix ? 'fixes a defect' : 'neither a fix nor a revert';
    default:
      return undefined;
  }
}

/** The size sentence's content part: lines before and commits, where known. */
export function describeContentSize(change: Change): string {
  const c = change.content;
  if (c === null) return '';
  const parts = [
    c.linesAdded !== null || c.linesDeleted !== null
      ? `+${c.linesAdded ?? '?'}/−${c.linesDeleted ?? '?'}`
      : null,
    c.linesBefore === null ? null : `touched files held ${count(c.linesBefore, 'line')}`,
    c.commits === null ? null : count(c.commits, 'commit'),
  ].filter((s): s is string => s !== null);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
