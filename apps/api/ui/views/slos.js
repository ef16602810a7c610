// SLOs page: every SLO with its service, objectives (target, SLI, budget remaining and its
// state), window and burn-rate tiers, the firing ones marked. The service filter is in the URL
// (#/slos?service=checkout), so the page for one service can be shared.
import { miniBar } from '../charts.js';
import { badge, empty, h, notice, replace } from '../dom.js';
import { duration, percent, plural, round } from '../format.js';
import { pageHeader, sloHref } from './common.js';

export const STATUS_WORDS = {
  met: 'met',
  'at-risk': 'at risk',
  exhausted: 'exhausted',
  'no-data': 'no data',
};
const STATUS_BAR = { met: 'good', 'at-risk': 'warn', exhausted: 'bad', 'no-data': 'default' };
const STATUS_TITLE = {
  met: 'Budget left',
  'at-risk': 'Under a quarter of the budget left',
  exhausted: 'No budget left',
  'no-data': 'Nothing counted in the window yet',
};

export async function render({ main, api, signal, query, setQuery, setTitle }) {
  setTitle('SLOs');
  const service = (query.get('service') ?? '').trim();
  const answer = await api.get('/api/v1/slos', { service: service || undefined }, { signal });
  if (signal.aborted) return;
  const slos = answer?.items ?? [];

  const serviceInput = h('input', {
    id: 'slos-service',
    type: 'search',
    name: 'service',
    value: service,
    placeholder: 'e.g. checkout',
  });
  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Filter SLOs',
      onsubmit: (event) => {
        event.preventDefault();
        setQuery({ service: serviceInput.value.trim() });
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'slos-service' }, 'Service'), serviceInput),
    h('button', { type: 'submit' }, 'Filter'),
    service ? h('button', { type: 'button', onclick: () => setQuery({ service: null }) }, 'Show all') : null,
  );

  const counts = {};
  for (const slo of slos) {
    const status = worstStatus(slo);
    counts[status] = (counts[status] ?? 0) + 1;
  }
  const summary = [
    plural(slos.length, 'SLO'),
    ...['exhausted', 'at-risk'].filter((st) => counts[st]).map((st) => `${counts[st]} ${STATUS_WORDS[st]}`),
    ...(service ? [`service ${service}`] : []),
  ].join(' · ');

  const table = h(
    'table',
    { class: 'data slo-table', id: 'slos-table' },
    h('caption', { class: 'visually-hidden' }, 'SLOs with their budget and burn-rate tiers'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['SLO', 'Service', 'Objective', 'SLI', 'Budget remaining', 'Window', 'Burn-rate tiers'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    slos.map(sloRows),
  );

  replace(
    main,
    pageHeader('SLOs', h('p', { class: 'summary', id: 'slos-summary' }, summary)),
    form,
    slos.length
      ? h('div', { class: 'table-scroll' }, table)
      : empty(
          service
            ? `No SLO covers ${service}.`
            : 'No SLOs defined: the api reads OpenSLO files from AFTERSHOCK_SLO_PATH.',
        ),
  );
}

/** One tbody per SLO: a row per objective, the SLO's own cells spanning them. */
function sloRows(slo) {
  const objectives = slo.objectives?.length ? slo.objectives : [null];
  const span = objectives.length;
  const rows = objectives.map((o, i) =>
    h(
      'tr',
      { dataset: { objective: o?.name ?? '' } },
      i === 0
        ? [
            h(
              'th',
              { scope: 'rowgroup', rowspan: span, class: 'slo-name' },
              h('a', { href: sloHref(slo.name) }, slo.displayName || slo.name),
              slo.displayName ? h('div', { class: 'muted' }, slo.name) : null,
              slo.error ? notice(slo.error, 'warning') : null,
            ),
            h(
              'td',
              { rowspan: span },
              h('a', { href: `#/slos?service=${encodeURIComponent(slo.service)}` }, slo.service),
            ),
          ]
        : null,
      h('td', {}, o ? `${o.name}: ${target(o.target)}` : '—'),
      h(
        'td',
        { class: 'num', title: o ? `${o.goodEvents} good of ${o.totalEvents}` : null },
        o ? sli(o.sli) : '—',
      ),
      h('td', {}, o ? budgetCell(o) : '—'),
      i === 0
        ? [
            h(
              'td',
              { rowspan: span },
              slo.window?.text ?? '—',
              h('div', { class: 'muted' }, slo.budgetingMethod),
            ),
            h('td', { rowspan: span }, tierChips(slo.burnRates)),
          ]
        : null,
    ),
  );
  return h('tbody', { class: 'slo-group', dataset: { slo: slo.name, status: worstStatus(slo) } }, rows);
}

/** The bar, the share left and the state of one objective's budget. */
export function budgetCell(o) {
  const left = o.status === 'no-data' ? 0 : Math.max(0, o.remaining);
  return h(
    'span',
    { class: 'cell-bar budget-remaining' },
    miniBar(left, 1, {
      label: o.remaining < 0 ? 'No budget left' : `${percent(o.remaining)} of the budget left`,
      kind: STATUS_BAR[o.status] ?? 'default',
    }),
    h(
      'span',
      { class: 'budget-left' },
      o.status === 'no-data'
        ? '—'
        : o.remaining < 0
          ? `${percent(-o.remaining)} overspent`
          : `${percent(o.remaining)} left`,
    ),
    sloStatusBadge(o.status),
  );
}

export function sloStatusBadge(status) {
  return badge(STATUS_WORDS[status] ?? status, `slo-status slo-status-${status}`, STATUS_TITLE[status]);
}

/** The tiers as chips, the firing ones marked (and said so, not only by colour). */
export function tierChips(tiers) {
  if (!tiers?.length) return h('span', { class: 'muted' }, 'no alerting tiers');
  return h(
    'ul',
    { class: 'chips tier-chips', 'aria-label': 'Burn-rate tiers' },
    tiers.map((t) =>
      h(
        'li',
        {
          class: `chip tier${t.firing ? ' tier-firing' : ''}`,
          dataset: { tier: t.tier, firing: String(t.firing) },
          title: `${t.tier} (${t.severity}): burn ${burn(t.burnLong)} over ${duration(t.longMs)}, ${burn(t.burnShort)} over ${duration(t.shortMs)}; fires above ${burn(t.threshold)}`,
        },
        h('span', { class: 'chip-key' }, t.tier),
        ' ',
        h('span', { class: 'chip-value' }, `${burn(t.threshold)} / ${duration(t.longMs)}`),
        t.firing ? [' ', h('strong', { class: 'tier-state' }, 'firing')] : null,
      ),
    ),
  );
}

/** The least healthy objective's state: what the SLO as a whole shows. */
export function worstStatus(slo) {
  const order = ['exhausted', 'at-risk', 'met', 'no-data'];
  const states = (slo.objectives ?? []).map((o) => o.status);
  return order.find((st) => states.includes(st)) ?? 'no-data';
}

export const target = (t) => (Number.isFinite(t) ? `${round(t * 100, 3)}%` : '—');
export const sli = (v) =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : `${round(v * 100, 3)}%`;
export const burn = (v) => (Number.isFinite(v) ? `${round(v, v >= 100 ? 0 : 1)}×` : '—');
