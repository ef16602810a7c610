// Changes page: every change on a timeline, one lane per service, coloured by its verification
// verdict and labelled with its risk class; the gate's trade-off on the fleet's own history; a
// table of the same for reading and a detail panel.
import { pool } from '../api.js';
import { timeTicks } from '../charts.js';
import { badge, empty, facts, h, replace } from '../dom.js';
import { DAY, duration, kindName, percent, plural, stamp, zoneName } from '../format.js';
import { budgetBadges, outcomeBadge, pageHeader, riskBadge, timeEl } from './common.js';
import { gateTradeOffPanel } from './gate-trade-off.js';

const GATE_DAYS = 90;

const RANGES = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY };
const RANGE_NAMES = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
};
const RISK_LETTER = { standard: 'S', normal: 'N', high: 'H' };

export async function render({ main, api, signal, query, setQuery, setTitle }) {
  setTitle('Changes');
  const range = RANGE_NAMES[query.get('range')] ? query.get('range') : '7d';
  const service = query.get('service') ?? '';
  let selected = query.get('focus');
  const now = Date.now();
  const [changes, gate] = await Promise.all([
    api.all(
      '/api/v1/changes',
      { from: new Date(now - RANGES[range]).toISOString(), to: new Date(now + DAY).toISOString() },
      { signal, maxItems: 1000 },
    ),
    api
      .get(
        '/api/v1/risk/gate',
        { from: new Date(now - GATE_DAYS * DAY).toISOString(), ...(service ? { service } : {}) },
        { signal },
      )
      .catch(() => null),
  ]);
  if (signal.aborted) return;
  const gatePanel = gateTradeOffPanel(gate, { days: GATE_DAYS, service });

  const services = [...new Set(changes.map((c) => c.service))].sort();
  const shown = changes
    .filter((c) => !service || c.service === service)
    .sort((a, b) => a.startedAt - b.startedAt);
  // List items may carry the latest verdict and the risk assessment; else they come per change.
  const entries = new Map(
    shown.map((c) => [
      c.id,
      {
        change: c,
        verdict: c.verdict ?? null,
        assessment: c.risk ?? c.assessment ?? null,
        loaded: false,
        summarised: 'verdict' in c || 'risk' in c || 'assessment' in c,
        els: [],
      },
    ]),
  );

  const rangeSelect = h(
    'select',
    {
      id: 'changes-range',
      onchange: () => setQuery({ range: rangeSelect.value === '7d' ? null : rangeSelect.value, focus: null }),
    },
    Object.entries(RANGE_NAMES).map(([value, text]) =>
      h('option', { value, selected: value === range }, text),
    ),
  );
  const serviceSelect = h(
    'select',
    { id: 'changes-service', onchange: () => setQuery({ service: serviceSelect.value, focus: null }) },
    h('option', { value: '' }, 'All services'),
    services.map((sv) => h('option', { value: sv, selected: sv === service }, sv)),
  );
  const detailBox = h('div', { class: 'panel change-detail', id: 'change-detail', tabindex: '-1' });

  if (!shown.length) {
    replace(
      main,
      pageHeader('Changes'),
      filtersForm(rangeSelect, serviceSelect),
      empty('No changes recorded in this range.'),
      gatePanel,
    );
    return;
  }

  // Timeline: one lane per service ----------------------------------------------------------------
  const t0 = Math.min(...shown.map((c) => c.startedAt));
  const t1 = Math.max(...shown.map((c) => c.finishedAt ?? c.startedAt));
  const pad = Math.max((t1 - t0) * 0.03, 5 * 60_000);
  const from = t0 - pad;
  const to = t1 + pad;
  const pos = (t) => `${(((t - from) / (to - from)) * 100).toFixed(2)}%`;
  const lanes = [...new Set(shown.map((c) => c.service))].sort();
  const axis = h(
    'div',
    { class: 'lane lane-axis', 'aria-hidden': 'true' },
    h('div', { class: 'lane-label' }, zoneName(from)),
    h(
      'div',
      { class: 'lane-track' },
      timeTicks(from, to, 8).map((tick) =>
        h('span', { class: 'axis-tick', style: { left: pos(tick.t) } }, tick.label),
      ),
    ),
  );
  const laneEls = lanes.map((sv) =>
    h(
      'div',
      { class: 'lane', role: 'listitem' },
      h('div', { class: 'lane-label' }, sv),
      h(
        'ul',
        { class: 'lane-track', 'aria-label': `Changes to ${sv}` },
        shown
          .filter((c) => c.service === sv)
          .map((c) => {
            const entry = entries.get(c.id);
            const dot = h('button', {
              type: 'button',
              class: 'change-dot',
              style: { left: pos(c.startedAt) },
              dataset: { changeId: c.id },
              onclick: () => select(c.id, true),
            });
            entry.els.push({ dot });
            return h('li', {}, dot);
          }),
      ),
    ),
  );

  // Table ---------------------------------------------------------------------------------------
  const rows = shown
    .slice()
    .reverse()
    .map((c) => {
      const entry = entries.get(c.id);
      const verdictCell = h('td', { class: 'cell-verdict' });
      const riskCell = h('td', { class: 'cell-risk' });
      const decisionCell = h('td', { class: 'cell-decision' });
      const row = h(
        'tr',
        { class: 'change-row', dataset: { changeId: c.id } },
        h('td', {}, timeEl(c.startedAt, stamp(c.startedAt, { seconds: false }))),
        h('td', {}, c.service),
        h('td', {}, kindName(c.kind)),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'link-button change-name',
              title: c.id,
              onclick: () => select(c.id, true),
            },
            c.version ?? c.id,
          ),
        ),
        verdictCell,
        riskCell,
        decisionCell,
      );
      entry.els.push({ row, verdictCell, riskCell, decisionCell });
      return row;
    });

  function paint(entry) {
    const outcome = entry.verdict?.outcome ?? null;
    const riskClass = entry.assessment?.riskClass ?? null;
    const c = entry.change;
    for (const el of entry.els) {
      if (el.dot) {
        const known = entry.loaded || entry.summarised;
        el.dot.className = `change-dot verdict-${outcome ?? (known ? 'none' : 'loading')} risk-${riskClass ?? 'none'}${
          selected === c.id ? ' selected' : ''
        }`;
        el.dot.textContent = RISK_LETTER[riskClass] ?? '·';
        const text = `${kindName(c.kind)} of ${c.service}${c.version ? ` ${c.version}` : ''} at ${stamp(c.startedAt, { seconds: false })}: verdict ${
          outcome ?? (known ? 'none' : 'loading')
        }, ${riskClass ? `${riskClass} risk` : 'not assessed'}`;
        el.dot.setAttribute('aria-label', text);
        el.dot.title = text;
        el.dot.setAttribute('aria-pressed', String(selected === c.id));
      }
      if (el.row) {
        el.row.classList.toggle('selected', selected === c.id);
        const known = entry.loaded || entry.summarised;
        replace(
          el.verdictCell,
          known || outcome ? outcomeBadge(outcome) : h('span', { class: 'muted' }, '…'),
        );
        replace(el.riskCell, known || riskClass ? riskBadge(riskClass) : h('span', { class: 'muted' }, '…'));
        replace(
          el.decisionCell,
          entry.assessment
            ? badge(entry.assessment.decision, `decision decision-${entry.assessment.decision}`)
            : '—',
        );
      }
    }
  }

  function select(id, focusPanel) {
    const previous = selected;
    selected = id;
    if (previous && entries.has(previous)) paint(entries.get(previous));
    const entry = entries.get(id);
    if (!entry) return;
    paint(entry);
    renderDetail(entry);
    if (focusPanel) detailBox.focus();
    if (!entry.loaded) void loadDetail(entry);
  }

  async function loadDetail(entry) {
    if (entry.loading) return entry.loading;
    entry.loading = (async () => {
      try {
        const d = await api.get(`/api/v1/changes/${encodeURIComponent(entry.change.id)}`, undefined, {
          signal,
        });
        entry.verdict = latest(d?.verdicts ?? []) ?? entry.verdict;
        entry.assessment = d?.assessment ?? entry.assessment;
        entry.budgets = d?.budgets;
      } catch (error) {
        if (signal.aborted) return;
        entry.error = error;
      }
      entry.loaded = true;
      paint(entry);
      if (selected === entry.change.id) renderDetail(entry);
    })();
    return entry.loading;
  }

  function renderDetail(entry) {
    const c = entry.change;
    const v = entry.verdict;
    const a = entry.assessment;
    replace(
      detailBox,
      h('h2', {}, `${kindName(c.kind)} of ${c.service}${c.version ? ` ${c.version}` : ''}`),
      h('p', { class: 'muted mono' }, c.id),
      facts([
        ['Started', stamp(c.startedAt)],
        [
          'Finished',
          c.finishedAt ? `${stamp(c.finishedAt)} (${duration(c.finishedAt - c.startedAt)})` : null,
        ],
        ['Version', c.version ? `${c.previousVersion ? `${c.previousVersion} → ` : ''}${c.version}` : null],
        ['Environment', c.environment],
        ['Rollout', c.rollout],
        ['Automated', c.automated === undefined ? null : c.automated ? 'yes' : 'no'],
        ['Initiator', c.initiator],
        ['Team', c.team],
        ['Config keys', c.configKeys?.length ? c.configKeys.join(', ') : null],
        ['Rolls back', c.rollbackOf],
        [
          'Tests',
          c.pipeline?.testsRun ? `${c.pipeline.testsRun} run, ${c.pipeline.testsFailed ?? 0} failed` : null,
        ],
      ]),
      h('h3', {}, 'Verification'),
      v
        ? h(
            'div',
            {},
            h(
              'p',
              {},
              outcomeBadge(v.outcome),
              ` score ${v.score}/100${v.final === false ? ` (interim${v.look ? `, look ${v.look}` : ''})` : ''}`,
            ),
            v.summary ? h('p', {}, v.summary) : null,
            v.outcome === 'fail' && Array.isArray(entry.budgets)
              ? h(
                  'p',
                  { class: 'regression-budget' },
                  'Budget its regression burned: ',
                  budgetBadges(entry.budgets),
                )
              : null,
            v.metrics?.length
              ? h(
                  'ul',
                  { class: 'reasons' },
                  v.metrics.map((m) =>
                    h('li', {}, outcomeBadge(m.outcome), ' ', h('strong', {}, m.metric), ` — ${m.reason}`),
                  ),
                )
              : null,
          )
        : h('p', { class: 'muted' }, entry.loaded || entry.summarised ? 'No verdict (yet).' : 'Loading…'),
      h('h3', {}, 'Risk assessment'),
      a
        ? h(
            'div',
            {},
            h(
              'p',
              {},
              riskBadge(a.riskClass),
              ' ',
              badge(a.decision, `decision decision-${a.decision}`),
              ` ${percent(a.probability)} chance of an incident · rule `,
              h('code', {}, a.policyRule),
            ),
            a.reasons?.length
              ? h(
                  'ul',
                  { class: 'reasons' },
                  a.reasons.map((r) => h('li', {}, h('strong', {}, r.factor), ` — ${r.detail}`)),
                )
              : null,
          )
        : h('p', { class: 'muted' }, entry.loaded || entry.summarised ? 'Not assessed.' : 'Loading…'),
    );
  }

  replace(
    main,
    pageHeader(
      'Changes',
      h('p', { class: 'summary' }, `${plural(shown.length, 'change')} on ${plural(lanes.length, 'service')}`),
    ),
    filtersForm(rangeSelect, serviceSelect),
    h(
      'ul',
      { class: 'legend', 'aria-label': 'Legend' },
      h('li', {}, h('span', { class: 'swatch verdict-pass' }), 'pass'),
      h('li', {}, h('span', { class: 'swatch verdict-fail' }), 'fail'),
      h('li', {}, h('span', { class: 'swatch verdict-inconclusive' }), 'inconclusive'),
      h('li', {}, h('span', { class: 'swatch verdict-none' }), 'no verdict'),
      h('li', {}, 'Letters: S standard, N normal, H high risk'),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'lanes-h' },
      h('h2', { id: 'lanes-h' }, 'Timeline by service'),
      h('div', { class: 'swimlanes', role: 'list' }, axis, laneEls),
    ),
    gatePanel,
    h(
      'div',
      { class: 'changes-layout' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'changes-table-h' },
        h('h2', { id: 'changes-table-h' }, 'All changes, newest first'),
        h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'data changes-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Started', 'Service', 'Kind', 'Version', 'Verdict', 'Risk', 'Decision'].map((t) =>
                  h('th', { scope: 'col' }, t),
                ),
              ),
            ),
            h('tbody', {}, rows),
          ),
        ),
      ),
      detailBox,
    ),
  );
  for (const entry of entries.values()) paint(entry);
  if (selected && entries.has(selected)) {
    select(selected, false);
    document.querySelector(`.change-row.selected`)?.scrollIntoView({ block: 'center' });
  } else {
    replace(
      detailBox,
      h('h2', {}, 'Change details'),
      h('p', { class: 'muted' }, 'Choose a change on the timeline or in the table.'),
    );
  }

  // Where the list did not carry them: verdicts and assessments, a few at a time, newest first.
  const missing = [...entries.values()].filter((e) => !e.summarised).reverse();
  await pool(missing, 6, async (entry) => {
    if (!signal.aborted) await loadDetail(entry);
  });
}

function latest(verdicts) {
  return [...verdicts].sort((a, b) => Number(b.final) - Number(a.final) || b.look - a.look)[0] ?? null;
}

function filtersForm(rangeSelect, serviceSelect) {
  return h(
    'form',
    { class: 'filters', 'aria-label': 'Filter changes', onsubmit: (e) => e.preventDefault() },
    h('div', { class: 'field' }, h('label', { for: 'changes-range' }, 'Range'), rangeSelect),
    h('div', { class: 'field' }, h('label', { for: 'changes-service' }, 'Service'), serviceSelect),
  );
}
