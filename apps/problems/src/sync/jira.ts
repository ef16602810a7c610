// Jira Cloud (REST API v3): a problem is an issue of the target's project and type, labelled
// `aftershock-<problem id>` so it is found again (JQL on the label) after a restart; its status
// follows the problem's through the workflow transition the target names for each status.
//   create      POST /rest/api/3/issue {fields: {project: {key}, issuetype: {name}, summary, description (ADF), labels}}
//   find        GET  /rest/api/3/search/jql?jql=labels = "aftershock-<id>"
//   update      PUT  /rest/api/3/issue/{key} {fields: {summary, description}}
//   transition  GET  /rest/api/3/issue/{key}/transitions, then
//               POST /rest/api/3/issue/{key}/transitions {transition: {id}, update: {comment: [{add: {body}}]}}
// Jira's search index trails a create by a moment: the sync remembers the key it created, so a
// search only stands in for that memory after a restart or a rebalance.
import type { Problem } from '#contracts';
import { clip, problemSections, statusNote, type Line, type Section } from './problem-text.js';
import type { JiraTarget } from './sync-config.js';
import { SyncConfigError, type Call, type RecordState, type Tracker } from './tracker.js';

/** The label that finds a problem's issue: labels may not hold spaces. */
export const jiraLabel = (problem: Problem) => `aftershock-${problem.id.replace(/[^A-Za-z0-9_.-]/g, '-')}`;

type AdfInline = { type: 'text'; text: string; marks?: unknown[] };

const inline = (line: Line): AdfInline =>
  typeof line === 'string'
    ? { type: 'text', text: line }
    : { type: 'text', text: line.text, marks: [{ type: 'link', attrs: { href: line.href } }] };

const paragraph = (line: Line) => ({ type: 'paragraph', content: [inline(line)] });

/** Atlassian Document Format: a doc of headings, paragraphs and bullet lists (no empty text nodes). */
export function adfDocument(sections: readonly Section[]): unknown {
  const content: unknown[] = [];
  for (const s of sections) {
    const lines = s.lines.filter((l) => (typeof l === 'string' ? l : l.text).length > 0);
    if (lines.length === 0) continue;
    if (s.heading) content.push({ type: 'heading', attrs: { level: 3 }, content: [inline(s.heading)] });
    if (s.list)
      content.push({
        type: 'bulletList',
        content: lines.map((l) => ({ type: 'listItem', content: [paragraph(l)] })),
      });
    else content.push(...lines.map(paragraph));
  }
  return { type: 'doc', version: 1, content };
}

export function adfText(text: string): unknown {
  return adfDocument([{ heading: null, lines: text.split('\n') }]);
}

/** Jira's summary holds at most 255 characters. */
const summary = (problem: Problem) => clip(`[Aftershock] ${problem.title}`, 255);

export function jiraCreateBody(target: JiraTarget, problem: Problem, publicUrl?: string): unknown {
  return {
    fields: {
      project: { key: target.project },
      issuetype: { name: target.issueType },
      summary: summary(problem),
      description: adfDocument(problemSections(problem, publicUrl)),
      labels: [...new Set(['aftershock', jiraLabel(problem), ...target.labels])],
    },
  };
}

export function jiraUpdateBody(problem: Problem, publicUrl?: string): unknown {
  return {
    fields: { summary: summary(problem), description: adfDocument(problemSections(problem, publicUrl)) },
  };
}

export function jiraSearchPath(problem: Problem): string {
  const jql = `labels = "${jiraLabel(problem)}" ORDER BY created ASC`;
  return `/rest/api/3/search/jql?${new URLSearchParams({ jql, fields: 'status', maxResults: '1' })}`;
}

interface JiraTransition {
  readonly id: string;
  readonly name?: string;
  readonly to?: { readonly name?: string };
}

/** The transition the target names for a status: by its name, or by the name of the status it leads to. */
export function pickTransition(
  transitions: readonly JiraTransition[],
  wanted: string,
): JiraTransition | undefined {
  const same = (a: string | undefined) => a?.trim().toLowerCase() === wanted.trim().toLowerCase();
  return transitions.find((t) => same(t.name)) ?? transitions.find((t) => same(t.to?.name));
}

export class JiraTracker implements Tracker {
  constructor(
    private readonly target: JiraTarget,
    private readonly call: Call,
    private readonly publicUrl?: string,
  ) {}

  async find(problem: Problem): Promise<string | null> {
    const found = (await this.call({ method: 'GET', url: this.url(jiraSearchPath(problem)) })) as {
      issues?: { key?: string }[];
    } | null;
    return found?.issues?.[0]?.key ?? null;
  }

  async create(problem: Problem): Promise<string> {
    const created = (await this.call(
      {
        method: 'POST',
        url: this.url('/rest/api/3/issue'),
        body: jiraCreateBody(this.target, problem, this.publicUrl),
      },
      1,
    )) as { key?: string } | null;
    if (!created?.key) throw new Error('Jira answered the issue create without a key');
    return created.key;
  }

  async update(key: string, problem: Problem, { previous, created }: RecordState): Promise<void> {
    const issue = this.url(`/rest/api/3/issue/${encodeURIComponent(key)}`);
    if (!created)
      await this.call({ method: 'PUT', url: issue, body: jiraUpdateBody(problem, this.publicUrl) });
    const wanted = this.target.transitions[problem.status];
    if (!wanted || previous === problem.status) return;
    const offered = (await this.call({ method: 'GET', url: `${issue}/transitions` })) as {
      transitions?: JiraTransition[];
    } | null;
    const transition = pickTransition(offered?.transitions ?? [], wanted);
    if (!transition) {
      // After a restart the issue may already be there (Jira offers no transition to its own status).
      if (previous === null) return;
      throw new SyncConfigError(
        `${this.target.name}: ${key} offers no transition "${wanted}" (for ${problem.status}); ` +
          `offered: ${(offered?.transitions ?? []).map((t) => t.name).join(', ') || 'none'}`,
      );
    }
    await this.call({
      method: 'POST',
      url: `${issue}/transitions`,
      body: {
        transition: { id: transition.id },
        update: { comment: [{ add: { body: adfText(statusNote(problem)) } }] },
      },
    });
  }

  private url(path: string): string {
    return `${this.target.url}${path}`;
  }
}
