// The scorecard as a report: Markdown (for a wiki page or a pull request) and a standalone
// HTML page (for mail), the same sections in the same order — the three actions first, then
// per team, then per service with every figure's band and a link to its evidence. Links are
// the web UI's routes, made absolute with `baseUrl` when given.
import type { Scorecard, ServiceCard, TeamCard } from './scorecard.js';

export interface RenderOptions {
  /** The web UI's address: links become `${baseUrl}/#/…`. */
  readonly baseUrl?: string;
}

interface Table {
  readonly head: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

/** Text, or text with a link. */
type Cell = string | { readonly text: string; readonly link: string };

interface Report {
  readonly title: string;
  readonly period: string;
  readonly actions: readonly Cell[];
  readonly sections: readonly { readonly heading: string; readonly table: Table }[];
  readonly notes: readonly string[];
}

export function scorecardMarkdown(card: Scorecard, options: RenderOptions = {}): string {
  const r = report(card, options);
  const cell = (c: Cell) => (typeof c === 'string' ? c : `[${c.text}](${c.link})`).replace(/\|/g, '\\|');
  const lines = [`# ${r.title}`, '', r.period, '', '## What to do next', ''];
  lines.push(
    ...(r.actions.length > 0 ? r.actions.map((a, i) => `${i + 1}. ${cell(a)}`) : ['Nothing stands out.']),
  );
  for (const s of r.sections) {
    lines.push('', `## ${s.heading}`, '');
    if (s.table.rows.length === 0) {
      lines.push('None in the period.');
      continue;
    }
    lines.push(`| ${s.table.head.join(' | ')} |`, `|${s.table.head.map(() => ' --- ').join('|')}|`);
    for (const row of s.table.rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  }
  lines.push('', ...r.notes.map((n) => `_${n}_`), '');
  return lines.join('\n');
}

export function scorecardHtml(card: Scorecard, options: RenderOptions = {}): string {
  const r = report(card, options);
  const cell = (c: Cell) =>
    typeof c === 'string' ? escape(c) : `<a href="${escape(c.link)}">${escape(c.text)}</a>`;
  const body = [
    `<h1>${escape(r.title)}</h1>`,
    `<p>${escape(r.period)}</p>`,
    '<h2>What to do next</h2>',
    r.actions.length > 0
      ? `<ol>${r.actions.map((a) => `<li>${cell(a)}</li>`).join('')}</ol>`
      : '<p>Nothing stands out.</p>',
    ...r.sections.map(
      (s) =>
        `<h2>${escape(s.heading)}</h2>` +
        (s.table.rows.length === 0
          ? '<p>None in the period.</p>'
          : `<table><thead><tr>${s.table.head.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>` +
            s.table.rows.map((row) => `<tr>${row.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('') +
            '</tbody></table>'),
    ),
    ...r.notes.map((n) => `<p><small>${escape(n)}</small></p>`),
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escape(r.title)}</title>`,
    '<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left}th{background:#f3f3f3}</style>',
    '</head><body>',
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}

function report(card: Scorecard, options: RenderOptions): Report {
  const base = options.baseUrl?.replace(/\/$/, '');
  const link = (text: string, route: string): Cell => ({ text, link: base ? `${base}/${route}` : route });
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return {
    title: 'Service-management scorecard',
    period: `${day(card.from)} to ${day(card.to - 1)} (UTC)`,
    actions: card.actions.map((a) => link(a.text, a.link)),
    sections: [
      { heading: 'Teams', table: teamTable(card.teams) },
      { heading: 'Service levels', table: sloTable(card.services, link) },
      { heading: 'Change and incident figures per service', table: serviceTable(card.services, link) },
    ],
    notes: [`Bands: ${card.references.dora}. SLO attainment: ${card.references.slo}.`],
  };
}

function teamTable(teams: readonly TeamCard[]): Table {
  return {
    head: [
      'team',
      'services',
      'SLOs met',
      'verified changes (pass / fail / inconclusive)',
      'incidents',
      'time to acknowledge',
      'time to resolve',
      'open problems',
    ],
    rows: teams.map((t) => [
      t.team ?? '(no team)',
      String(t.services.length),
      t.slos > 0 ? `${t.slosMet} of ${t.slos}` : 'no SLO',
      `${t.verifications.pass} / ${t.verifications.fail} / ${t.verifications.inconclusive}`,
      String(t.incidents),
      duration(t.timeToAcknowledge.medianMs),
      duration(t.timeToResolve.medianMs),
      String(t.backlog),
    ]),
  };
}

function sloTable(services: readonly ServiceCard[], link: (text: string, route: string) => Cell): Table {
  return {
    head: ['SLO', 'service', 'target', 'SLI', 'attained', 'budget spent', 'spent by recurring problems'],
    rows: services.flatMap((s) =>
      s.slos.map((o) => [
        link(o.name, o.link),
        s.service,
        percent(o.target, 2),
        o.sli === null ? '—' : percent(o.sli, 3),
        o.attainment,
        `${percent(o.consumed, 0)} of ${o.window}`,
        percent(o.recurringShare, 0),
      ]),
    ),
  };
}

function serviceTable(services: readonly ServiceCard[], link: (text: string, route: string) => Cell): Table {
  return {
    head: [
      'service',
      'deploys / day',
      'lead time',
      'change failure rate',
      'time to restore',
      'DORA band',
      'verified (pass / fail / inconclusive)',
      'incidents',
      'time to acknowledge',
      'time to resolve',
      'open problems (oldest)',
    ],
    rows: services.map((s) => {
      const d = s.dora;
      const band = (text: string, b: string | null | undefined) => (b ? `${text} (${b})` : text);
      return [
        s.service,
        d ? band(d.deploymentsPerDay.toFixed(2), d.bands.deploymentFrequency) : '—',
        d ? band(duration(d.leadTimeMedianMs), d.bands.leadTime) : '—',
        d && d.changeFailureRate !== null
          ? band(percent(d.changeFailureRate, 0), d.bands.changeFailureRate)
          : '—',
        d ? band(duration(d.timeToRestoreMedianMs), d.bands.timeToRestore) : '—',
        d?.band ?? '—',
        `${s.verifications.pass} / ${s.verifications.fail} / ${s.verifications.inconclusive}`,
        link(String(s.incidents.count), s.incidents.link),
        duration(s.incidents.timeToAcknowledge.medianMs),
        duration(s.incidents.timeToResolve.medianMs),
        link(
          s.problems.oldestDays === null
            ? String(s.problems.backlog)
            : `${s.problems.backlog} (${s.problems.oldestDays} d)`,
          s.problems.link,
        ),
      ];
    }),
  };
}

function percent(x: number, digits: number): string {
  return `${(x * 100).toFixed(digits)}%`;
}

function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
