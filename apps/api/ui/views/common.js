// Pieces several views share: badges, suspects, incident ordering.
import { badge, h } from '../dom.js';
import { ago, iso, kindName, percent, severityRank, stamp, statusName } from '../format.js';

export function severityBadge(severity) {
  return badge(severity ?? 'unknown', `sev sev-${severity}`, `Severity: ${severity}`);
}

export function statusBadge(status) {
  return badge(statusName(status), `status status-${status}`, `Status: ${statusName(status)}`);
}

export function outcomeBadge(outcome) {
  const text = { pass: 'pass', fail: 'fail', inconclusive: 'inconclusive' }[outcome] ?? 'no verdict';
  return badge(text, `verdict verdict-${outcome ?? 'none'}`, `Verification verdict: ${text}`);
}

export function riskBadge(riskClass) {
  if (!riskClass) return badge('unassessed', 'risk risk-none', 'No risk assessment');
  return badge(`${riskClass} risk`, `risk risk-${riskClass}`, `Risk class: ${riskClass}`);
}

export function bandBadge(band) {
  if (!band) return h('span', { class: 'muted' }, '—');
  return badge(band, `band band-${band}`, `DORA performance band: ${band}`);
}

/** <time> showing an age, with the exact time on hover. */
export function ageEl(ms, now = Date.now()) {
  return h('time', { datetime: iso(ms), title: stamp(ms) }, ago(ms, now));
}

export function timeEl(ms, text) {
  return h('time', { datetime: iso(ms), title: stamp(ms) }, text ?? stamp(ms));
}

/** The highest-probability suspect that is a change (null when none, or "no change" leads). */
export function topSuspect(incident) {
  const ranked = [...(incident?.suspects ?? [])].sort((a, b) => b.probability - a.probability);
  return ranked[0] ?? null;
}

export function suspectName(suspect) {
  if (!suspect) return 'no suspect';
  if (suspect.changeId === null || suspect.changeId === undefined) return 'No change (another cause)';
  return suspect.changeId;
}

export function suspectLine(suspect) {
  if (!suspect) return h('span', { class: 'muted' }, 'No suspect yet');
  if (suspect.changeId === null || suspect.changeId === undefined)
    return h(
      'span',
      { class: 'suspect-line' },
      h('span', { class: 'muted' }, 'No change suspected'),
      ' ',
      h('span', { class: 'confidence' }, percent(suspect.probability)),
    );
  return h(
    'span',
    { class: 'suspect-line' },
    h('span', { class: 'suspect-kind' }, kindName(suspect.kind)),
    ' ',
    h(
      'a',
      { class: 'suspect-id', href: `#/changes?focus=${encodeURIComponent(suspect.changeId)}` },
      suspect.changeId,
    ),
    suspect.service ? h('span', { class: 'muted' }, ` on ${suspect.service}`) : null,
    ' ',
    h(
      'span',
      { class: 'confidence', title: 'How sure the engine is that this change caused it' },
      `${percent(suspect.probability)} confidence`,
    ),
  );
}

const STATUS_RANK = { open: 0, acknowledged: 1, resolved: 2 };

/** Most severe first; then open before acknowledged; then wider blast radius; then newest. */
export function compareIncidents(a, b) {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    (STATUS_RANK[a.status] ?? 3) - (STATUS_RANK[b.status] ?? 3) ||
    (b.blastRadius ?? 0) - (a.blastRadius ?? 0) ||
    (b.openedAt ?? 0) - (a.openedAt ?? 0) ||
    String(a.id).localeCompare(String(b.id))
  );
}

export function incidentHref(id) {
  return `#/incidents/${encodeURIComponent(id)}`;
}

export function problemHref(id) {
  return `#/problems/${encodeURIComponent(id)}`;
}

/** A heading row: h1 plus optional trailing controls. */
export function pageHeader(title, ...extra) {
  return h('div', { class: 'page-header' }, h('h1', { tabindex: '-1' }, title), ...extra);
}

export function sloHref(name) {
  return `#/slos/${encodeURIComponent(name)}`;
}

/** The budget an incident spent, summed over its SLOs (what sort=budget ranks by); null: none known. */
export function budgetTotal(budgets) {
  if (!Array.isArray(budgets)) return null;
  return budgets.reduce((sum, b) => sum + (Number.isFinite(b.spent) ? b.spent : 0), 0);
}

/** "41% of budget" — a share of an SLO window's error budget (1 = all of it). */
export function budgetWords(spent) {
  return `${percent(spent)} of budget`;
}

/**
 * The budget an incident spent per SLO, one badge each linking to the SLO ("checkout-availability
 * 41% of budget"), most first; "no SLO" when none applies; nothing when it is not known (an
 * incident only seen on the live stream so far).
 */
export function budgetBadges(budgets) {
  if (!Array.isArray(budgets)) return null;
  if (!budgets.length)
    return h(
      'span',
      { class: 'budget-badges' },
      badge('no SLO', 'budget budget-none', 'No SLO covers the services of this incident'),
    );
  return h(
    'span',
    { class: 'budget-badges' },
    [...budgets]
      .sort((a, b) => b.spent - a.spent)
      .map((b) =>
        h(
          'a',
          {
            class: `badge budget budget-${budgetLevel(b.spent)}`,
            href: sloHref(b.slo),
            title: `Spent ${budgetWords(b.spent)} of ${b.slo} (objective ${b.objective}, service ${b.service}) — open the SLO`,
          },
          h('span', { class: 'budget-slo' }, b.slo),
          ' ',
          h('span', { class: 'budget-spent' }, budgetWords(b.spent)),
        ),
      ),
  );
}

/** How much of a window's budget a share is: high from a quarter, low under 5%. */
export function budgetLevel(spent) {
  return spent >= 0.25 ? 'high' : spent >= 0.05 ? 'mid' : 'low';
}

/**
 * After an accepted action: asks for `path` again (often at first, then less) until `done` says
 * the answer shows it. That answer, or undefined when it did not come in time or the page went.
 */
export async function readUntil(api, path, done, signal, tries = 20) {
  for (let i = 0; i < tries && !signal.aborted; i++) {
    await new Promise((resolve) => window.setTimeout(resolve, i < 5 ? 500 : 1500));
    try {
      const fresh = await api.get(path, undefined, { signal });
      if (done(fresh)) return fresh;
    } catch {
      // try again
    }
  }
  return undefined;
}
