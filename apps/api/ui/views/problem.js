// Problem detail: the recurrence over the weeks, the member incidents, what they share, its
// history, the ITIL lifecycle actions, and linking or unlinking incidents by hand.
import { barChart, miniBar } from '../charts.js';
import { badge, empty, facts, h, replace } from '../dom.js';
import {
  dayMonth,
  duration,
  factorName,
  percent,
  periodWords,
  plural,
  stamp,
  statusName,
  WEEK,
} from '../format.js';
import {
  incidentHref,
  pageHeader,
  readUntil,
  severityBadge,
  statusBadge,
  suspectName,
  timeEl,
  topSuspect,
} from './common.js';
import { problemStatusBadge } from './problems.js';

/** Which actions the lifecycle allows from which status (as the problems core enforces). */
const ALLOWED = {
  confirm: ['candidate'],
  reject: ['candidate'],
  'known-error': ['candidate', 'problem'],
  resolve: ['candidate', 'problem', 'known_error'],
};
/** Where an incident can be linked or unlinked by hand (not on a rejected candidate). */
const LINKABLE = ['candidate', 'problem', 'known_error', 'resolved', 'verified'];
const STAGES = ['candidate', 'problem', 'known_error', 'resolved', 'verified'];

export async function render({ main, params, api, signal, setTitle }) {
  const id = params[0];
  const path = `/api/v1/problems/${encodeURIComponent(id)}`;
  let detail = await api.get(path, undefined, { signal });
  if (signal.aborted) return;
  setTitle(detail.problem.title || 'Problem');

  const body = h('div');
  const status = h('p', { class: 'action-status', role: 'status', 'aria-live': 'polite' });
  let busy = false;

  async function act(action, payload, doneText) {
    const before = detail.problem.version;
    busy = true;
    draw();
    status.className = 'action-status';
    status.textContent = 'Sending…';
    try {
      await api.post(`${path}/${action}`, payload, { signal });
    } catch (error) {
      if (signal.aborted) return;
      busy = false;
      draw();
      status.className = 'action-status notice notice-error';
      status.textContent = error.friendly ?? String(error.message ?? error);
      return;
    }
    status.textContent = 'Accepted; waiting for the new state…';
    const fresh = await readUntil(api, path, (f) => f.problem.version > before, signal);
    if (signal.aborted) return;
    busy = false;
    if (fresh) detail = fresh;
    draw();
    if (fresh) {
      status.className = 'action-status notice notice-ok';
      status.textContent = doneText(fresh.problem);
      return;
    }
    status.textContent = 'Accepted, but the new state has not arrived yet. Reload the page in a moment.';
  }

  function draw() {
    const p = detail.problem;
    const members = [...(detail.members ?? [])].sort((a, b) => b.openedAt - a.openedAt);
    const schedule = periodWords(p.periodMs, p.firstSeen);
    replace(
      body,
      h(
        'div',
        { class: 'badges' },
        problemStatusBadge(p.status),
        p.reopened ? badge('reopened', 'badge-warn') : null,
      ),
      stepper(p.status),
      p.template && p.template !== p.title
        ? h(
            'p',
            { class: 'template' },
            h('span', { class: 'muted' }, 'Template: '),
            h('code', {}, p.template),
          )
        : null,
      facts([
        ['Services', (p.services ?? []).join(', ')],
        ['Repeats', plural(p.count, 'incident')],
        ['Schedule', schedule ?? 'no regular schedule'],
        ['First seen', timeEl(p.firstSeen)],
        ['Last seen', timeEl(p.lastSeen)],
        ['MTTR', p.mttrMs ? duration(p.mttrMs) : null],
        ['Impact', `${Math.round(p.impact)} incident-minutes, weighted by severity`],
        ['Workaround', p.workaround],
        [
          'Fixed by',
          p.fixChangeId
            ? h('a', { href: `#/changes?focus=${encodeURIComponent(p.fixChangeId)}` }, p.fixChangeId)
            : null,
        ],
      ]),
      h(
        'div',
        { class: 'incident-layout' },
        h(
          'div',
          { class: 'col-main' },
          h(
            'section',
            { class: 'panel', 'aria-labelledby': 'recurrence-h' },
            h('h2', { id: 'recurrence-h' }, 'Recurrence'),
            h('p', { class: 'hint' }, schedule ? `Repeats ${schedule}.` : 'Incidents per week.'),
            recurrenceChart(detail.trend ?? [], members),
          ),
          h(
            'section',
            { class: 'panel', 'aria-labelledby': 'factors-h' },
            h('h2', { id: 'factors-h' }, 'What the repeats share'),
            factorTable(p.sharedFactors ?? []),
          ),
          h(
            'section',
            { class: 'panel', 'aria-labelledby': 'members-h' },
            h('h2', { id: 'members-h' }, `Incidents (${members.length})`),
            membersTable(members, linkable(p) ? unlinkButton : null),
            linkable(p) ? linkForm() : null,
          ),
        ),
        h(
          'div',
          { class: 'col-side' },
          h(
            'section',
            { class: 'panel actions-panel', 'aria-labelledby': 'lifecycle-h' },
            h('h2', { id: 'lifecycle-h' }, 'Lifecycle'),
            lifecycleActions(p),
            status,
          ),
          h(
            'section',
            { class: 'panel', 'aria-labelledby': 'history-h' },
            h('h2', { id: 'history-h' }, 'History'),
            historyList(detail.timeline ?? [p]),
          ),
        ),
      ),
    );
  }

  // Linking and unlinking incidents by hand ----------------------------------------------------
  const linkable = (p) => LINKABLE.includes(p.status);

  function unlinkButton(m) {
    return h(
      'button',
      {
        type: 'button',
        class: 'link-button',
        'data-unlink': m.id,
        'aria-label': `Unlink ${m.title || m.id} from this problem`,
        disabled: busy,
        onclick: () => act('unlink', { incidentId: m.id }, () => `Unlinked ${m.id}.`),
      },
      'Unlink',
    );
  }

  function linkForm() {
    const input = h('input', {
      id: 'problem-link-incident',
      type: 'text',
      required: true,
      placeholder: 'e.g. inc_0123456789abcdef',
      spellcheck: 'false',
    });
    return h(
      'form',
      {
        class: 'inline-field',
        onsubmit: (e) => {
          e.preventDefault();
          const incidentId = input.value.trim();
          if (!incidentId) return input.focus();
          act('link', { incidentId }, () => `Linked ${incidentId}.`);
        },
      },
      h('label', { for: 'problem-link-incident' }, 'Link an incident'),
      input,
      h('button', { type: 'submit', id: 'problem-link', disabled: busy }, 'Link'),
    );
  }

  function lifecycleActions(p) {
    const allowed = (action) => ALLOWED[action].includes(p.status);
    if (!Object.keys(ALLOWED).some(allowed))
      return h(
        'p',
        { class: 'muted' },
        p.status === 'resolved'
          ? 'Resolved: it becomes verified once it stays quiet for a week.'
          : `No action applies to a ${statusName(p.status)} problem.`,
      );
    const comment = h('textarea', { id: 'problem-comment', rows: 2 });
    const commentValue = () => comment.value.trim() || undefined;
    const parts = [h('label', { for: 'problem-comment' }, 'Comment (optional)'), comment];
    if (allowed('confirm') || allowed('reject'))
      parts.push(
        h(
          'div',
          { class: 'buttons' },
          allowed('confirm')
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'primary',
                  id: 'problem-confirm',
                  disabled: busy,
                  onclick: () => act('confirm', { comment: commentValue() }, () => 'Confirmed as a problem.'),
                },
                'Confirm as problem',
              )
            : null,
          allowed('reject')
            ? h(
                'button',
                {
                  type: 'button',
                  id: 'problem-reject',
                  disabled: busy,
                  onclick: () => act('reject', { comment: commentValue() }, () => 'Rejected: not a problem.'),
                },
                'Reject',
              )
            : null,
        ),
      );
    if (allowed('known-error')) {
      const workaround = h('textarea', {
        id: 'problem-workaround',
        rows: 3,
        required: true,
        placeholder: 'How to get service back while the cause is being fixed',
      });
      parts.push(
        h(
          'form',
          {
            class: 'stacked',
            onsubmit: (e) => {
              e.preventDefault();
              if (!workaround.value.trim()) return workaround.focus();
              act(
                'known-error',
                { workaround: workaround.value.trim(), comment: commentValue() },
                () => 'Recorded as a known error with its workaround.',
              );
            },
          },
          h('label', { for: 'problem-workaround' }, 'Workaround'),
          workaround,
          h('button', { type: 'submit', id: 'problem-known-error', disabled: busy }, 'Record known error'),
        ),
      );
    }
    if (allowed('resolve')) {
      const fix = h('input', {
        id: 'problem-fix',
        type: 'text',
        required: true,
        placeholder: 'e.g. deploy-reporting-v1.9.0',
        spellcheck: 'false',
      });
      parts.push(
        h(
          'form',
          {
            class: 'stacked',
            onsubmit: (e) => {
              e.preventDefault();
              if (!fix.value.trim()) return fix.focus();
              act(
                'resolve',
                { fixChangeId: fix.value.trim(), comment: commentValue() },
                (np) => `Resolved by ${np.fixChangeId}.`,
              );
            },
          },
          h('label', { for: 'problem-fix' }, 'Fixing change id'),
          fix,
          h('button', { type: 'submit', id: 'problem-resolve', disabled: busy }, 'Resolve'),
        ),
      );
    }
    return h('div', { class: 'lifecycle' }, parts);
  }

  draw();
  replace(main, pageHeader(detail.problem.title || detail.problem.id), body);
}

function stepper(status) {
  const at = STAGES.indexOf(status);
  if (status === 'rejected') return h('p', { class: 'muted' }, 'Rejected: not treated as a problem.');
  return h(
    'ol',
    { class: 'stepper', 'aria-label': 'Lifecycle stage' },
    STAGES.map((stage, i) =>
      h(
        'li',
        { class: i < at ? 'done' : i === at ? 'current' : '', 'aria-current': i === at ? 'step' : null },
        statusName(stage),
      ),
    ),
  );
}

/** Bars per week: from the API's trend, or counted from the members when it has none. */
function recurrenceChart(trend, members) {
  let weeks = trend.map((w) => ({ start: weekStart(w.week), label: weekLabel(w.week), count: w.count }));
  if (!weeks.length && members.length) {
    const counts = new Map();
    for (const m of members) {
      const start = Math.floor(m.openedAt / WEEK) * WEEK;
      counts.set(start, (counts.get(start) ?? 0) + 1);
    }
    weeks = [...counts].map(([start, count]) => ({ start, label: dayMonth(start), count }));
  }
  if (!weeks.length) return empty('No repeats recorded yet.');
  weeks.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  return barChart({
    title: 'Incidents per week',
    bars: weeks.map((w) => ({
      label: w.label,
      value: w.count,
      title: `Week of ${w.label}: ${plural(w.count, 'incident')}`,
    })),
  });
}

function weekStart(week) {
  if (typeof week === 'number') return week;
  const parsed = Date.parse(week);
  if (Number.isFinite(parsed)) return parsed;
  const m = /^(\d{4})-W(\d{2})$/.exec(String(week));
  if (m) {
    const jan4 = Date.UTC(Number(m[1]), 0, 4);
    const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
    return monday + (Number(m[2]) - 1) * WEEK;
  }
  return null;
}

function weekLabel(week) {
  const start = weekStart(week);
  return start === null ? String(week) : dayMonth(start);
}

function factorTable(factors) {
  if (!factors.length) return empty('No factor is shared by most repeats.');
  return h(
    'table',
    { class: 'data' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Factor'),
        h('th', { scope: 'col' }, 'Value'),
        h('th', { scope: 'col' }, 'Share of repeats'),
      ),
    ),
    h(
      'tbody',
      {},
      factors.map((f) =>
        h(
          'tr',
          {},
          h('td', {}, factorName(f.factor)),
          h('td', {}, f.value),
          h(
            'td',
            {},
            miniBar(f.share, 1, { label: percent(f.share), kind: 'share' }),
            ` ${percent(f.share)}`,
          ),
        ),
      ),
    ),
  );
}

/** `unlink`: the button that unlinks a member, when the problem allows it. */
function membersTable(members, unlink) {
  if (!members.length) return empty('The member incidents are not available.');
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'data' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Opened', 'Severity', 'Incident', 'Status', 'Lasted', 'Top suspect'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
          unlink ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Unlink')) : null,
        ),
      ),
      h(
        'tbody',
        {},
        members.map((m) => {
          const top = topSuspect(m);
          return h(
            'tr',
            {},
            h('td', {}, timeEl(m.openedAt, stamp(m.openedAt, { seconds: false }))),
            h('td', {}, severityBadge(m.severity)),
            h('td', {}, h('a', { href: incidentHref(m.id) }, m.title || m.id)),
            h('td', {}, statusBadge(m.status)),
            h('td', {}, m.resolvedAt ? duration(m.resolvedAt - m.openedAt) : 'ongoing'),
            h('td', {}, top ? `${suspectName(top)} (${percent(top.probability)})` : '—'),
            unlink ? h('td', {}, unlink(m)) : null,
          );
        }),
      ),
    ),
  );
}

/** What a person linked or unlinked by hand between two versions, if anything. */
function linked(prev, v) {
  const before = new Set(prev.members ?? []);
  const after = new Set(v.members ?? []);
  const added = [...after].filter((id) => !before.has(id));
  const removed = [...before].filter((id) => !after.has(id));
  return [
    added.length ? `Linked ${added.join(', ')}` : '',
    removed.length ? `Unlinked ${removed.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

function historyList(versions) {
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  return h(
    'ol',
    { class: 'timeline' },
    sorted.map((v, i) => {
      const prev = sorted[i - 1];
      const what = !prev
        ? `Became a ${statusName(v.status)}`
        : prev.status !== v.status
          ? `${statusName(prev.status)} → ${statusName(v.status)}`
          : v.actor && linked(prev, v)
            ? linked(prev, v)
            : v.count !== prev.count
              ? `${plural(v.count, 'repeat')}`
              : v.mttrMs !== prev.mttrMs && v.mttrMs
                ? `MTTR now ${duration(v.mttrMs)}`
                : v.impact !== prev.impact
                  ? `Impact now ${Math.round(v.impact)} incident-minutes`
                  : v.reopened && !prev.reopened
                    ? 'Reopened: it came back'
                    : 'Updated';
      return h(
        'li',
        { class: 'tl-entry' },
        timeEl(v.updatedAt, stamp(v.updatedAt, { seconds: false })),
        h(
          'div',
          { class: 'tl-body' },
          h('strong', {}, `${what}${v.actor ? ` by ${v.actor}` : ''}`),
          v.comment ? h('p', { class: 'tl-comment' }, v.comment) : null,
          v.workaround && v.workaround !== prev?.workaround
            ? h('p', {}, `Workaround: ${v.workaround}`)
            : null,
          v.fixChangeId && v.fixChangeId !== prev?.fixChangeId
            ? h('p', {}, `Fixed by ${v.fixChangeId}`)
            : null,
        ),
      );
    }),
  );
}
