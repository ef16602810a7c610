// DORA page: deployment frequency, lead time, change failure rate and time to restore, per
// service and per team, as tables with small bars.
import { miniBar } from '../charts.js';
import { empty, h, replace } from '../dom.js';
import { compact, DAY, hours, percent } from '../format.js';
import { bandBadge, pageHeader } from './common.js';

const RANGES = { '7d': 7, '30d': 30, '90d': 90 };
const RANGE_NAMES = { '7d': 'Last 7 days', '30d': 'Last 30 days', '90d': 'Last 90 days' };

export async function render({ main, api, signal, query, setQuery, setTitle }) {
  setTitle('DORA');
  const range = RANGES[query.get('range')] ? query.get('range') : '30d';
  const now = Date.now();
  const data = await api.get(
    '/api/v1/dora',
    { from: new Date(now - RANGES[range] * DAY).toISOString(), to: new Date(now).toISOString() },
    { signal },
  );
  if (signal.aborted) return;
  const services = (data?.services ?? []).map((r) => normalise(r, r.service ?? r.key));
  const teams = (data?.teams ?? []).map((r) => normalise(r, r.team ?? r.key ?? 'no team'));
  const fleet = data?.fleet ? normalise(data.fleet, 'All services') : null;

  const rangeSelect = h(
    'select',
    {
      id: 'dora-range',
      onchange: () => setQuery({ range: rangeSelect.value === '30d' ? null : rangeSelect.value }),
    },
    Object.entries(RANGE_NAMES).map(([value, text]) =>
      h('option', { value, selected: value === range }, text),
    ),
  );

  replace(
    main,
    pageHeader('DORA metrics', h('p', { class: 'summary' }, RANGE_NAMES[range])),
    h(
      'form',
      { class: 'filters', 'aria-label': 'DORA range', onsubmit: (e) => e.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: 'dora-range' }, 'Range'), rangeSelect),
    ),
    h(
      'p',
      { class: 'hint' },
      'Deployment frequency, lead time for changes, change failure rate and time to restore, from the recorded changes, verdicts and incidents. Bands follow the DORA State of DevOps clusters.',
    ),
    fleet ? fleetSummary(fleet) : null,
    section('dora-services', 'Per service', 'Service', services),
    section('dora-teams', 'Per team', 'Team', teams),
    data?.definitions?.changeFailure
      ? h(
          'p',
          { class: 'hint definition' },
          h('strong', {}, 'What counts as a failed change. '),
          String(data.definitions.changeFailure),
        )
      : null,
  );
}

const HOUR_MS = 3_600_000;

/** A row of the API's DORA figures (DoraFigures in the OpenAPI document) as the page shows it: hours, shares. */
function normalise(row, name) {
  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const hours = (figures, field) => {
    const ms = num(figures?.[`${field}Ms`]);
    return ms === null ? null : ms / HOUR_MS;
  };
  return {
    name: name ?? '—',
    deploymentsPerDay: num(row.deploymentsPerDay),
    deployments: num(row.deployments),
    leadMedian: hours(row.leadTime, 'median'),
    leadP90: hours(row.leadTime, 'p90'),
    changeFailureRate: num(row.changeFailureRate?.rate),
    failures: num(row.changeFailureRate?.failures),
    restoreMedian: hours(row.timeToRestore, 'median'),
    restores: num(row.timeToRestore?.count),
    band: typeof row.band === 'string' ? row.band : null,
    bands: typeof row.bands === 'object' && row.bands !== null ? row.bands : null,
  };
}

function fleetSummary(f) {
  const tile = (label, value, band) =>
    h(
      'div',
      { class: 'tile' },
      h('div', { class: 'tile-label' }, label),
      h('div', { class: 'tile-value' }, value),
      band ? bandBadge(band) : null,
    );
  return h(
    'section',
    { class: 'tiles', 'aria-label': 'Whole fleet' },
    tile(
      'Deploys per day',
      f.deploymentsPerDay === null ? '—' : compact(f.deploymentsPerDay),
      f.bands?.deploymentFrequency ?? null,
    ),
    tile('Lead time (median)', hours(f.leadMedian), f.bands?.leadTime ?? null),
    tile(
      'Change failure rate',
      f.changeFailureRate === null
        ? '—'
        : `${percent(f.changeFailureRate)}${f.failures !== null && f.deployments !== null ? ` (${f.failures} of ${f.deployments})` : ''}`,
      f.bands?.changeFailureRate ?? null,
    ),
    tile('Time to restore (median)', hours(f.restoreMedian), f.bands?.timeToRestore ?? null),
  );
}

function section(id, title, nameHeader, rows) {
  const maxDeploys = Math.max(0.0001, ...rows.map((r) => r.deploymentsPerDay ?? 0));
  const maxLead = Math.max(0.0001, ...rows.map((r) => r.leadMedian ?? 0));
  const maxRestore = Math.max(0.0001, ...rows.map((r) => r.restoreMedian ?? 0));
  const overall = rows.some((r) => r.band);
  const band = (r, metric) => (r.bands?.[metric] ? bandBadge(r.bands[metric]) : null);
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, title),
    rows.length
      ? h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'data dora-table', id },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, nameHeader),
                h('th', { scope: 'col' }, 'Deploys per day'),
                h('th', { scope: 'col' }, 'Lead time (median · p90)'),
                h('th', { scope: 'col' }, 'Change failure rate'),
                h('th', { scope: 'col' }, 'Time to restore (median)'),
                overall ? h('th', { scope: 'col' }, 'Band') : null,
              ),
            ),
            h(
              'tbody',
              {},
              rows.map((r) =>
                h(
                  'tr',
                  { class: 'dora-row' },
                  h('th', { scope: 'row' }, r.name),
                  cell(
                    r.deploymentsPerDay,
                    maxDeploys,
                    (v) => compact(v),
                    'deploys',
                    band(r, 'deploymentFrequency'),
                  ),
                  cell(
                    r.leadMedian,
                    maxLead,
                    (v) => `${hours(v)}${r.leadP90 !== null ? ` · ${hours(r.leadP90)}` : ''}`,
                    'lead',
                    band(r, 'leadTime'),
                  ),
                  cell(
                    r.changeFailureRate,
                    1,
                    (v) =>
                      `${percent(v)}${r.failures !== null && r.deployments !== null ? ` (${r.failures}/${r.deployments})` : ''}`,
                    r.changeFailureRate > 0.3 ? 'bad' : r.changeFailureRate > 0.15 ? 'warn' : 'good',
                    band(r, 'changeFailureRate'),
                  ),
                  cell(r.restoreMedian, maxRestore, (v) => hours(v), 'restore', band(r, 'timeToRestore')),
                  overall ? h('td', {}, bandBadge(r.band)) : null,
                ),
              ),
            ),
          ),
        )
      : empty('No deployments or restored incidents in this range.'),
  );
}

function cell(value, max, format, kind, bandEl) {
  if (value === null) return h('td', { class: 'muted' }, '—');
  return h(
    'td',
    { class: 'num' },
    h(
      'span',
      { class: 'cell-bar' },
      miniBar(value, max, { label: format(value), kind }),
      h('span', {}, format(value)),
      bandEl,
    ),
  );
}
