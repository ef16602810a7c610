// On-call view: the incidents that need someone, most severe first, kept current by the stream.
import { miniBar } from '../charts.js';
import { empty, facts, h, replace } from '../dom.js';
import { duration, kindName, percent, plural, SEVERITIES } from '../format.js';
import {
  ageEl,
  budgetBadges,
  budgetTotal,
  compareIncidents,
  incidentHref,
  pageHeader,
  severityBadge,
  statusBadge,
  suspectLine,
  suspectName,
  topSuspect,
} from './common.js';

const ACTIVE = new Set(['open', 'acknowledged']);
const RECENT = 8;
export const ORDERS = { rank: 'Most severe first', budget: 'Most SLO budget spent first' };
/** A streamed incident's budgets are asked for again at most this often. */
const BUDGET_REFRESH_MS = 5_000;

/** By the budget spent over all SLOs (as the API's sort=budget), then as ranked; not yet known last. */
export function compareByBudget(a, b) {
  return (budgetTotal(b.budgets) ?? -1) - (budgetTotal(a.budgets) ?? -1) || compareIncidents(a, b);
}

/** Whether an incident is snoozed now (by this browser's clock; the engine ends it by event time). */
function snoozed(incident, now = Date.now()) {
  return Boolean(incident.snoozedUntil) && incident.snoozedUntil > now;
}

export async function render({ main, api, stream, signal, announce, setTitle, query, setQuery }) {
  setTitle('On call');
  const incidents = new Map();
  const rows = new Map();
  const filters = { service: '', severity: '', status: 'active' };
  const order = ORDERS[query.get('sort')] ? query.get('sort') : 'rank';

  async function load() {
    const [open, acknowledged, resolved] = await Promise.all([
      api.all('/api/v1/incidents', { status: 'open' }, { signal }),
      api.all('/api/v1/incidents', { status: 'acknowledged' }, { signal }),
      api.get('/api/v1/incidents', { status: 'resolved', limit: RECENT }, { signal }),
    ]);
    for (const incident of [...open, ...acknowledged, ...(resolved?.items ?? [])]) upsert(incident);
  }

  function upsert(incident) {
    const known = incidents.get(incident.id);
    if (known && known.version > incident.version) return;
    // The stream carries the incident only: the budget it spent stays as last listed.
    incidents.set(
      incident.id,
      incident.budgets || !known?.budgets ? incident : { ...incident, budgets: known.budgets },
    );
  }

  // An incident first seen on the stream has no budget yet: the list is asked again, now and then.
  let refresh = null;
  function refreshBudgetsSoon() {
    if (refresh !== null || signal.aborted) return;
    refresh = window.setTimeout(() => {
      load()
        .then(sync)
        .catch(() => undefined)
        .finally(() => (refresh = null));
    }, BUDGET_REFRESH_MS);
  }
  signal.addEventListener('abort', () => window.clearTimeout(refresh ?? undefined));

  await load();
  if (signal.aborted) return;

  const summary = h('p', { class: 'summary', id: 'oncall-summary' });
  const list = h('ol', {
    class: 'incident-list',
    'aria-live': 'polite',
    'aria-relevant': 'additions removals',
    'aria-labelledby': 'oncall-list-heading',
  });
  const emptyState = empty('Nothing needs you right now: no open incidents.');
  const recentList = h('ul', { class: 'recent-list' });
  const recentSection = h(
    'section',
    { class: 'panel recent', 'aria-labelledby': 'recent-h' },
    h('h2', { id: 'recent-h' }, 'Recently resolved'),
    recentList,
  );
  const serviceInput = h('input', {
    id: 'filter-service',
    type: 'search',
    placeholder: 'e.g. checkout',
    oninput: () => {
      filters.service = serviceInput.value.trim().toLowerCase();
      sync();
    },
  });
  const severitySelect = h(
    'select',
    {
      id: 'filter-severity',
      onchange: () => {
        filters.severity = severitySelect.value;
        sync();
      },
    },
    h('option', { value: '' }, 'Any severity'),
    SEVERITIES.map((sv) => h('option', { value: sv }, `${sv} and worse`)),
  );
  const statusSelect = h(
    'select',
    {
      id: 'filter-status',
      onchange: () => {
        filters.status = statusSelect.value;
        sync();
      },
    },
    h('option', { value: 'active' }, 'Open and acknowledged'),
    h('option', { value: 'open' }, 'Open only'),
    h('option', { value: 'acknowledged' }, 'Acknowledged only'),
  );
  const orderSelect = h(
    'select',
    {
      id: 'oncall-sort',
      onchange: () => setQuery({ sort: orderSelect.value === 'rank' ? null : orderSelect.value }),
    },
    Object.entries(ORDERS).map(([value, text]) => h('option', { value, selected: value === order }, text)),
  );

  function visible(incident) {
    if (!ACTIVE.has(incident.status)) return false;
    // Snoozed: out of the list until the snooze ends (the ticker brings it back on time).
    if (snoozed(incident)) return false;
    if (filters.status !== 'active' && incident.status !== filters.status) return false;
    if (filters.severity && SEVERITIES.indexOf(incident.severity) > SEVERITIES.indexOf(filters.severity))
      return false;
    if (filters.service) {
      const services = [incident.service, ...(incident.services ?? [])].map((x) => String(x).toLowerCase());
      if (!services.some((x) => x.includes(filters.service))) return false;
    }
    return true;
  }

  function row(incident) {
    const suspect = topSuspect(incident);
    const others = (incident.services ?? []).filter((x) => x !== incident.service);
    const confidence =
      suspect && suspect.changeId
        ? miniBar(suspect.probability, 1, {
            label: `Confidence ${Math.round(suspect.probability * 100)}%`,
            kind: 'confidence',
            width: 120,
          })
        : null;
    return h(
      'li',
      {
        class: `incident-card sev-border-${incident.severity}`,
        dataset: { incidentId: incident.id, version: incident.version, status: incident.status },
      },
      h(
        'div',
        { class: 'card-head' },
        severityBadge(incident.severity),
        statusBadge(incident.status),
        h(
          'h3',
          { class: 'incident-title' },
          h('a', { href: incidentHref(incident.id) }, incident.title || incident.id),
        ),
      ),
      h(
        'div',
        { class: 'card-suspect' },
        h('span', { class: 'label' }, 'Top suspect'),
        ' ',
        suspectLine(suspect),
        confidence,
      ),
      h(
        'div',
        { class: 'card-budget' },
        h('span', { class: 'label' }, 'SLO budget'),
        ' ',
        budgetBadges(incident.budgets) ?? h('span', { class: 'muted' }, 'not known yet'),
      ),
      incident.status === 'open'
        ? h(
            'div',
            { class: 'card-actions' },
            h(
              'button',
              {
                type: 'button',
                class: 'ack-button',
                'aria-keyshortcuts': 'a',
                onclick: (e) => void acknowledgeFromList(incident, e.currentTarget),
              },
              'Acknowledge',
            ),
          )
        : null,
      facts(
        [
          [
            'Service',
            others.length
              ? `${incident.service} (+${others.length}: ${others.join(', ')})`
              : incident.service,
          ],
          ['Assigned to', incident.assignee ? h('span', { class: 'assignee' }, incident.assignee) : null],
          ['Blast radius', plural(incident.blastRadius ?? (incident.services ?? []).length, 'service')],
          ['Age', ageEl(incident.openedAt)],
          ['Kind', kindName(incident.kind)],
          ['Signals', plural((incident.members ?? []).length, 'signal')],
        ],
        'facts facts-inline',
      ),
    );
  }

  /**
   * Acknowledges without opening the incident; the card turns when the new version arrives on
   * the live stream (or the next refresh of the list).
   */
  async function acknowledgeFromList(incident, button) {
    if (button.disabled) return;
    button.disabled = true;
    button.textContent = 'Acknowledging…';
    try {
      await api.post(`/api/v1/incidents/${encodeURIComponent(incident.id)}/acknowledge`, {});
      button.textContent = 'Acknowledged — updating…';
      announce?.(`Acknowledged ${incident.title || incident.id}.`);
    } catch (error) {
      button.disabled = false;
      button.textContent = 'Acknowledge';
      announce?.(`Could not acknowledge: ${error?.message ?? error}`);
    }
  }

  // Keyboard: j / k move between the cards, Enter opens one (its link has focus), a acknowledges it.
  const onKey = (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target?.tagName ?? ''))
      return;
    const cards = [...list.querySelectorAll('.incident-card')];
    if (!cards.length) return;
    const at = cards.findIndex((c) => c.contains(document.activeElement));
    if (e.key === 'j' || e.key === 'k') {
      e.preventDefault();
      const next = at < 0 ? 0 : Math.max(0, Math.min(cards.length - 1, at + (e.key === 'j' ? 1 : -1)));
      cards[next].querySelector('.incident-title a')?.focus();
    } else if (e.key === 'a' && at >= 0) {
      const button = cards[at].querySelector('.ack-button');
      if (button) {
        e.preventDefault();
        button.click();
      }
    }
  };
  document.addEventListener('keydown', onKey);
  signal.addEventListener('abort', () => document.removeEventListener('keydown', onKey), { once: true });

  function recentRow(incident) {
    const suspect = topSuspect(incident);
    return h(
      'li',
      { dataset: { incidentId: incident.id } },
      severityBadge(incident.severity),
      ' ',
      h('a', { href: incidentHref(incident.id) }, incident.title || incident.id),
      h(
        'span',
        { class: 'muted' },
        ` · resolved `,
        ageEl(incident.resolvedAt ?? incident.updatedAt),
        ` after ${duration((incident.resolvedAt ?? incident.updatedAt) - incident.openedAt)}`,
        suspect ? ` · top suspect ${suspectName(suspect)} (${percent(suspect.probability)})` : '',
      ),
    );
  }

  function sync() {
    const shown = [...incidents.values()]
      .filter(visible)
      .sort(order === 'budget' ? compareByBudget : compareIncidents);
    const ids = new Set(shown.map((i) => i.id));
    for (const [id, entry] of rows) {
      if (!ids.has(id)) {
        entry.li.remove();
        rows.delete(id);
      }
    }
    shown.forEach((incident, index) => {
      let entry = rows.get(incident.id);
      const key = `${incident.version}:${JSON.stringify(incident.budgets ?? null)}`;
      if (!entry || entry.key !== key) {
        const li = row(incident);
        if (entry) entry.li.replaceWith(li);
        entry = { li, key };
        rows.set(incident.id, entry);
      }
      if (list.children[index] !== entry.li) list.insertBefore(entry.li, list.children[index] ?? null);
    });
    const active = [...incidents.values()].filter((i) => ACTIVE.has(i.status));
    const all = active.filter((i) => !snoozed(i));
    const resting = active.length - all.length;
    const open = all.filter((i) => i.status === 'open').length;
    summary.textContent = `${open} open · ${all.length - open} acknowledged${
      shown.length !== all.length ? ` · ${shown.length} shown` : ''
    }${resting ? ` · ${resting} snoozed` : ''}`;
    const recent = [...incidents.values()]
      .filter((i) => i.status === 'resolved')
      .sort((a, b) => (b.resolvedAt ?? b.updatedAt) - (a.resolvedAt ?? a.updatedAt))
      .slice(0, RECENT);
    recentSection.hidden = recent.length === 0;
    replace(recentList, recent.map(recentRow));
    emptyState.hidden = shown.length > 0;
    emptyState.textContent = all.length
      ? 'No incident matches these filters.'
      : 'Nothing needs you right now: no open incidents.';
  }

  replace(
    main,
    pageHeader('On call', summary),
    h(
      'form',
      {
        class: 'filters',
        role: 'search',
        'aria-label': 'Filter incidents',
        onsubmit: (e) => e.preventDefault(),
      },
      h('div', { class: 'field' }, h('label', { for: 'filter-service' }, 'Service'), serviceInput),
      h('div', { class: 'field' }, h('label', { for: 'filter-severity' }, 'Severity'), severitySelect),
      h('div', { class: 'field' }, h('label', { for: 'filter-status' }, 'Status'), statusSelect),
      h('div', { class: 'field' }, h('label', { for: 'oncall-sort' }, 'Order'), orderSelect),
    ),
    h(
      'h2',
      { id: 'oncall-list-heading', class: 'visually-hidden' },
      order === 'budget'
        ? 'Open incidents, most SLO budget spent first'
        : 'Open incidents, most severe first',
    ),
    list,
    h('p', { class: 'hint keys' }, 'Keys: j / k move between incidents, Enter opens one, a acknowledges it.'),
    emptyState,
    recentSection,
  );
  sync();

  stream.addEventListener(
    'incident',
    (event) => {
      const incident = event.detail;
      const before = incidents.get(incident.id);
      if (before && before.version > incident.version) return;
      upsert(incident);
      if (!incidents.get(incident.id).budgets) refreshBudgetsSoon();
      if (!before && ACTIVE.has(incident.status))
        announce(`New ${incident.severity} incident: ${incident.title}`);
      else if (before && before.status !== incident.status)
        announce(`Incident ${incident.title} is now ${incident.status}`);
      sync();
    },
    { signal },
  );
  stream.addEventListener(
    'resync',
    () => {
      load()
        .then(sync)
        .catch(() => undefined);
    },
    { signal },
  );
  const ticker = window.setInterval(() => {
    for (const entry of rows.values()) {
      const id = entry.li.dataset.incidentId;
      const incident = incidents.get(id);
      const age = entry.li.querySelector('time');
      if (incident && age) age.replaceWith(ageEl(incident.openedAt));
    }
    // A snooze that ended brings its incident back.
    if ([...incidents.values()].some((i) => i.snoozedUntil && i.snoozedUntil <= Date.now())) sync();
  }, 30_000);
  signal.addEventListener('abort', () => window.clearInterval(ticker));
}
