// Incident history: every incident open at some time in a range, searched by text (title,
// summary or id) and filtered by status, severity, service, suspect change and assignee. Every filter is
// in the URL (#/incidents?q=…&status=…), so a search can be shared or bookmarked; the list pages
// with the API's cursor.
import { empty, h, replace } from '../dom.js';
import { DAY, plural, SEVERITIES } from '../format.js';
import {
  budgetBadges,
  incidentHref,
  pageHeader,
  severityBadge,
  statusBadge,
  suspectLine,
  timeEl,
  topSuspect,
} from './common.js';

const RANGES = { 7: 'Last 7 days', 30: 'Last 30 days', 90: 'Last 90 days', 365: 'Last year' };
const STATUSES = { '': 'Any status', open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved' };
const PAGE = 50;
const ORDERS = { '': 'Open first, most severe first', budget: 'Most SLO budget spent first' };

export async function render({ main, api, signal, query, setQuery, setTitle }) {
  setTitle('Incident history');
  const filters = {
    q: query.get('q') ?? '',
    status: STATUSES[query.get('status') ?? ''] ? (query.get('status') ?? '') : '',
    severity: SEVERITIES.includes(query.get('severity')) ? query.get('severity') : '',
    service: query.get('service') ?? '',
    change: query.get('change') ?? '',
    assignee: query.get('assignee') ?? '',
    days: RANGES[query.get('days')] ? Number(query.get('days')) : 30,
    sort: ORDERS[query.get('sort') ?? ''] ? (query.get('sort') ?? '') : '',
  };
  const request = {
    from: new Date(Date.now() - filters.days * DAY).toISOString(),
    q: filters.q || undefined,
    status: filters.status || undefined,
    severity: filters.severity || undefined,
    service: filters.service || undefined,
    change: filters.change || undefined,
    assignee: filters.assignee || undefined,
    sort: filters.sort || undefined,
    limit: PAGE,
  };
  const first = await api.get('/api/v1/incidents', request, { signal });
  if (signal.aborted) return;

  const search = h('input', {
    id: 'history-q',
    type: 'search',
    name: 'q',
    value: filters.q,
    placeholder: 'title, summary or incident id',
  });
  const service = h('input', {
    id: 'history-service',
    type: 'search',
    name: 'service',
    value: filters.service,
    placeholder: 'e.g. checkout',
  });
  const change = h('input', {
    id: 'history-change',
    type: 'search',
    name: 'change',
    value: filters.change,
    placeholder: 'a change id',
  });
  const assignee = h('input', {
    id: 'history-assignee',
    type: 'search',
    name: 'assignee',
    value: filters.assignee,
    placeholder: 'who it is assigned to',
  });
  const select = (id, options, selected) =>
    h(
      'select',
      { id },
      Object.entries(options).map(([value, text]) =>
        h('option', { value, selected: String(value) === String(selected) }, text),
      ),
    );
  const status = select('history-status', STATUSES, filters.status);
  const severity = select(
    'history-severity',
    { '': 'Any severity', ...Object.fromEntries(SEVERITIES.map((s) => [s, s])) },
    filters.severity,
  );
  const days = select('history-days', RANGES, filters.days);
  const sort = select('history-sort', ORDERS, filters.sort);
  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      onsubmit: (event) => {
        event.preventDefault();
        setQuery({
          q: search.value.trim(),
          status: status.value,
          severity: severity.value,
          service: service.value.trim(),
          change: change.value.trim(),
          assignee: assignee.value.trim(),
          days: days.value === '30' ? null : days.value,
          sort: sort.value,
        });
      },
    },
    label('Search', search),
    label('Status', status),
    label('Severity', severity),
    label('Service', service),
    label('Suspect change', change),
    label('Assignee', assignee),
    label('Range', days),
    label('Order', sort),
    h('button', { type: 'submit' }, 'Search'),
  );

  const rows = h('tbody', {});
  const table = h(
    'table',
    { class: 'data', id: 'history-table' },
    h(
      'caption',
      { class: 'visually-hidden' },
      filters.sort === 'budget'
        ? 'Incidents, most SLO budget spent first'
        : 'Incidents, newest first within each status',
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Severity', 'Incident', 'Service', 'Status', 'Opened', 'Likely cause', 'SLO budget'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    rows,
  );
  const summary = h('p', { class: 'summary', id: 'history-summary', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', id: 'history-more' }, 'Show more');
  let next = null;
  let shown = 0;

  function add(items) {
    for (const incident of items) {
      rows.append(
        h(
          'tr',
          {},
          h('td', {}, severityBadge(incident.severity)),
          h(
            'td',
            {},
            h('a', { href: incidentHref(incident.id) }, incident.title),
            incident.assignee
              ? h('span', { class: 'muted assignee' }, ` · assigned to ${incident.assignee}`)
              : null,
          ),
          h('td', {}, incident.service),
          h('td', {}, statusBadge(incident.status)),
          h('td', {}, timeEl(incident.openedAt)),
          h('td', {}, suspectLine(topSuspect(incident))),
          h('td', { class: 'budget-cell' }, budgetBadges(incident.budgets ?? [])),
        ),
      );
    }
    shown += items.length;
    summary.textContent = `${plural(shown, 'incident')}${next ? ' so far' : ''}`;
    more.hidden = !next;
  }

  more.onclick = async () => {
    more.disabled = true;
    const page = await api.get('/api/v1/incidents', { ...request, cursor: next }, { signal });
    if (signal.aborted) return;
    next = page?.next ?? null;
    add(page?.items ?? []);
    more.disabled = false;
  };

  next = first?.next ?? null;
  const items = first?.items ?? [];
  replace(
    main,
    pageHeader('Incident history'),
    form,
    summary,
    items.length ? h('div', { class: 'table-scroll' }, table) : empty('No incident matches these filters.'),
    more,
  );
  add(items);
}

function label(text, control) {
  return h('div', { class: 'field' }, h('label', { for: control.id }, text), control);
}
