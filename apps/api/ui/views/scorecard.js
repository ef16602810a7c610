// Scorecard page: where service management stands over a period — the three actions the data
// supports most, then per team and per service the SLOs against their targets, the DORA figures
// with their bands, verification outcomes, response times and the problem backlog, each figure
// linking to its evidence. The same report downloads as Markdown or HTML for a wiki or a mail.
import { bandBadge, pageHeader } from './common.js';
import { badge, empty, h, replace } from '../dom.js';
import { DAY, duration, percent } from '../format.js';

const RANGES = { '7d': 7, '28d': 28, '90d': 90 };
const RANGE_NAMES = { '7d': 'Last 7 days', '28d': 'Last 28 days', '90d': 'Last 90 days' };

export async function render({ main, api, signal, query, setQuery, setTitle }) {
  setTitle('Scorecard');
  const range = RANGES[query.get('range')] ? query.get('range') : '28d';
  const team = query.get('team') ?? '';
  const now = Date.now();
  const params = {
    from: new Date(now - RANGES[range] * DAY).toISOString(),
    to: new Date(now).toISOString(),
    team: team || undefined,
  };
  const card = await api.get('/api/v1/scorecard', params, { signal });
  if (signal.aborted) return;

  const rangeSelect = h(
    'select',
    {
      id: 'scorecard-range',
      onchange: () => setQuery({ range: rangeSelect.value === '28d' ? null : rangeSelect.value }),
    },
    Object.entries(RANGE_NAMES).map(([value, text]) =>
      h('option', { value, selected: value === range }, text),
    ),
  );
  const teams = [...new Set((card?.teams ?? []).map((t) => t.team).filter(Boolean))].sort();
  const teamSelect = h(
    'select',
    { id: 'scorecard-team', onchange: () => setQuery({ team: teamSelect.value || null }) },
    h('option', { value: '' }, 'All teams'),
    [...new Set([...teams, ...(team ? [team] : [])])].map((t) =>
      h('option', { value: t, selected: t === team }, t),
    ),
  );
  const download = (format, type, file) =>
    h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          const text = await api.text('/api/v1/scorecard', { ...params, format });
          const link = h('a', { href: URL.createObjectURL(new Blob([text], { type })), download: file });
          link.click();
          URL.revokeObjectURL(link.href);
        },
      },
      `Download ${format === 'markdown' ? 'Markdown' : 'HTML'}`,
    );

  replace(
    main,
    pageHeader(
      'Scorecard',
      h('p', { class: 'summary' }, RANGE_NAMES[range] + (team ? ` · team ${team}` : '')),
    ),
    h(
      'form',
      { class: 'filters', 'aria-label': 'Scorecard filters', onsubmit: (e) => e.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: 'scorecard-range' }, 'Range'), rangeSelect),
      h('div', { class: 'field' }, h('label', { for: 'scorecard-team' }, 'Team'), teamSelect),
      h(
        'div',
        { class: 'field' },
        download('markdown', 'text/markdown', 'scorecard.md'),
        download('html', 'text/html', 'scorecard.html'),
      ),
    ),
    actions(card?.actions ?? []),
    teamTable(card?.teams ?? []),
    sloTable(card?.services ?? []),
    serviceTable(card?.services ?? []),
    h(
      'p',
      { class: 'hint definition' },
      `Bands: ${card?.references?.dora ?? ''}. SLO attainment: ${card?.references?.slo ?? ''}.`,
    ),
  );
}

function actions(list) {
  return h(
    'section',
    { 'aria-labelledby': 'scorecard-actions' },
    h('h2', { id: 'scorecard-actions' }, 'What to do next'),
    list.length === 0
      ? empty('Nothing stands out in this period.')
      : h(
          'ol',
          { class: 'actions-list' },
          list.map((a) => h('li', {}, h('a', { href: a.link }, a.text))),
        ),
  );
}

function table(id, title, head, rows, emptyText) {
  return h(
    'section',
    { id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title),
    rows.length === 0
      ? empty(emptyText)
      : h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            {},
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                head.map((c) => h('th', { scope: 'col' }, c)),
              ),
            ),
            h(
              'tbody',
              {},
              rows.map((cells) =>
                h(
                  'tr',
                  {},
                  cells.map((c) => h('td', {}, c)),
                ),
              ),
            ),
          ),
        ),
  );
}

const ATTAINMENT = { met: ['met', 'pass'], missed: ['missed', 'fail'], 'no-data': ['no data', 'none'] };

function attainmentBadge(attainment) {
  const [text, kind] = ATTAINMENT[attainment] ?? ATTAINMENT['no-data'];
  return badge(text, `verdict verdict-${kind}`, `SLO attainment over its window: ${text}`);
}

const time = (t) => (t?.medianMs == null ? '—' : duration(t.medianMs));
const verdicts = (v) => `${v.pass} / ${v.fail} / ${v.inconclusive}`;

function teamTable(teams) {
  return table(
    'scorecard-teams',
    'Teams',
    [
      'Team',
      'Services',
      'SLOs met',
      'Verified (pass / fail / inconclusive)',
      'Incidents',
      'Time to acknowledge',
      'Time to resolve',
      'Open problems',
    ],
    teams.map((t) => [
      t.team ?? 'no team',
      String(t.services.length),
      t.slos > 0 ? `${t.slosMet} of ${t.slos}` : 'no SLO',
      verdicts(t.verifications),
      String(t.incidents),
      time(t.timeToAcknowledge),
      time(t.timeToResolve),
      String(t.backlog),
    ]),
    'No team had activity in this period.',
  );
}

function sloTable(services) {
  const rows = services.flatMap((s) =>
    s.slos.map((o) => [
      h('a', { href: o.link }, o.name),
      s.service,
      percent(o.target, 2),
      o.sli === null ? '—' : percent(o.sli, 3),
      attainmentBadge(o.attainment),
      `${percent(o.consumed, 0)} of ${o.window}`,
      percent(o.recurringShare, 0),
    ]),
  );
  return table(
    'scorecard-slos',
    'Service levels',
    ['SLO', 'Service', 'Target', 'SLI', 'Attained', 'Budget spent', 'Spent by recurring problems'],
    rows,
    'No SLO is defined for these services.',
  );
}

function serviceTable(services) {
  return table(
    'scorecard-services',
    'Per service',
    [
      'Service',
      'Deploys / day',
      'Change failure rate',
      'Time to restore',
      'DORA band',
      'Verified',
      'Incidents',
      'Time to acknowledge',
      'Open problems',
    ],
    services.map((s) => {
      const d = s.dora;
      return [
        s.service,
        d ? d.deploymentsPerDay.toFixed(2) : '—',
        d && d.changeFailureRate !== null ? percent(d.changeFailureRate, 0) : '—',
        d && d.timeToRestoreMedianMs !== null ? duration(d.timeToRestoreMedianMs) : '—',
        d?.band ? bandBadge(d.band) : '—',
        verdicts(s.verifications),
        h('a', { href: s.incidents.link }, String(s.incidents.count)),
        time(s.incidents.timeToAcknowledge),
        h(
          'a',
          { href: s.problems.link },
          s.problems.oldestDays === null
            ? String(s.problems.backlog)
            : `${s.problems.backlog} (oldest ${s.problems.oldestDays} d)`,
        ),
      ];
    }),
    'No service had activity in this period.',
  );
}
