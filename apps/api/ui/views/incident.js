// Incident page: what broke, which change most likely did it and why, the metrics around it
// with the verification windows and the changes marked, what happened since, and the actions.
import { empty, facts, h, replace } from '../dom.js';
import {
  clockIn,
  duration,
  HOUR,
  evidenceStrength,
  factorName,
  kindName,
  percent,
  plural,
  SEVERITIES,
  stamp,
  statusName,
} from '../format.js';
import { chartGroup, timeChart, zoomControls } from '../time-charts.js';
import {
  ageEl,
  budgetBadges,
  incidentHref,
  outcomeBadge,
  pageHeader,
  problemHref,
  severityBadge,
  statusBadge,
  suspectName,
  timeEl,
} from './common.js';
import { problemLinksPanel } from './problem-links.js';

const METRIC_NAMES = {
  'http.server.error.ratio': 'error ratio',
  'http.server.errors': 'errors per second',
  'http.server.requests': 'requests per second',
  'http.server.request.duration.p95': 'latency p95',
  'http.server.request.duration.p99': 'latency p99',
  'process.cpu.utilization': 'CPU utilisation',
};

export async function render({ main, params, query, api, stream, signal, announce, setTitle, keepQuery }) {
  const id = params[0];
  const path = `/api/v1/incidents/${encodeURIComponent(id)}`;
  // No more points per series than the charts have pixels across: the server takes them from its
  // rollups when the raw points would be more.
  const points = Math.min(100000, Math.max(10, Math.round(main.clientWidth || 800)));
  const detail = await api.get(path, { points }, { signal });
  if (signal.aborted) return;
  let incident = detail.incident;
  const history = new Map();
  for (const v of [...(detail.history ?? []), incident]) if (v) history.set(v.version, v);
  const changes = detail.changes ?? [];
  const verdicts = detail.verdicts ?? [];
  const changeById = new Map(changes.map((c) => [c.id, c]));
  const problemIds = detail.problemIds ?? [];
  setTitle(incident.title || 'Incident');

  const headerBox = h('div', { class: 'incident-header' });
  const suspectsBox = h('div');
  const timelineBox = h('div');
  const actionStatus = h('p', { class: 'action-status', role: 'status', 'aria-live': 'polite' });
  let pending = null;

  // Actions -------------------------------------------------------------------------------------
  const comment = h('textarea', { id: 'action-comment', rows: 3, placeholder: 'What you found or did' });
  const ackButton = h('button', { type: 'button', class: 'primary', id: 'acknowledge' }, 'Acknowledge');
  const resolveButton = h('button', { type: 'button', id: 'resolve' }, 'Resolve');
  const commentButton = h('button', { type: 'button', id: 'add-comment' }, 'Add comment');
  const severitySelect = h(
    'select',
    { id: 'action-severity' },
    SEVERITIES.map((sv) => h('option', { value: sv }, sv)),
  );
  const severityButton = h('button', { type: 'button', id: 'set-severity' }, 'Set severity');
  // A severity the person picked and has not set yet: live updates must not snap it back.
  let chosenSeverity = null;
  severitySelect.addEventListener('change', () => {
    chosenSeverity = severitySelect.value === incident.severity ? null : severitySelect.value;
    updateButtons();
  });
  const assigneeInput = h('input', {
    id: 'action-assignee',
    type: 'text',
    autocomplete: 'off',
    placeholder: 'e.g. ana@example.com',
    oninput: () => updateButtons(),
  });
  const assignButton = h('button', { type: 'button', id: 'assign' }, 'Assign');
  const unassignButton = h('button', { type: 'button', id: 'unassign' }, 'Unassign');
  const snoozeSelect = h(
    'select',
    { id: 'action-snooze' },
    SNOOZES.map(([minutes, text]) => h('option', { value: String(minutes) }, text)),
  );
  const snoozeButton = h('button', { type: 'button', id: 'snooze' }, 'Snooze');
  const unsnoozeButton = h('button', { type: 'button', id: 'unsnooze' }, 'Unsnooze');
  const mergeInput = h('input', {
    id: 'action-merge-into',
    type: 'text',
    autocomplete: 'off',
    placeholder: 'the incident id it duplicates',
    oninput: () => updateButtons(),
  });
  const mergeButton = h('button', { type: 'button', id: 'merge' }, 'Merge into it');
  const splitBox = h('fieldset', { class: 'split-members', id: 'split-members' });
  const splitButton = h('button', { type: 'button', id: 'split' }, 'Split out into a new incident');

  /**
   * POSTs an action, then waits for the incident version that shows it (`arrived`), from the
   * stream or, if that is slow, by asking the API. The version may even arrive before the POST
   * answers. True once the API accepted it.
   */
  async function act(action, body, sentText, arrived, doneText) {
    const request = { before: incident.version, arrived, doneText };
    pending = request;
    updateButtons();
    actionStatus.className = 'action-status';
    actionStatus.textContent = `${sentText}…`;
    try {
      await api.post(`${path}/${action}`, body, { signal });
    } catch (error) {
      if (signal.aborted) return false;
      if (pending === request) pending = null;
      actionStatus.className = 'action-status notice notice-error';
      actionStatus.textContent = error.friendly ?? String(error.message ?? error);
      updateButtons();
      return false;
    }
    comment.value = '';
    if (pending !== request) return true;
    actionStatus.textContent = `${sentText} — accepted; waiting for the new state…`;
    let tries = 0;
    const poll = async () => {
      if (pending !== request || signal.aborted) return;
      if (tries++ >= 15) {
        pending = null;
        actionStatus.textContent = `${sentText} — accepted. The new state has not arrived yet; it will show here when it does.`;
        updateButtons();
        return;
      }
      try {
        const fresh = await api.get(path, { points }, { signal });
        for (const v of fresh.history ?? []) apply(v, false);
        apply(fresh.incident, true);
      } catch {
        // The stream may still deliver it.
      }
      if (pending === request) window.setTimeout(poll, 2000);
    };
    window.setTimeout(poll, 3000);
    return true;
  }

  ackButton.addEventListener('click', () =>
    act(
      'acknowledge',
      withComment({}),
      'Acknowledging',
      (i) => i.status !== 'open' || i.event === 'acknowledged',
      (i) => `Acknowledged${i.actor ? ` by ${i.actor}` : ''}.`,
    ),
  );
  resolveButton.addEventListener('click', () =>
    act(
      'resolve',
      withComment({}),
      'Resolving',
      (i) => i.status === 'resolved',
      (i) => `Resolved${i.actor ? ` by ${i.actor}` : ''}.`,
    ),
  );
  commentButton.addEventListener('click', () => {
    if (!comment.value.trim()) {
      actionStatus.className = 'action-status notice notice-error';
      actionStatus.textContent = 'Write a comment first.';
      comment.focus();
      return;
    }
    act(
      'comment',
      withComment({}),
      'Adding the comment',
      (i) => i.event === 'commented',
      () => 'Comment added.',
    );
  });
  severityButton.addEventListener('click', () => {
    const severity = severitySelect.value;
    act(
      'severity',
      withComment({ severity }),
      `Setting severity to ${severity}`,
      (i) => i.severity === severity,
      (i) => `Severity is now ${i.severity}.`,
    );
  });

  assignButton.addEventListener('click', () => {
    const assignee = assigneeInput.value.trim();
    act(
      'assign',
      withComment({ assignee }),
      `Assigning to ${assignee}`,
      (i) => i.assignee === assignee,
      (i) => `Assigned to ${i.assignee}.`,
    ).then((sent) => {
      if (sent) assigneeInput.value = '';
    });
  });
  unassignButton.addEventListener('click', () =>
    act(
      'unassign',
      withComment({}),
      'Unassigning',
      (i) => !i.assignee,
      () => 'Nobody is assigned now.',
    ),
  );
  snoozeButton.addEventListener('click', () => {
    const until = new Date(Date.now() + Number(snoozeSelect.value) * 60_000).toISOString();
    act(
      'snooze',
      withComment({ until }),
      'Snoozing',
      (i) => i.event === 'snoozed' && Boolean(i.snoozedUntil),
      (i) => `Snoozed until ${stamp(i.snoozedUntil, { seconds: false })}.`,
    );
  });
  unsnoozeButton.addEventListener('click', () =>
    act(
      'unsnooze',
      withComment({}),
      'Ending the snooze',
      (i) => !i.snoozedUntil,
      () => 'Not snoozed any more.',
    ),
  );
  mergeButton.addEventListener('click', () => {
    const into = mergeInput.value.trim();
    act(
      'merge',
      withComment({ into }),
      `Merging into ${into}`,
      (i) => Boolean(i.duplicateOf),
      (i) => `Merged into ${i.duplicateOf}.`,
    ).then((sent) => {
      if (sent) mergeInput.value = '';
    });
  });
  splitButton.addEventListener('click', () => {
    const refs = [...splitBox.querySelectorAll('input:checked')].map((box) => box.value);
    const count = (incident.splitInto ?? []).length;
    act(
      'split',
      withComment({ refs }),
      `Splitting ${plural(refs.length, 'signal')} out`,
      (i) => (i.splitInto ?? []).length > count,
      (i) => `Split out into ${(i.splitInto ?? []).at(-1)}.`,
    );
  });

  function withComment(body) {
    const text = comment.value.trim();
    return text ? { ...body, comment: text } : body;
  }

  function updateButtons() {
    const busy = pending !== null;
    ackButton.disabled = busy || incident.status !== 'open';
    resolveButton.disabled = busy || incident.status === 'resolved';
    commentButton.disabled = busy;
    if (chosenSeverity === incident.severity) chosenSeverity = null;
    severitySelect.value = chosenSeverity ?? incident.severity;
    // Setting the severity it already has would record a change that changes nothing.
    severityButton.disabled = busy || severitySelect.value === incident.severity;
    const resolved = incident.status === 'resolved';
    const assignee = assigneeInput.value.trim();
    assignButton.disabled = busy || !assignee || assignee === incident.assignee;
    unassignButton.disabled = busy || !incident.assignee;
    const snoozed = isSnoozed(incident);
    snoozeButton.disabled = busy || resolved;
    unsnoozeButton.disabled = busy || !incident.snoozedUntil;
    snoozeButton.textContent = snoozed ? 'Snooze again' : 'Snooze';
    const into = mergeInput.value.trim();
    mergeButton.disabled = busy || resolved || !into || into === incident.id;
    const checked = splitBox.querySelectorAll('input:checked').length;
    splitButton.disabled = busy || resolved || checked === 0 || checked >= (incident.members ?? []).length;
  }

  /** One checkbox per member: those ticked leave for a new incident (at least one must stay). */
  function renderSplitMembers() {
    const ticked = new Set([...splitBox.querySelectorAll('input:checked')].map((box) => box.value));
    const members = incident.members ?? [];
    replace(
      splitBox,
      h('legend', {}, 'Signals to split out'),
      members.length < 2
        ? h('p', { class: 'muted' }, 'A split needs at least two signals: one stays.')
        : members.map((m, i) =>
            h(
              'label',
              { class: 'check' },
              h('input', {
                type: 'checkbox',
                value: m.ref,
                id: `split-${i}`,
                checked: ticked.has(m.ref),
                onchange: () => updateButtons(),
              }),
              ` ${m.name} on ${m.service}`,
            ),
          ),
    );
  }

  // Rendering -----------------------------------------------------------------------------------
  function renderHeader() {
    const others = (incident.services ?? []).filter((x) => x !== incident.service);
    replace(
      headerBox,
      h(
        'div',
        { class: 'badges' },
        severityBadge(incident.severity),
        h('span', { id: 'incident-status' }, statusBadge(incident.status)),
        h('span', { class: 'muted' }, kindName(incident.kind)),
      ),
      incident.summary ? h('p', { class: 'lead' }, incident.summary) : null,
      facts([
        ['Service', incident.service],
        ['Also affected', others.length ? others.join(', ') : null],
        ['Blast radius', plural(incident.blastRadius ?? (incident.services ?? []).length, 'service')],
        ['SLO budget spent', budgetBadges(detail.budgets ?? [])],
        ['Opened', h('span', {}, timeEl(incident.openedAt), ' (', ageEl(incident.openedAt), ')')],
        ['Last change', timeEl(incident.updatedAt)],
        ['Resolved', incident.resolvedAt ? timeEl(incident.resolvedAt) : null],
        ['Assigned to', incident.assignee ? h('span', { id: 'incident-assignee' }, incident.assignee) : null],
        [
          'Snoozed',
          isSnoozed(incident)
            ? h('span', { id: 'incident-snoozed' }, 'until ', timeEl(incident.snoozedUntil))
            : null,
        ],
        [
          'Duplicate of',
          incidentLinks(incident.duplicateOf ? [incident.duplicateOf] : [], 'incident-duplicate-of'),
        ],
        ['Merged into this', incidentLinks(incident.mergedFrom, 'incident-merged-from')],
        ['Split from', incidentLinks(incident.splitFrom ? [incident.splitFrom] : [], 'incident-split-from')],
        ['Split into', incidentLinks(incident.splitInto, 'incident-split-into')],
        ['Environment', incident.environment],
        ['Team', incident.team],
        ['Labels', labelList(incident.labels)],
        [
          'Recurring problem',
          problemIds.length
            ? h(
                'span',
                {},
                problemIds.map((pid, i) => [
                  i ? ', ' : '',
                  h('a', { href: problemHref(pid) }, 'see the problem'),
                ]),
              )
            : null,
        ],
      ]),
    );
  }

  function renderSuspects() {
    const ranked = [...(incident.suspects ?? [])].sort((a, b) => b.probability - a.probability);
    if (!ranked.length) {
      replace(suspectsBox, empty('The engine has not weighed any change for this incident.'));
      return;
    }
    // The likely ones in full; the long tail of changes that were weighed and found unlikely folded.
    const shown = ranked.filter((sp, i) => i < 3 || sp.probability >= 0.05);
    const folded = ranked.slice(shown.length);
    replace(
      suspectsBox,
      h(
        'ol',
        { class: 'suspects' },
        shown.map((sp, i) => suspectItem(sp, i)),
      ),
      folded.length
        ? h(
            'details',
            { class: 'more-suspects' },
            h(
              'summary',
              {},
              `${plural(folded.length, 'more change')} weighed and found unlikely (${foldedWords(folded)})`,
            ),
            h(
              'ol',
              { class: 'suspects', start: shown.length + 1 },
              folded.map((sp, k) => suspectItem(sp, shown.length + k)),
            ),
          )
        : null,
    );
  }

  function suspectItem(sp, i) {
    const change = sp.changeId ? changeById.get(sp.changeId) : null;
    const verdict = sp.changeId ? latestVerdict(verdicts, sp.changeId) : null;
    const pct = percent(sp.probability);
    return h(
      'li',
      {
        class: `suspect${i === 0 ? ' suspect-top' : ''}`,
        dataset: { changeId: sp.changeId ?? 'none' },
      },
      h(
        'div',
        { class: 'suspect-head' },
        h('span', { class: 'rank', 'aria-label': `Rank ${i + 1}` }, String(i + 1)),
        h(
          'div',
          { class: 'suspect-name' },
          h('strong', {}, suspectName(sp)),
          sp.changeId
            ? h(
                'span',
                { class: 'muted' },
                ` ${kindName(sp.kind ?? change?.kind)}${sp.service ? ` on ${sp.service}` : ''}${
                  sp.component ? ` (${sp.component})` : ''
                }${
                  change?.version ? `, ${change.version}` : ''
                }${change ? `, ${stamp(change.startedAt, { seconds: false })}` : ''}`,
              )
            : h('span', { class: 'muted' }, ' something other than a recorded change'),
          verdict ? h('span', {}, ' ', outcomeBadge(verdict.outcome)) : null,
        ),
        h('span', { class: 'probability' }, pct),
      ),
      h(
        'div',
        { class: 'prob-bar', role: 'img', 'aria-label': `Probability ${pct}` },
        h('span', { style: { width: `${Math.max(0.5, sp.probability * 100).toFixed(1)}%` } }),
      ),
      sp.evidence?.length
        ? h(
            'ul',
            { class: 'evidence', 'aria-label': `Evidence for ${suspectName(sp)}` },
            [...sp.evidence]
              .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
              .map((ev) => {
                const strength = evidenceStrength(ev.weight);
                return h(
                  'li',
                  { class: `evidence-${strength.direction}` },
                  h('span', { class: 'evidence-factor' }, factorName(ev.factor)),
                  h('span', { class: 'evidence-detail' }, ev.detail),
                  h(
                    'span',
                    { class: 'evidence-strength', title: `weight ${ev.weight.toFixed(2)}` },
                    strength.words,
                  ),
                );
              }),
          )
        : null,
    );
  }

  function renderTimeline() {
    const entries = timelineEntries([...history.values()], incident);
    let lastDay = '';
    replace(
      timelineBox,
      entries.length
        ? h(
            'ol',
            { class: 'timeline' },
            entries.map((e) => {
              const day = stamp(e.at).slice(0, 10);
              const showDay = day !== lastDay;
              lastDay = day;
              return h(
                'li',
                { class: `tl-entry tl-${e.kind}` },
                h(
                  'time',
                  { datetime: new Date(e.at).toISOString(), title: stamp(e.at) },
                  showDay ? `${day} ${clockIn(e.at, { seconds: true })}` : clockIn(e.at, { seconds: true }),
                ),
                h(
                  'div',
                  { class: 'tl-body' },
                  h('strong', {}, e.title),
                  e.detail ? h('p', {}, e.detail) : null,
                ),
              );
            }),
          )
        : empty('Nothing recorded yet.'),
    );
  }

  function apply(next, announceIt = true) {
    if (!next || next.id !== incident.id) return;
    history.set(next.version, next);
    if (next.version <= incident.version) return;
    const previous = incident;
    incident = next;
    renderHeader();
    renderSplitMembers();
    renderSuspects();
    renderTimeline();
    if (pending && next.version > pending.before && pending.arrived(next)) {
      actionStatus.className = 'action-status notice notice-ok';
      actionStatus.textContent = pending.doneText(next);
      pending = null;
    }
    updateButtons();
    if (announceIt && previous.status !== next.status)
      announce(`This incident is now ${statusName(next.status)}`);
  }

  renderHeader();
  renderSplitMembers();
  renderSuspects();
  renderTimeline();
  updateButtons();

  replace(
    main,
    pageHeader(incident.title || incident.id),
    headerBox,
    knownErrorsBox(detail.knownErrors ?? [], changeById),
    h(
      'div',
      { class: 'incident-layout' },
      h(
        'div',
        { class: 'col-main' },
        h(
          'section',
          { 'aria-labelledby': 'suspects-h', class: 'panel' },
          h('h2', { id: 'suspects-h' }, 'Suspected changes'),
          h(
            'p',
            { class: 'hint' },
            'Ranked by the probability that each caused this, with the evidence behind it.',
          ),
          suspectsBox,
        ),
        alertsPanel(detail.alerts ?? []),
        h(
          'section',
          { 'aria-labelledby': 'metrics-h', class: 'panel' },
          h('h2', { id: 'metrics-h' }, 'Affected metrics'),
          metricsSection({ detail, incident, api, path, points, query, keepQuery, signal }),
        ),
        verdicts.length
          ? h(
              'section',
              { 'aria-labelledby': 'verdicts-h', class: 'panel' },
              h('h2', { id: 'verdicts-h' }, 'Verification verdicts'),
              verdictList(verdicts, incident),
            )
          : null,
        similarPanel(api, path, signal),
      ),
      h(
        'div',
        { class: 'col-side' },
        h(
          'section',
          { 'aria-labelledby': 'actions-h', class: 'panel actions-panel' },
          h('h2', { id: 'actions-h' }, 'Actions'),
          h('label', { for: 'action-comment' }, 'Comment (optional)'),
          comment,
          h('div', { class: 'buttons' }, ackButton, resolveButton, commentButton),
          h(
            'div',
            { class: 'inline-field' },
            h('label', { for: 'action-severity' }, 'Severity'),
            severitySelect,
            severityButton,
          ),
          h(
            'div',
            { class: 'inline-field' },
            h('label', { for: 'action-assignee' }, 'Assignee'),
            assigneeInput,
            assignButton,
            unassignButton,
          ),
          h(
            'div',
            { class: 'inline-field' },
            h('label', { for: 'action-snooze' }, 'Snooze for'),
            snoozeSelect,
            snoozeButton,
            unsnoozeButton,
          ),
          h(
            'details',
            { class: 'more-actions' },
            h('summary', {}, 'Merge or split'),
            h(
              'div',
              { class: 'inline-field' },
              h('label', { for: 'action-merge-into' }, 'Duplicate of'),
              mergeInput,
              mergeButton,
            ),
            splitBox,
            splitButton,
          ),
          actionStatus,
        ),
        problemLinksPanel({ api, path, incidentId: incident.id, problemIds, signal }),
        h(
          'section',
          { 'aria-labelledby': 'timeline-h', class: 'panel' },
          h('h2', { id: 'timeline-h' }, 'Timeline'),
          timelineBox,
        ),
      ),
    ),
  );

  stream.addEventListener('incident', (event) => apply(event.detail), { signal });
  stream.addEventListener(
    'resync',
    () => {
      api
        .get(path, { points }, { signal })
        .then((fresh) => apply(fresh.incident))
        .catch(() => undefined);
    },
    { signal },
  );
}

function foldedWords(folded) {
  const top = Math.max(...folded.map((sp) => sp.probability));
  return top < 0.01 ? 'each under 1%' : `at most ${percent(top)} each`;
}

function latestVerdict(verdicts, changeId) {
  return (
    verdicts
      .filter((v) => v.changeId === changeId)
      .sort((a, b) => Number(b.final) - Number(a.final) || b.look - a.look || b.decidedAt - a.decidedAt)[0] ??
    null
  );
}

/** The time ranges the charts can show: the incident's own, or an hour or six either side. */
const RANGES = [
  { key: '', label: 'Incident window', pad: 0 },
  { key: '1h', label: '±1 h', pad: HOUR },
  { key: '6h', label: '±6 h', pad: 6 * HOUR },
];

/**
 * The affected metrics: a time-range picker (kept in the URL as `range`; a wider range asks the
 * api for its series), the zoom reset, the legend, and a chart per series, the top suspect's
 * service first. The charts share a crosshair and a zoom.
 */
function metricsSection({ detail, incident, api, path, points, query, keepQuery, signal }) {
  const home = detail.range;
  const chosen = RANGES.find((r) => r.key === (query?.get('range') ?? '')) ?? RANGES[0];
  const body = h('div', { class: 'metric-body' });
  const status = h('p', { class: 'chart-status muted', role: 'status', 'aria-live': 'polite' });
  let group = null;
  let loading = null;

  function draw(metrics, shown) {
    group?.destroy();
    group = chartGroup({ domain: [shown.from, shown.to], signal });
    replace(body, metricsCharts(group, metrics, detail, incident));
  }

  async function show(choice) {
    loading?.abort();
    if (choice.pad === 0 || !home) {
      status.textContent = '';
      return draw(detail.metrics ?? [], home ?? seriesSpan(detail.metrics ?? []));
    }
    const controller = new AbortController();
    loading = controller;
    status.className = 'chart-status muted';
    status.textContent = `Loading the series ${choice.label} around the incident…`;
    try {
      const answer = await api.get(
        `${path}/series`,
        {
          from: new Date(home.from - choice.pad).toISOString(),
          to: new Date(home.to + choice.pad).toISOString(),
          points,
        },
        { signal: AbortSignal.any([signal, controller.signal]) },
      );
      if (loading !== controller) return;
      draw(answer.metrics ?? [], answer.range);
      status.textContent = `Showing ${stamp(answer.range.from, { seconds: false })} to ${stamp(answer.range.to, { seconds: false })}.`;
    } catch (error) {
      if (controller.signal.aborted || signal.aborted) return;
      status.className = 'chart-status notice notice-error';
      status.textContent = `The series could not be loaded: ${error.friendly ?? String(error.message ?? error)}`;
    }
  }

  const picker = h(
    'fieldset',
    { class: 'segmented time-range' },
    h('legend', {}, 'Time range'),
    RANGES.map((choice) =>
      h(
        'label',
        {},
        h('input', {
          type: 'radio',
          name: 'incident-range',
          value: choice.key || 'incident',
          checked: choice === chosen,
          onchange: () => {
            keepQuery({ range: choice.key });
            void show(choice);
          },
        }),
        h('span', {}, choice.label),
      ),
    ),
  );
  void show(chosen);
  return h('div', {}, h('div', { class: 'chart-toolbar' }, picker, status), body);
}

/** [from, to] of the series themselves, when the api gave no range. */
function seriesSpan(metrics) {
  const times = metrics.flatMap((m) => (m.points ?? []).map((p) => p[0])).filter(Number.isFinite);
  return times.length ? { from: Math.min(...times), to: Math.max(...times) } : { from: 0, to: 1 };
}

/** The services in the order they are charted: the top suspect's, the incident's, the others. */
function serviceOrder(incident) {
  const top = [...(incident.suspects ?? [])].sort((a, b) => b.probability - a.probability)[0];
  const first = [top?.service, incident.service, ...(incident.services ?? [])].filter(Boolean);
  return (service) => {
    const at = first.indexOf(service);
    return at < 0 ? first.length : at;
  };
}

function metricsCharts(group, metrics, detail, incident) {
  if (!metrics.length) return empty('No metric series were recorded in this range.');
  const changes = detail.changes ?? [];
  const verdicts = detail.verdicts ?? [];
  // Changes the engine finds likely (the top one, or 10% and more) stand out; every other change
  // in range is still marked, with its probability in the title when it was weighed.
  const ranked = [...(incident.suspects ?? [])].sort((a, b) => b.probability - a.probability);
  const suspects = new Map(ranked.filter((sp) => sp.changeId).map((sp) => [sp.changeId, sp]));
  const likely = (sp) => sp && (sp === ranked[0] || sp.probability >= 0.1);
  const top = ranked.find((sp) => sp.changeId);
  const topVerdict = top ? latestVerdict(verdicts, top.changeId) : null;
  const markers = changes.map((c) => {
    const sp = suspects.get(c.id);
    const what = `${kindName(c.kind)} of ${c.service}${c.version ? ` ${c.version}` : ''}`;
    return {
      at: c.startedAt,
      kind: likely(sp) ? 'suspect' : 'change',
      primary: Boolean(sp) && sp === top,
      label: what,
      title: `${c.id}: ${what} at ${stamp(c.startedAt)}${
        sp ? ` — ${likely(sp) ? 'suspect' : 'weighed'}, ${percent(sp.probability)}` : ''
      }`,
    };
  });
  markers.push({
    at: incident.openedAt,
    kind: 'incident',
    label: 'incident opened',
    title: `Incident opened at ${stamp(incident.openedAt)}`,
  });
  // Each alert shades the charts of its service (every chart, when none is of its service).
  const [, end] = group.domain;
  const alerts = (detail.alerts ?? []).map((a) => ({
    service: a.service,
    band: {
      from: a.startsAt,
      to: a.endsAt ?? incident.resolvedAt ?? end,
      kind: 'alert',
      label: `${a.name} firing`,
    },
  }));
  const charted = new Set(metrics.map((m) => m.service));
  const rank = serviceOrder(incident);
  const ordered = metrics
    .map((m, i) => ({ m, i }))
    .sort((a, b) => rank(a.m.service) - rank(b.m.service) || a.i - b.i)
    .map(({ m }) => m);
  const figures = ordered.map((m) => {
    // A series' own windows; else those of a verdict on its service; else the top suspect's.
    const windows =
      m.windows ?? windowsFromVerdicts(verdicts, m.service) ?? (topVerdict ? windowsOf(topVerdict) : null);
    const bands = [
      ...(windows
        ? [
            { from: windows.baselineStart, to: windows.baselineEnd, kind: 'baseline', label: 'baseline' },
            {
              from: windows.observationStart,
              to: windows.observationEnd,
              kind: 'observation',
              label: 'observation',
            },
          ]
        : []),
      ...alerts.filter((a) => a.service === m.service || !charted.has(a.service)).map((a) => a.band),
    ];
    const name = METRIC_NAMES[m.metric] ?? m.metric;
    const title = `${m.service} — ${name}`;
    const chart = timeChart(group, {
      title,
      metric: m.metric,
      unit: m.unit,
      points: m.points ?? [],
      bands,
      markers,
    });
    return h(
      'figure',
      { class: 'metric-figure', dataset: { service: m.service, metric: m.metric } },
      h(
        'figcaption',
        {},
        h('strong', {}, title),
        h(
          'span',
          { class: 'muted' },
          ` ${m.metric}${m.resolution ? ` · ${resolutionText(m.resolution)}` : ''}`,
        ),
      ),
      chart.nodes,
    );
  });
  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': 'Chart legend' },
    h('li', {}, h('span', { class: 'swatch swatch-baseline' }), 'baseline window'),
    h('li', {}, h('span', { class: 'swatch swatch-observation' }), 'observation window'),
    alerts.length ? h('li', {}, h('span', { class: 'swatch swatch-alert' }), 'alert firing') : null,
    h('li', {}, h('span', { class: 'swatch swatch-suspect' }), 'likely cause'),
    h('li', {}, h('span', { class: 'swatch swatch-change' }), 'other change'),
    h('li', {}, h('span', { class: 'swatch swatch-incident' }), 'incident opened'),
  );
  return [legend, zoomControls(group), h('div', { class: 'metric-grid' }, figures)];
}

function resolutionText(resolution) {
  if (typeof resolution === 'number') return `${duration(resolution)} resolution`;
  return (
    { raw: 'raw points', '1m': '1-minute averages', '1h': '1-hour averages' }[resolution] ??
    `${resolution} resolution`
  );
}

function windowsFromVerdicts(verdicts, service) {
  const v = verdicts.filter((x) => x.service === service).sort((a, b) => b.decidedAt - a.decidedAt)[0];
  return v ? windowsOf(v) : null;
}

function windowsOf(v) {
  if (![v.baselineStart, v.baselineEnd, v.observationStart, v.observationEnd].every(Number.isFinite))
    return null;
  return {
    baselineStart: v.baselineStart,
    baselineEnd: v.baselineEnd,
    observationStart: v.observationStart,
    observationEnd: v.observationEnd,
  };
}

function verdictList(verdicts, incident) {
  const latest = new Map();
  for (const v of verdicts) {
    const known = latest.get(v.changeId);
    if (!known || Number(v.final) > Number(known.final) || v.look > known.look) latest.set(v.changeId, v);
  }
  const probability = new Map((incident.suspects ?? []).map((sp) => [sp.changeId, sp.probability]));
  const rank = { fail: 0, inconclusive: 1, pass: 2 };
  const sorted = [...latest.values()].sort(
    (a, b) =>
      (rank[a.outcome] ?? 3) - (rank[b.outcome] ?? 3) ||
      (probability.get(b.changeId) ?? 0) - (probability.get(a.changeId) ?? 0),
  );
  // Failed verdicts and those of likely suspects in full; the rest folded.
  const prominent = sorted.filter((v) => v.outcome === 'fail' || (probability.get(v.changeId) ?? 0) >= 0.1);
  const rest = sorted.filter((v) => !prominent.includes(v));
  const list = (items) => h('ul', { class: 'verdicts' }, items.map(verdictItem));
  return h(
    'div',
    {},
    prominent.length ? list(prominent) : null,
    rest.length
      ? h(
          'details',
          { class: 'more-verdicts', open: prominent.length === 0 },
          h(
            'summary',
            {},
            `${plural(rest.length, 'verdict')} on other changes in range (${outcomeCounts(rest)})`,
          ),
          list(rest),
        )
      : null,
  );
}

function outcomeCounts(verdicts) {
  const counts = new Map();
  for (const v of verdicts) counts.set(v.outcome, (counts.get(v.outcome) ?? 0) + 1);
  return [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
}

function verdictItem(v) {
  return h(
    'li',
    { class: 'verdict-item' },
    h(
      'div',
      { class: 'verdict-head' },
      outcomeBadge(v.outcome),
      h('strong', {}, ` ${v.changeId}`),
      h('span', { class: 'muted' }, ` score ${v.score}/100 · look ${v.look}${v.final ? ' (final)' : ''}`),
    ),
    v.summary ? h('p', {}, v.summary) : null,
    v.metrics?.length
      ? h(
          'table',
          { class: 'compact' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Metric'),
              h('th', { scope: 'col' }, 'Outcome'),
              h('th', { scope: 'col' }, 'Why'),
            ),
          ),
          h(
            'tbody',
            {},
            v.metrics.map((mj) =>
              h(
                'tr',
                {},
                h('td', {}, METRIC_NAMES[mj.metric] ?? mj.metric),
                h('td', {}, outcomeBadge(mj.outcome)),
                h('td', {}, mj.reason),
              ),
            ),
          ),
        )
      : null,
  );
}

const EVENT_TITLES = {
  opened: 'Incident opened',
  updated: 'Updated',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
  reopened: 'Reopened',
  severity_changed: 'Severity changed',
  commented: 'Comment',
  reassigned: 'Reassigned',
  snoozed: 'Snoozed',
  unsnoozed: 'Snooze ended',
  merged: 'Merged',
  split: 'Split',
};

/** How long the Snooze button snoozes for, in minutes. */
const SNOOZES = [
  [30, '30 minutes'],
  [60, '1 hour'],
  [240, '4 hours'],
  [24 * 60, '1 day'],
];

/** Whether the incident is snoozed now (by this browser's clock: the engine ends it by event time). */
function isSnoozed(incident, now = Date.now()) {
  return Boolean(incident.snoozedUntil) && incident.snoozedUntil > now;
}

/** Links to incidents by id (null when there are none). */
function incidentLinks(ids, id) {
  if (!ids?.length) return null;
  return h(
    'span',
    { id },
    ids.map((other, i) => [i ? ', ' : '', h('a', { href: incidentHref(other) }, other)]),
  );
}

/** What a responder's version says besides its title: who it is assigned to, the other incident. */
function responderDetail(v) {
  switch (v.event) {
    case 'reassigned':
      return v.assignee ? `assigned to ${v.assignee}` : 'nobody is assigned now';
    case 'snoozed':
      return v.snoozedUntil ? `until ${stamp(v.snoozedUntil, { seconds: false })}` : null;
    case 'merged':
      return v.duplicateOf
        ? `a duplicate of ${v.duplicateOf}`
        : v.mergedFrom?.length
          ? `took in ${v.mergedFrom.at(-1)}`
          : null;
    case 'split':
      return v.splitInto?.length ? `signals split out into ${v.splitInto.at(-1)}` : null;
    case 'opened':
      return v.splitFrom ? `split out of ${v.splitFrom}` : null;
    default:
      return null;
  }
}

const MEMBER_TITLES = { alert: 'Alert', anomaly: 'Anomaly', verdict: 'Verdict' };

/** The versions (state changes) and members (signals) as one list in time order. */
export function timelineEntries(versions, latest) {
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  const entries = [];
  sorted.forEach((v, i) => {
    const prev = sorted[i - 1];
    const by = v.actor ? ` by ${v.actor}` : v.event === 'resolved' ? ' by the engine' : '';
    const details = [];
    if (!prev || v.event === 'opened') {
      details.push(`${v.severity} ${kindName(v.kind)} on ${v.service}`);
    } else {
      if (prev.severity !== v.severity) details.push(`severity ${prev.severity} → ${v.severity}`);
      if (prev.status !== v.status && !['acknowledged', 'resolved', 'reopened'].includes(v.event))
        details.push(`status ${statusName(prev.status)} → ${statusName(v.status)}`);
      const joined = (v.services ?? []).filter((x) => !(prev.services ?? []).includes(x));
      if (joined.length) details.push(`${joined.join(', ')} affected too`);
      const top = [...(v.suspects ?? [])].sort((a, b) => b.probability - a.probability)[0];
      const prevTop = [...(prev.suspects ?? [])].sort((a, b) => b.probability - a.probability)[0];
      if (
        top &&
        (top.changeId !== prevTop?.changeId ||
          Math.abs(top.probability - (prevTop?.probability ?? 0)) >= 0.05)
      )
        details.push(`top suspect ${suspectName(top)} at ${percent(top.probability)}`);
    }
    // An update that only added signals is told by the signals' own entries.
    if (prev && v.event === 'updated' && !details.length && !v.comment) return;
    if (!prev || v.event === 'opened') {
      const top = [...(v.suspects ?? [])].sort((a, b) => b.probability - a.probability)[0];
      if (top) details.push(`top suspect ${suspectName(top)} at ${percent(top.probability)}`);
    }
    const responder = responderDetail(v);
    if (responder) details.push(responder);
    if (v.comment) details.push(`“${v.comment}”`);
    entries.push({
      at: v.updatedAt,
      order: 1,
      kind: v.event,
      title: `${EVENT_TITLES[v.event] ?? v.event}${v.event === 'severity_changed' ? ` to ${v.severity}` : ''}${by}`,
      detail: details.join(' · '),
    });
  });
  for (const m of latest?.members ?? []) {
    entries.push({
      at: m.at,
      order: 0,
      kind: `member-${m.type}`,
      title: `${MEMBER_TITLES[m.type] ?? m.type}: ${m.name}`,
      detail: m.service ? `on ${m.service}` : '',
    });
  }
  return entries.sort((a, b) => a.at - b.at || a.order - b.order);
}

/** The labels an incident's alerts agree on, as `key=value` chips (null when there are none). */
function labelList(labels) {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return null;
  return h(
    'span',
    { class: 'labels' },
    entries.map(([k, v]) => h('code', { class: 'label-chip' }, `${k}=${v}`)),
  );
}

/**
 * The known errors this incident is a repeat of, first thing on the page: what to do now (the
 * workaround) and whether a fix is on its way — the problem manager's learning reaching the
 * next responder.
 */
function knownErrorsBox(knownErrors, changeById) {
  if (!knownErrors.length) return null;
  return h(
    'section',
    { class: 'panel known-errors', 'aria-labelledby': 'known-errors-h' },
    h('h2', { id: 'known-errors-h' }, knownErrors.length === 1 ? 'Known error' : 'Known errors'),
    knownErrors.map((k) =>
      h(
        'div',
        { class: 'known-error' },
        h('p', {}, 'A repeat of ', h('a', { href: problemHref(k.problemId) }, k.title), '.'),
        k.workaround
          ? h('p', {}, h('strong', {}, 'Workaround: '), k.workaround)
          : h('p', { class: 'muted' }, 'No workaround recorded.'),
        k.fixChangeId
          ? h(
              'p',
              {},
              h('strong', {}, 'Fix: '),
              h(
                'a',
                { href: `#/changes?focus=${encodeURIComponent(k.fixChangeId)}` },
                changeById.get(k.fixChangeId)?.version ?? k.fixChangeId,
              ),
            )
          : null,
      ),
    ),
  );
}

/** Only web links are followed from what alert sources send (never javascript: or data:). */
function webLink(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/** The incident's alerts as last reported: what fired, where its runbook is, where it came from. */
function alertsPanel(alerts) {
  if (!alerts.length) return null;
  return h(
    'section',
    { 'aria-labelledby': 'alerts-h', class: 'panel alerts-panel' },
    h('h2', { id: 'alerts-h' }, alerts.length === 1 ? 'Alert' : `Alerts (${alerts.length})`),
    h(
      'ul',
      { class: 'alert-list' },
      alerts.map((a) => {
        const runbook = a.runbookUrl ? webLink(a.runbookUrl) : null;
        const source = a.link ? webLink(a.link) : null;
        return h(
          'li',
          { dataset: { fingerprint: a.fingerprint } },
          severityBadge(a.severity),
          ' ',
          h('strong', {}, a.name),
          ` on ${a.service} · ${a.status} since `,
          timeEl(a.startsAt),
          a.summary ? h('p', { class: 'alert-summary' }, a.summary) : null,
          runbook || source
            ? h(
                'p',
                { class: 'alert-links' },
                runbook
                  ? h('a', { href: runbook, rel: 'noopener noreferrer', target: '_blank' }, 'Runbook')
                  : null,
                runbook && source ? ' · ' : null,
                source
                  ? h(
                      'a',
                      { href: source, rel: 'noopener noreferrer', target: '_blank' },
                      `Source (${a.source})`,
                    )
                  : null,
              )
            : null,
        );
      }),
    ),
  );
}

const REASON_NAMES = {
  problem: 'Same problem',
  signature: 'Same signature',
  'suspect-service': 'Same suspect service',
};

/**
 * Incidents like this one — same problem, same signature, or a likely cause on the same service —
 * with why each is listed and how the resolved ones ended. Asked for after the detail is on
 * screen, so the page never waits for it.
 */
function similarPanel(api, path, signal) {
  const body = h(
    'div',
    { 'aria-busy': 'true' },
    h('p', { class: 'muted' }, 'Looking for similar incidents…'),
  );
  api
    .get(`${path}/similar`, {}, { signal })
    .then(({ items }) => {
      body.removeAttribute('aria-busy');
      replace(
        body,
        items.length
          ? h('ul', { class: 'similar-list' }, items.map(similarItem))
          : empty('No incident shares its problem, signature or suspect service.'),
      );
    })
    .catch(() => {
      if (signal.aborted) return;
      body.removeAttribute('aria-busy');
      replace(body, h('p', { class: 'muted' }, 'Similar incidents could not be loaded.'));
    });
  return h(
    'section',
    { 'aria-labelledby': 'similar-h', class: 'panel similar-panel', id: 'similar' },
    h('h2', { id: 'similar-h' }, 'Similar incidents'),
    body,
  );
}

function similarItem(s) {
  const ended = [
    s.resolvedAt !== null ? ['Resolved ', timeEl(s.resolvedAt)] : null,
    s.fixedBy
      ? ['fixed by ', h('a', { href: `#/changes?focus=${encodeURIComponent(s.fixedBy)}` }, s.fixedBy)]
      : null,
    s.duplicateOf ? ['duplicate of ', h('a', { href: incidentHref(s.duplicateOf) }, s.duplicateOf)] : null,
  ].filter(Boolean);
  return h(
    'li',
    { dataset: { incident: s.id } },
    h('a', { href: incidentHref(s.id) }, s.title || s.id),
    ' ',
    severityBadge(s.severity),
    ' ',
    statusBadge(s.status),
    h('p', { class: 'muted' }, `on ${s.service} · opened `, timeEl(s.openedAt)),
    h(
      'ul',
      { class: 'similar-reasons' },
      s.reasons.map((r) => h('li', {}, h('strong', {}, `${REASON_NAMES[r.kind] ?? r.kind}: `), r.detail)),
    ),
    ended.length
      ? h(
          'p',
          {},
          ended.flatMap((part, i) => (i ? ['; ', ...part] : part)),
        )
      : null,
  );
}
