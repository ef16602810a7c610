// SLO page: one SLO's budget through its window — the burn-down of the remaining budget with
// the service's changes marked and its incidents shaded (each incident listed with the budget it
// spent), the budget and SLI per objective, and the burn-rate tiers as they stand now.
import { lineChart } from '../charts.js';
import { empty, facts, h, notice, replace } from '../dom.js';
import { DAY, duration, kindName, percent, plural, stamp } from '../format.js';
import { budgetWords, incidentHref, pageHeader, severityBadge, statusBadge, timeEl } from './common.js';
import { budgetCell, burn, sli, sloStatusBadge, target, worstStatus } from './slos.js';

export async function render({ main, params, api, signal, setTitle }) {
  const name = params[0];
  const detail = await api.get(`/api/v1/slos/${encodeURIComponent(name)}`, undefined, { signal });
  if (signal.aborted) return;
  const slo = detail.slo;
  setTitle(`SLO ${slo.displayName || slo.name}`);
  const from = slo.window.start;
  const to = slo.window.end;
  const range = { service: slo.service, from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  // What happened on the service in the window; the page still shows the budget without them.
  const [changes, incidents] = await Promise.allSettled([
    api.all('/api/v1/changes', range, { signal }),
    api.all('/api/v1/incidents', range, { signal }),
  ]);
  if (signal.aborted) return;
  const changeList = changes.status === 'fulfilled' ? changes.value : [];
  const incidentList = (incidents.status === 'fulfilled' ? incidents.value : [])
    .map((incident) => ({
      incident,
      spent: (incident.budgets ?? []).find((b) => b.slo === slo.name)?.spent ?? null,
      end: incident.resolvedAt ?? to,
    }))
    .sort((a, b) => (b.spent ?? -1) - (a.spent ?? -1) || b.incident.openedAt - a.incident.openedAt);
  const failed = [changes, incidents]
    .map((r, i) =>
      r.status === 'rejected' ? `${['changes', 'incidents'][i]}: ${r.reason?.friendly ?? r.reason}` : null,
    )
    .filter(Boolean);

  const strictest = [...(slo.objectives ?? [])].sort((a, b) => b.target - a.target)[0] ?? null;

  replace(
    main,
    pageHeader(slo.displayName || slo.name),
    h('div', { class: 'badges' }, sloStatusBadge(worstStatus(slo)), h('span', { class: 'muted' }, slo.name)),
    facts([
      ['Service', h('a', { href: `#/slos?service=${encodeURIComponent(slo.service)}` }, slo.service)],
      ['Environment', slo.environment],
      ['Indicator', slo.indicator],
      ['Budgeting', slo.budgetingMethod],
      ['Window', h('span', {}, slo.window.text, ': ', timeEl(from), ' – ', timeEl(to))],
      ['Defined in', slo.file],
    ]),
    slo.error ? notice(`The budget could not be computed: ${slo.error}`, 'warning') : null,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'slo-objectives-h' },
      h('h2', { id: 'slo-objectives-h' }, 'Budget remaining'),
      objectivesTable(slo.objectives ?? []),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'slo-burndown-h' },
      h('h2', { id: 'slo-burndown-h' }, 'Burn-down'),
      failed.length ? notice(`Not shown on the chart — ${failed.join('; ')}`, 'warning') : null,
      burnDownFigure(slo, strictest, detail.burnDown ?? [], changeList, incidentList, [from, to]),
      h('h3', { id: 'slo-incidents-h' }, 'Incidents in the window'),
      incidentTable(slo, incidentList),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'slo-tiers-h' },
      h('h2', { id: 'slo-tiers-h' }, 'Burn-rate tiers'),
      h(
        'p',
        { class: 'hint' },
        'A tier fires when the budget burns faster than its threshold over both its long and its short window.',
      ),
      tiersTable(slo.burnRates ?? []),
    ),
  );
}

function objectivesTable(objectives) {
  if (!objectives.length) return empty('This SLO has no objectives.');
  return dataTable(
    'slo-objectives',
    'Budget and SLI per objective',
    ['Objective', 'Target', 'SLI', 'Good of total', 'Budget spent', 'Budget remaining'],
    objectives.map((o) =>
      h(
        'tr',
        { dataset: { objective: o.name } },
        h('th', { scope: 'row' }, o.name),
        h('td', { class: 'num' }, target(o.target)),
        h('td', { class: 'num' }, sli(o.sli)),
        h('td', { class: 'num' }, `${count(o.goodEvents)} of ${count(o.totalEvents)}`),
        h('td', { class: 'num' }, percent(o.consumed)),
        h('td', {}, budgetCell(o)),
      ),
    ),
  );
}

function burnDownFigure(slo, strictest, points, changes, incidents, domain) {
  const markers = changes.map((c) => {
    const what = `${kindName(c.kind)} of ${c.service}${c.version ? ` ${c.version}` : ''}`;
    return {
      at: c.startedAt,
      kind: 'change',
      label: what,
      title: `${c.id}: ${what} at ${stamp(c.startedAt)}`,
    };
  });
  const ranges = incidents.map(({ incident, spent, end }) => ({
    from: incident.openedAt,
    to: end,
    kind: 'incident',
    label: incident.title || incident.id,
    labelled: false,
    minWidth: 3,
    title: `${incident.title || incident.id}: ${stamp(incident.openedAt)} – ${
      incident.resolvedAt ? stamp(incident.resolvedAt) : 'still open'
    }${spent === null ? '' : `, spent ${budgetWords(spent)}`}`,
  }));
  const title = `${slo.displayName || slo.name} — budget remaining`;
  // A long window squeezes the last day's changes and incidents together: the chart can zoom in.
  const [from, to] = domain;
  const spans = Object.entries(ZOOMS).filter(([, ms]) => ms === null || ms < to - from);
  const holder = h('div', { class: 'chart-holder' });
  const draw = (ms) => {
    const start = ms === null ? from : to - ms;
    return replace(
      holder,
      lineChart({
        title,
        metric: 'budget.remaining.fraction',
        unit: '1',
        points: points.filter((p) => p.at >= start && p.at <= to).map((p) => [p.at, p.remaining]),
        ranges,
        markers,
        domain: [start, to],
        width: 960,
        height: 280,
      }),
    );
  };
  draw(null);
  return h(
    'figure',
    { class: 'metric-figure slo-burndown', dataset: { slo: slo.name } },
    h(
      'figcaption',
      {},
      h('strong', {}, title),
      h(
        'span',
        { class: 'muted' },
        strictest ? ` objective ${strictest.name} (${target(strictest.target)}), the first to run out` : '',
      ),
    ),
    spans.length > 1
      ? h(
          'fieldset',
          { class: 'segmented chart-zoom' },
          h('legend', {}, 'Show'),
          spans.map(([text, ms]) =>
            h(
              'label',
              {},
              h('input', {
                type: 'radio',
                name: 'slo-zoom',
                value: text,
                checked: ms === null,
                onchange: () => draw(ms),
              }),
              h('span', {}, text),
            ),
          ),
        )
      : null,
    holder,
    h(
      'ul',
      { class: 'legend', 'aria-label': 'Chart legend' },
      h('li', {}, h('span', { class: 'swatch swatch-series' }), 'budget remaining'),
      h('li', {}, h('span', { class: 'swatch swatch-incident-range' }), plural(incidents.length, 'incident')),
      h('li', {}, h('span', { class: 'swatch swatch-change' }), plural(changes.length, 'change')),
    ),
  );
}

const ZOOMS = { 'Whole window': null, 'Last 7 days': 7 * DAY, 'Last 24 hours': DAY };

function incidentTable(slo, incidents) {
  if (!incidents.length) return empty(`No incident on ${slo.service} in the window.`);
  return dataTable(
    'slo-incidents',
    'Incidents in the window, by the budget they spent',
    ['Incident', 'Severity', 'Status', 'Opened', 'Lasted', 'Budget spent'],
    incidents.map(({ incident, spent, end }) =>
      h(
        'tr',
        { dataset: { incidentId: incident.id } },
        h('td', {}, h('a', { href: incidentHref(incident.id) }, incident.title || incident.id)),
        h('td', {}, severityBadge(incident.severity)),
        h('td', {}, statusBadge(incident.status)),
        h('td', {}, timeEl(incident.openedAt)),
        h('td', {}, `${duration(end - incident.openedAt)}${incident.resolvedAt ? '' : ' so far'}`),
        h('td', { class: 'num' }, spent === null ? '—' : budgetWords(spent)),
      ),
    ),
  );
}

function tiersTable(tiers) {
  if (!tiers.length) return empty('No alerting tiers for this SLO.');
  return dataTable(
    'slo-tiers',
    'Burn-rate tiers now',
    [
      'Tier',
      'Severity',
      'Long window',
      'Burn rate (long)',
      'Short window',
      'Burn rate (short)',
      'Threshold',
      'Events (long)',
      'Firing',
    ],
    tiers.map((t) =>
      h(
        'tr',
        { class: t.firing ? 'tier-firing' : null, dataset: { tier: t.tier, firing: String(t.firing) } },
        h('th', { scope: 'row' }, t.tier),
        h('td', {}, t.severity),
        h('td', {}, duration(t.longMs)),
        h('td', { class: over(t.burnLong, t.threshold) }, burn(t.burnLong)),
        h('td', {}, duration(t.shortMs)),
        h('td', { class: over(t.burnShort, t.threshold) }, burn(t.burnShort)),
        h('td', { class: 'num' }, burn(t.threshold)),
        h('td', { class: 'num' }, count(t.longEvents)),
        h(
          'td',
          {},
          t.firing
            ? h('strong', { class: 'badge tier-state tier-state-firing' }, 'firing')
            : h('span', { class: 'muted' }, 'no'),
        ),
      ),
    ),
  );
}

const count = (n) => n.toLocaleString('en-GB');
const over = (value, threshold) => `num${Number.isFinite(value) && value > threshold ? ' burn-over' : ''}`;

/** A data table under a scroll box: its caption (read out), column headings and rows. */
function dataTable(id, caption, headings, rows) {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'data', id },
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headings.map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}
