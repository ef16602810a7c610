// The scorecard from hand-made figures: SLO attainment and the share recurring problems spent,
// response times as medians, team roll-ups, and the three actions in the order their weight
// says — a problem that spent most of an exhausted SLO's budget first — rendered to Markdown
// and HTML with links to the evidence.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scorecardHtml, scorecardMarkdown } from './render.js';
import { scorecard, type ScorecardInput } from './scorecard.js';

const DAY = 86_400_000;
const MIN = 60_000;
const NOW = Date.UTC(2026, 11, 7);

function input(overrides: Partial<ScorecardInput> = {}): ScorecardInput {
  return {
    from: NOW - 28 * DAY,
    to: NOW,
    now: NOW,
    services: [
      { service: 'checkout', team: 'payments' },
      { service: 'payments', team: 'payments' },
      { service: 'search', team: 'web' },
    ],
    slos: [
      {
        name: 'checkout-availability',
        service: 'checkout',
        target: 0.999,
        sli: 0.9987,
        consumed: 1.3,
        window: '28d rolling',
      },
      {
        name: 'search-latency',
        service: 'search',
        target: 0.99,
        sli: 0.995,
        consumed: 0.5,
        window: '28d rolling',
      },
    ],
    dora: new Map([
      [
        'payments',
        {
          deploymentsPerDay: 0.5,
          leadTimeMedianMs: 2 * DAY,
          changeFailureRate: 0.4,
          timeToRestoreMedianMs: 3 * 3_600_000,
          bands: {
            deploymentFrequency: 'high',
            leadTime: 'high',
            changeFailureRate: 'low',
            timeToRestore: 'high',
          },
          band: 'high',
        },
      ],
    ]),
    verifications: new Map([['checkout', { pass: 10, fail: 2, inconclusive: 1 }]]),
    incidents: [
      {
        id: 'i1',
        service: 'checkout',
        openedAt: NOW - 5 * DAY,
        respondedAt: NOW - 5 * DAY + 4 * MIN,
        resolvedAt: NOW - 5 * DAY + 60 * MIN,
      },
      {
        id: 'i2',
        service: 'checkout',
        openedAt: NOW - 3 * DAY,
        respondedAt: NOW - 3 * DAY + 10 * MIN,
        resolvedAt: null,
      },
      { id: 'i3', service: 'payments', openedAt: NOW - 2 * DAY, respondedAt: null, resolvedAt: null },
    ],
    problems: [
      {
        id: 'p1',
        title: 'Pool exhaustion after deploys',
        status: 'problem',
        services: ['checkout', 'payments'],
        firstSeen: NOW - 40 * DAY,
        incidents: 5,
        spent: [{ slo: 'checkout-availability', spent: 0.65 }],
      },
      {
        id: 'p2',
        title: 'Old and solved',
        status: 'resolved',
        services: ['search'],
        firstSeen: NOW - 200 * DAY,
        incidents: 2,
        spent: [],
      },
    ],
    ...overrides,
  };
}

describe('the service-management scorecard', () => {
  it('per service: SLO attainment, recurring share, response-time medians, backlog and its age', () => {
    const card = scorecard(input());
    const checkout = card.services.find((s) => s.service === 'checkout')!;
    assert.equal(checkout.slos[0]!.attainment, 'missed');
    assert.equal(checkout.slos[0]!.recurringShare, 0.5, '0.65 of the 1.3 spent');
    assert.equal(checkout.incidents.timeToAcknowledge.medianMs, 7 * MIN);
    assert.equal(checkout.incidents.timeToResolve.medianMs, 60 * MIN);
    assert.deepEqual(checkout.problems, { backlog: 1, oldestDays: 40, link: '#/problems?service=checkout' });
    const search = card.services.find((s) => s.service === 'search')!;
    assert.equal(search.slos[0]!.attainment, 'met');
    assert.equal(search.problems.backlog, 0, 'a resolved problem is not backlog');
  });

  it('per team: the roll-up of its services', () => {
    const [payments, web] = scorecard(input()).teams;
    assert.equal(payments!.team, 'payments');
    assert.deepEqual(
      [payments!.slosMet, payments!.slos, payments!.incidents, payments!.backlog],
      [0, 1, 3, 1],
    );
    assert.equal(web!.slosMet, 1);
  });

  it('the three actions, heaviest first: the exhausted SLO, the problem that spent half of it, the failing changes', () => {
    const { actions } = scorecard(input());
    assert.deepEqual(
      actions.map((a) => a.link),
      ['#/slos/checkout-availability', '#/problems/p1', '#/changes?service=payments'],
    );
    assert.match(actions[0]!.text, /checkout-availability has spent 130% of its 28d rolling budget/);
    assert.match(
      actions[1]!.text,
      /Pool exhaustion after deploys" accounts for 50% of the budget checkout-availability has spent/,
    );
    assert.match(actions[2]!.text, /payments fails 40% of its changes \(DORA low/);
  });

  it('nothing to act on: no actions', () => {
    const card = scorecard(input({ slos: [], problems: [], dora: new Map() }));
    assert.deepEqual(card.actions, []);
    assert.match(scorecardMarkdown(card), /Nothing stands out\./);
  });

  it('renders Markdown and HTML with absolute links to the evidence', () => {
    const card = scorecard(input());
    const md = scorecardMarkdown(card, { baseUrl: 'https://aftershock.example/' });
    assert.match(md, /^# Service-management scorecard/);
    assert.match(
      md,
      /1\. \[checkout-availability has spent 130%.*\]\(https:\/\/aftershock\.example\/#\/slos\/checkout-availability\)/,
    );
    assert.match(
      md,
      /\| \[checkout-availability\]\(https:\/\/aftershock\.example\/#\/slos\/checkout-availability\) \| checkout \| 99\.90% \| 99\.870% \| missed \| 130% of 28d rolling \| 50% \|/,
    );
    const html = scorecardHtml(card);
    assert.match(html, /<ol><li><a href="#\/slos\/checkout-availability">/);
    assert.ok(
      !scorecardHtml(scorecard(input({ services: [{ service: '<script>', team: null }] }))).includes(
        '<script>',
      ),
    );
  });
});
