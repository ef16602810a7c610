// What a synced record says about a problem, independent of the tracker: sections of plain
// lines that Jira lays out in Atlassian Document Format and ServiceNow as text.
import type { Problem } from '#contracts';

/** A line of text, or a link. */
export type Line = string | { readonly text: string; readonly href: string };

export interface Section {
  readonly heading: string | null;
  readonly lines: readonly Line[];
  /** Lines are a list (shared factors), not paragraphs. */
  readonly list?: boolean;
}

const STATUS_WORDS: Record<Problem['status'], string> = {
  candidate: 'candidate',
  problem: 'confirmed problem',
  known_error: 'known error',
  resolved: 'resolved',
  verified: 'verified fixed',
  rejected: 'rejected',
};

/** The problem's page in the UI, when the public URL is known. */
export function problemLink(problem: Problem, publicUrl: string | undefined): string | null {
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}/#/problems/${encodeURIComponent(problem.id)}` : null;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function problemSections(problem: Problem, publicUrl: string | undefined): Section[] {
  const link = problemLink(problem, publicUrl);
  const sections: Section[] = [
    {
      heading: null,
      lines: [
        `Aftershock ${STATUS_WORDS[problem.status]} ${problem.id}: ${problem.count} incident${problem.count === 1 ? '' : 's'} ` +
          `on ${problem.services.join(', ') || 'no service'} between ${day(problem.firstSeen)} and ${day(problem.lastSeen)}.`,
        ...(link ? [{ text: 'Open in Aftershock', href: link }] : []),
      ],
    },
    { heading: 'Pattern', lines: [problem.template || problem.title] },
  ];
  if (problem.sharedFactors.length > 0)
    sections.push({
      heading: 'What the incidents share',
      lines: problem.sharedFactors.map((f) => `${f.factor} = ${f.value} (${Math.round(f.share * 100)}%)`),
      list: true,
    });
  if (problem.workaround) sections.push({ heading: 'Workaround', lines: [problem.workaround] });
  if (problem.fixChangeId) sections.push({ heading: 'Fix', lines: [fixLine(problem)] });
  return sections;
}

export function fixLine(problem: Problem): string {
  return `Fixed by change ${problem.fixChangeId}`;
}

/** What the version that moved the problem to its status says (for a transition comment, a work note). */
export function statusNote(problem: Problem): string {
  const lines = [
    `Aftershock: now ${STATUS_WORDS[problem.status]}${problem.actor ? ` (by ${problem.actor})` : ''}.`,
  ];
  if (problem.comment) lines.push(problem.comment);
  if (problem.status === 'known_error' && problem.workaround) lines.push(`Workaround: ${problem.workaround}`);
  if (problem.fixChangeId && (problem.status === 'resolved' || problem.status === 'verified'))
    lines.push(fixLine(problem));
  return lines.join('\n');
}

export function plainText(sections: readonly Section[]): string {
  return sections
    .map((s) =>
      [
        ...(s.heading ? [`${s.heading}:`] : []),
        ...s.lines.map((l) => (s.list ? '- ' : '') + (typeof l === 'string' ? l : `${l.text}: ${l.href}`)),
      ].join('\n'),
    )
    .join('\n\n');
}

export const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
