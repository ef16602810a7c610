// Problems page: recurring-incident clusters ranked by impact (or count, or growth), with what
// the repeats have in common and when they happen.
import { miniBar } from '../charts.js';
import { badge, empty, facts, h, replace } from '../dom.js';
import { compact, duration, factorName, percent, periodWords, plural, statusName } from '../format.js';
import { budgetBadges, budgetWords, pageHeader, problemHref, timeEl } from './common.js';

export const SORTS = { impact: 'Impact', count: 'Repeats', growth: 'Growth', budget: 'SLO budget' };
const SORT_WORDS = { impact: 'impact', count: 'repeats', growth: 'growth', budget: 'SLO budget spent' };
const STATUS_FILTERS = {
  active: 'Candidates, problems and known errors',
  candidate: 'Candidates',
  problem: 'Problems',
  known_error: 'Known errors',
  resolved: 'Resolved',
  verified: 'Verified',
  rejected: 'Rejected',
  all: 'All',
};
const ACTIVE = new Set(['candidate', 'problem', 'known_error']);

export async function render({ main, api, signal, query, setQuery, setTitle }) {
  setTitle('Problems');
  const sort = SORTS[query.get('sort')] ? query.get('sort') : 'impact';
  const status = STATUS_FILTERS[query.get('status')] ? query.get('status') : 'active';
  const serverStatus = status === 'active' || status === 'all' ? undefined : status;
  const items = await api.all('/api/v1/problems', { sort, status: serverStatus }, { signal, maxItems: 500 });
  if (signal.aborted) return;
  // The API ranks; the page keeps its order.
  const shown = items.filter((p) =>
    status === 'active' ? ACTIVE.has(p.status) : status === 'all' || p.status === status,
  );
  const maxImpact = Math.max(1, ...shown.map((p) => p.impact ?? 0));
  const maxBudget = Math.max(0, ...shown.map((p) => p.budget?.spent ?? 0));

  const sortGroup = h(
    'fieldset',
    { class: 'segmented' },
    h('legend', {}, 'Rank by'),
    Object.entries(SORTS).map(([value, text]) =>
      h(
        'label',
        {},
        h('input', {
          type: 'radio',
          name: 'problem-sort',
          value,
          checked: value === sort,
          onchange: () => setQuery({ sort: value === 'impact' ? null : value }),
        }),
        h('span', {}, text),
      ),
    ),
  );
  const statusSelect = h(
    'select',
    {
      id: 'problems-status',
      onchange: () => setQuery({ status: statusSelect.value === 'active' ? null : statusSelect.value }),
    },
    Object.entries(STATUS_FILTERS).map(([value, text]) =>
      h('option', { value, selected: value === status }, text),
    ),
  );

  replace(
    main,
    pageHeader(
      'Problems',
      h('p', { class: 'summary' }, `${plural(shown.length, 'cluster')} · ranked by ${SORT_WORDS[sort]}`),
    ),
    h(
      'form',
      { class: 'filters', 'aria-label': 'Rank and filter problems', onsubmit: (e) => e.preventDefault() },
      sortGroup,
      h('div', { class: 'field' }, h('label', { for: 'problems-status' }, 'Status'), statusSelect),
    ),
    shown.length
      ? h(
          'ol',
          { class: 'problem-list', 'aria-label': `Problems ranked by ${SORT_WORDS[sort]}` },
          shown.map((p, i) => problemCard(p, i + 1, maxImpact, maxBudget)),
        )
      : empty(
          status === 'active'
            ? 'No recurring incidents yet: a cluster becomes a candidate after three repeats.'
            : 'No problems with this status.',
        ),
  );
}

export function problemCard(p, rank, maxImpact, maxBudget) {
  const schedule = periodWords(p.periodMs, p.firstSeen);
  return h(
    'li',
    { class: `problem-card status-border-${p.status}`, dataset: { problemId: p.id, status: p.status } },
    h(
      'div',
      { class: 'card-head' },
      h('span', { class: 'rank', 'aria-label': `Rank ${rank}` }, String(rank)),
      problemStatusBadge(p.status),
      p.reopened ? badge('reopened', 'badge-warn', 'It came back after being resolved') : null,
      h('h3', { class: 'problem-title' }, h('a', { href: problemHref(p.id) }, p.title || p.template || p.id)),
    ),
    facts(
      [
        ['Services', (p.services ?? []).join(', ')],
        ['Repeats', plural(p.count ?? (p.members ?? []).length, 'incident')],
        ['Schedule', schedule],
        ['First seen', timeEl(p.firstSeen)],
        ['Last seen', timeEl(p.lastSeen)],
        ['MTTR', p.mttrMs ? duration(p.mttrMs) : null],
        [
          'Impact',
          h(
            'span',
            { class: 'impact' },
            miniBar(p.impact ?? 0, maxImpact, {
              label: `Impact ${compact(p.impact ?? 0)} of at most ${compact(maxImpact)}`,
              kind: 'impact',
            }),
            ` ${compact(p.impact ?? 0)} incident-min`,
          ),
        ],
        ['Trend', trendWords(p.window)],
        ['SLO budget', budgetFact(p.budget, maxBudget)],
      ],
      'facts facts-inline',
    ),
    sharedFactorChips(p.sharedFactors),
    p.workaround ? h('p', { class: 'workaround' }, h('strong', {}, 'Workaround: '), p.workaround) : null,
  );
}

/** The budget its incidents spent: a bar against the most any problem listed spent, then per SLO. */
function budgetFact(budget, maxBudget) {
  if (!budget) return null;
  if (!budget.bySlo?.length) return h('span', { class: 'problem-budget' }, budgetBadges([]));
  return h(
    'span',
    { class: 'problem-budget' },
    h(
      'span',
      { class: 'cell-bar' },
      miniBar(budget.spent, maxBudget, {
        label: `Spent ${budgetWords(budget.spent)} in all, of at most ${budgetWords(maxBudget)} for a problem here`,
        kind: 'bad',
      }),
      h('span', { class: 'budget-total' }, `${percent(budget.spent)} in all`),
    ),
    ' ',
    budgetBadges(budget.bySlo),
  );
}

/** "4 in the last 30 days, up 3 on the 30 days before" from the list's window. */
function trendWords(window) {
  if (!window || !Number.isFinite(window.count)) return null;
  const days = Math.round((window.to - window.from) / 86_400_000);
  const span = days >= 1 ? `the last ${days === 1 ? 'day' : `${days} days`}` : 'the range';
  const growth = Number.isFinite(window.growth) ? window.growth : window.count - (window.previous ?? 0);
  const change =
    growth === 0
      ? 'as many as before'
      : `${growth > 0 ? 'up' : 'down'} ${Math.abs(growth)} on the period before`;
  return `${window.count} in ${span}, ${change}`;
}

export function problemStatusBadge(status) {
  return badge(statusName(status), `pstatus pstatus-${status}`, `Status: ${statusName(status)}`);
}

export function sharedFactorChips(factors) {
  if (!factors?.length) return h('p', { class: 'muted factors-none' }, 'No factor shared by most repeats.');
  return h(
    'ul',
    { class: 'chips shared-factors', 'aria-label': 'What the repeats have in common' },
    factors.map((f) =>
      h(
        'li',
        { class: 'chip', title: `${percent(f.share)} of the repeats` },
        h('span', { class: 'chip-key' }, factorName(f.factor)),
        ' ',
        h('span', { class: 'chip-value' }, f.value),
        ' ',
        h('span', { class: 'chip-share' }, percent(f.share)),
      ),
    ),
  );
}
