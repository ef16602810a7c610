// The gate in a change manager's terms, from this fleet's own history (GET /api/v1/risk/gate):
// for "approve without review below risk r", how many changes would have skipped review and how
// many of the failing ones would have slipped through, as a curve and a table; and how well the
// probabilities the gate gave held up (reliability bins).
import { tradeOffChart } from '../charts.js';
import { empty, h } from '../dom.js';
import { percent } from '../format.js';

/** A target point worth seeing on the curve: half the changes skip review, at most a fifth of failures slip. */
const GOAL = { skipShare: 0.5, slipShare: 0.2, label: 'half skip, ≤ 20% slip' };

export function gateTradeOffPanel(gate, { days, service }) {
  const heading = h(
    'h2',
    { id: 'gate-h' },
    `The gate on this fleet’s history (last ${days} days${service ? `, ${service}` : ''})`,
  );
  if (!gate || gate.changes === 0) {
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'gate-h', id: 'gate-trade-off' },
      heading,
      empty(
        'No settled changes with a recorded assessment yet: the curve appears once changes have had time to show their outcome.',
      ),
    );
  }
  const { normalFrom, highFrom } = gate.riskClasses;
  const boundary = (r) =>
    r === normalFrom ? ' (normal risk from here)' : r === highFrom ? ' (high risk from here)' : '';
  const s = gate.scores;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'gate-h', id: 'gate-trade-off' },
    heading,
    h(
      'p',
      { class: 'summary' },
      `${gate.changes} settled changes with the risk the gate gave them on arrival; ${gate.failures} failed. ` +
        `For each policy “approve without review below risk r”: the share of changes that would have skipped review, and the share of failing changes that would have slipped through with them.` +
        (Number.isFinite(s.auc)
          ? ` Ranking (AUC) ${s.auc.toFixed(2)}, calibration error ${percent(s.calibrationError, 1)}.`
          : ''),
    ),
    h(
      'div',
      { class: 'gate-tradeoff' },
      tradeOffChart({
        title: 'Changes skipping review against failing changes slipping through, by risk threshold',
        points: gate.curve,
        goal: GOAL,
      }),
      h(
        'div',
        {},
        h(
          'table',
          { class: 'data gate-table' },
          h('caption', {}, 'Approve without review below risk r'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['r', 'Changes skipping review', 'Failing changes slipping through'].map((t) =>
                h('th', { scope: 'col' }, t),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            gate.curve.map((p) =>
              h(
                'tr',
                {},
                h('td', {}, `${percent(p.threshold, 1)}${boundary(p.threshold)}`),
                h('td', {}, `${percent(p.skipShare, 1)} (${p.skipped})`),
                h('td', {}, `${percent(p.slipShare, 1)} (${p.slipped})`),
              ),
            ),
          ),
        ),
        s.reliability.length
          ? h(
              'table',
              { class: 'data reliability-table' },
              h('caption', {}, 'Reliability: predicted against observed, changes in equal-count bins'),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Predicted', 'Observed', 'Changes'].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h(
                'tbody',
                {},
                s.reliability.map((b) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, percent(b.meanPredicted, 1)),
                    h('td', {}, percent(b.observedRate, 1)),
                    h('td', {}, String(b.count)),
                  ),
                ),
              ),
            )
          : null,
      ),
    ),
  );
}
