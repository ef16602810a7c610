import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aChange, aChangeContent } from '#testing';
import { parsePolicy, PolicyError } from './parse-policy.js';
import { changeContext, decide, insideFreeze, riskClassOf } from './policy.js';
import { localTime, zonedToInstant } from './zoned-time.js';

const POLICY = `version: 1
timeZone: UTC
riskClasses: { normalFrom: 0.05, highFrom: 0.2 }
freezeWindows:
  - id: weekend-freeze
    timeZone: Europe/Berlin
    recurring: { from: 'Fri 18:00', to: 'Mon 06:00' }
    environments: [production]
  - id: nightly
    timeZone: America/New_York
    recurring: { from: '22:00', to: '02:00' }
    services: ['batch-*']
  - id: year-end
    timeZone: Europe/Berlin
    from: '2026-12-23T00:00'
    to: '2027-01-04T06:00'
rules:
  - id: block-risky-in-freeze
    match: { environment: [production], freeze: inside, minRiskClass: normal }
    decision: blocked
  - id: standard-automated-canary
    description: automated canary deploys with passing tests, standard risk, outside freezes
    match:
      kind: [deployment, config]
      automated: true
      testsPassed: true
      rollout: [canary, progressive]
      maxRiskClass: standard
      freeze: outside
    decision: approved
default: review
teams:
  payments:
    timeZone: Europe/Berlin
    riskClasses: { normalFrom: 0.03, highFrom: 0.1 }
    rules:
      - id: payments-migrations
        match: { kind: database_migration }
        decision: review
    default: blocked
services:
  legacy:
    team: payments
    rules:
      - id: legacy-review
        match: {}
        decision: review
`;

/** Friday 2026-11-06 23:00 in Berlin (CET, UTC+1). */
const FRIDAY_23_BERLIN = Date.UTC(2026, 10, 6, 22, 0);
/** Wednesday 2026-11-04 10:00 UTC. */
const WEDNESDAY_10 = Date.UTC(2026, 10, 4, 10, 0);

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  assert.fail('expected an error');
}

describe('policy parsing', () => {
  it('reads rules, windows and overrides', () => {
    const policy = parsePolicy(POLICY, 'p.yaml');
    assert.deepEqual(
      policy.rules.map((r) => [r.id, r.decision, r.origin]),
      [
        ['block-risky-in-freeze', 'blocked', 'rules[0]'],
        ['standard-automated-canary', 'approved', 'rules[1]'],
      ],
    );
    assert.equal(policy.freezeWindows[0]!.text, 'Fri 18:00–Mon 06:00 Europe/Berlin');
    assert.equal(policy.freezeWindows[1]!.text, 'daily 22:00–02:00 America/New_York');
    assert.equal(policy.teams.get('payments')!.riskClasses!.highFrom, 0.1);
    assert.equal(policy.services.get('legacy')!.team, 'payments');
  });

  it('reads the same policy written as JSON', () => {
    const json = JSON.stringify({
      default: 'review',
      rules: [{ id: 'r', match: { kind: ['config'] }, decision: 'approved' }],
    });
    assert.equal(parsePolicy(json, 'p.json').rules[0]!.id, 'r');
  });

  it('rejects errors with the line and the field at fault, all of them at once', () => {
    const bad = POLICY.replace('rollout: [canary, progressive]', 'rollout: [canary, progresive]')
      .replace('timeZone: America/New_York', 'timeZone: America/Nowhere')
      .replace('decision: blocked\n  - id: standard', 'decision: block\n  - id: standard');
    const e = thrown(() => parsePolicy(bad, 'p.yaml'));
    assert.ok(e instanceof PolicyError, String(e));
    const lines = bad.split('\n');
    const lineOf = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
    assert.deepEqual(
      e.problems.map((p) => [p.line, p.field]),
      [
        [lineOf('America/Nowhere'), 'freezeWindows[1].timeZone'],
        [lineOf('decision: block'), 'rules[0].decision'],
        [lineOf('progresive'), 'rules[1].match.rollout[1]'],
      ],
    );
    assert.match(
      e.message,
      new RegExp(
        `^p\\.yaml:${lineOf('America/Nowhere')}: freezeWindows\\[1\\]\\.timeZone: "America/Nowhere" is not a known IANA time zone`,
      ),
    );
    assert.match(
      e.message,
      /rules\[1\]\.match\.rollout\[1\]: "progresive" is not one of unknown, all_at_once, canary/,
    );
  });

  it('names unknown fields, syntax errors, duplicates and impossible windows', () => {
    const cases: [string, RegExp][] = [
      [
        'default: review\nrules:\n  - id: a\n    matches: {}\n    decision: review\n',
        /p:4: rules\[0\]\.matches: unknown field \(did you mean "match"\?\)/,
      ],
      ['default: review\nrules: [\n', /p:\d: \(syntax\)/],
      ['rules: []\n', /p:1: default: is required/],
      [
        'default: review\nrules:\n  - { id: a, decision: review }\n  - { id: a, decision: blocked }\n',
        /p:4: rules\[1\]\.id: duplicate rule id "a" \(also rules\[0\]\)/,
      ],
      [
        "default: review\nfreezeWindows:\n  - id: w\n    recurring: { from: 'Fri 18:00', to: '06:00' }\n",
        /p:4: freezeWindows\[0\]\.recurring\.to: from and to must both name a day/,
      ],
      [
        "default: review\nfreezeWindows:\n  - id: w\n    from: '2026-12-24'\n    to: '2026-12-23'\n",
        /p:5: freezeWindows\[0\]\.to: must be later than from/,
      ],
      [
        'default: review\nriskClasses: { normalFrom: 0.3, highFrom: 0.2 }\n',
        /p:2: riskClasses\.highFrom: must be above normalFrom/,
      ],
      [
        'default: review\nrules:\n  - id: a\n    match: { maxProbability: 1.5 }\n    decision: review\n',
        /p:4: rules\[0\]\.match\.maxProbability: expected a number from 0 to 1, got 1\.5/,
      ],
    ];
    for (const [text, expected] of cases) {
      assert.throws(
        () => parsePolicy(text, 'p'),
        (e: Error) => {
          assert.ok(e instanceof PolicyError, String(e));
          assert.match(e.message, expected);
          return true;
        },
      );
    }
  });
});

describe('freeze windows in their time zones', () => {
  const policy = parsePolicy(POLICY, 'p.yaml');
  const [weekend, nightly, yearEnd] = policy.freezeWindows as [never, never, never];

  it('a weekly window wraps over the weekend, on Berlin clocks in winter and summer', () => {
    assert.equal(insideFreeze(weekend, FRIDAY_23_BERLIN), true);
    assert.equal(insideFreeze(weekend, Date.UTC(2026, 10, 6, 16, 59)), false); // Fri 17:59 CET
    assert.equal(insideFreeze(weekend, Date.UTC(2026, 10, 6, 17, 0)), true); // Fri 18:00 CET
    assert.equal(insideFreeze(weekend, Date.UTC(2026, 10, 9, 4, 59)), true); // Mon 05:59 CET
    assert.equal(insideFreeze(weekend, Date.UTC(2026, 10, 9, 5, 0)), false); // Mon 06:00 CET
    assert.equal(insideFreeze(weekend, Date.UTC(2026, 6, 3, 16, 0)), true); // Fri 18:00 CEST (UTC+2)
    assert.equal(insideFreeze(weekend, Date.UTC(2026, 6, 3, 15, 59)), false);
    assert.equal(insideFreeze(weekend, WEDNESDAY_10), false);
  });

  it('a daily window crosses midnight; an absolute one is half-open', () => {
    assert.equal(insideFreeze(nightly, Date.UTC(2026, 10, 4, 3, 30)), true); // 22:30 EST
    assert.equal(insideFreeze(nightly, Date.UTC(2026, 10, 4, 7, 30)), false); // 02:30 EST
    assert.equal(insideFreeze(yearEnd, Date.UTC(2026, 11, 22, 23, 0)), true); // 23 Dec 00:00 CET
    assert.equal(insideFreeze(yearEnd, Date.UTC(2026, 11, 22, 22, 59)), false);
    assert.equal(insideFreeze(yearEnd, Date.UTC(2027, 0, 4, 5, 0)), false); // 4 Jan 06:00 CET
  });

  it('converts wall-clock times across daylight saving', () => {
    // 2026-03-29 02:30 does not exist in Berlin (clocks jump 02:00 → 03:00).
    const skipped = zonedToInstant({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin');
    assert.equal(localTime(skipped, 'Europe/Berlin').hour, 3);
    // 2026-10-25 02:30 happens twice; the earlier (CEST, UTC+2) is chosen.
    const repeated = zonedToInstant({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin');
    assert.equal(repeated, Date.UTC(2026, 9, 25, 0, 30));
  });

  it('applies windows by environment, service and team only', () => {
    const staging = changeContext(policy, aChange({ environment: 'staging', startedAt: FRIDAY_23_BERLIN }));
    assert.deepEqual(
      staging.freezes.map((w) => w.id),
      [],
    );
    const batch = changeContext(
      policy,
      aChange({ service: 'batch-export', environment: 'staging', startedAt: Date.UTC(2026, 10, 4, 3, 30) }),
    );
    assert.deepEqual(
      batch.freezes.map((w) => w.id),
      ['nightly'],
    );
  });
});

describe('policy decisions', () => {
  const policy = parsePolicy(POLICY, 'p.yaml');

  it('a risky change at 23:00 on a Friday inside the weekend freeze is blocked, citing the rule', () => {
    const change = aChange({
      team: 'search',
      service: 'search',
      startedAt: FRIDAY_23_BERLIN,
      rollout: 'all_at_once',
    });
    const outcome = decide(policy, { change, probability: 0.31, riskClass: 'high' });
    assert.equal(outcome.decision, 'blocked');
    assert.equal(outcome.rule, 'block-risky-in-freeze');
    assert.deepEqual(outcome.reasons, [
      'environment production',
      'risk class high (at least normal)',
      'inside freeze window weekend-freeze (Fri 18:00–Mon 06:00 Europe/Berlin; starts Fri 23:00 Europe/Berlin)',
    ]);
  });

  it('a routine automated canary deploy with passing tests and standard risk is approved', () => {
    const change = aChange({ team: 'search', service: 'search', startedAt: WEDNESDAY_10 });
    const outcome = decide(policy, { change, probability: 0.02, riskClass: 'standard' });
    assert.equal(outcome.decision, 'approved');
    assert.equal(outcome.rule, 'standard-automated-canary');
    assert.equal(
      outcome.ruleDescription,
      'automated canary deploys with passing tests, standard risk, outside freezes',
    );
    assert.ok(outcome.reasons.includes('outside every freeze window'));
  });

  it('service rules come first, then team rules, then global rules; defaults likewise', () => {
    const legacy = decide(policy, {
      change: aChange({ service: 'legacy', team: null, startedAt: WEDNESDAY_10 }),
      probability: 0.01,
      riskClass: 'standard',
    });
    assert.deepEqual(
      [legacy.decision, legacy.rule, legacy.origin],
      ['review', 'legacy-review', 'services.legacy.rules[0]'],
    );
    const migration = decide(policy, {
      change: aChange({ team: 'payments', kind: 'database_migration', startedAt: WEDNESDAY_10 }),
      probability: 0.01,
      riskClass: 'standard',
    });
    assert.equal(migration.rule, 'payments-migrations');
    const manual = decide(policy, {
      change: aChange({ team: 'payments', automated: false, startedAt: WEDNESDAY_10 }),
      probability: 0.01,
      riskClass: 'standard',
    });
    assert.deepEqual([manual.decision, manual.rule], ['blocked', 'teams.payments.default']);
    const other = decide(policy, {
      change: aChange({ team: 'search', automated: false, startedAt: WEDNESDAY_10 }),
      probability: 0.01,
      riskClass: 'standard',
    });
    assert.deepEqual([other.decision, other.rule], ['review', 'default']);
  });

  it('uses the team’s zone and risk thresholds when the service has none', () => {
    const context = changeContext(policy, aChange({ service: 'legacy', team: null }));
    assert.equal(context.team, 'payments');
    assert.equal(context.timeZone, 'Europe/Berlin');
    assert.equal(riskClassOf(0.04, context.riskClasses), 'normal');
    assert.equal(riskClassOf(0.04, policy.riskClasses), 'standard');
    assert.equal(riskClassOf(0.2, policy.riskClasses), 'high');
  });
});

describe('error-budget policy', () => {
  const policy = parsePolicy(
    `version: 1
rules:
  - id: repairs-always-pass
    description: rollbacks and fixes repair a spent budget
    match: { repair: true }
    decision: approved
  - id: budget-exhausted-needs-review
    description: non-standard changes on a service whose budget is exhausted need review
    match: { errorBudget: exhausted, minRiskClass: normal }
    decision: review
  - id: low-budget-no-big-changes
    match: { maxBudgetRemaining: 0.25, minRiskClass: high }
    decision: blocked
  - id: the-rest
    match: {}
    decision: approved
default: review
`,
    'budget.yaml',
  );
  const spent = [
    { slo: 'checkout-availability', remaining: -0.4, window: '28d rolling' },
    { slo: 'checkout-latency', remaining: 0.6, window: '28d rolling' },
  ];
  const low = [{ slo: 'checkout-availability', remaining: 0.2, window: '28d rolling' }];
  const judge = (change = aChange(), riskClass: 'standard' | 'normal' | 'high' = 'normal', budgets = spent) =>
    decide(policy, { change, probability: 0.1, riskClass, budgets });

  it('a non-standard change on a service whose budget is spent needs review, citing the SLO', () => {
    const outcome = judge();
    assert.equal(outcome.decision, 'review');
    assert.equal(outcome.rule, 'budget-exhausted-needs-review');
    assert.ok(
      outcome.reasons.includes(
        'error budget exhausted: checkout-availability -40.0% left of its 28d rolling budget',
      ),
      JSON.stringify(outcome.reasons),
    );
  });

  it('rollbacks, fixes and reverts pass whatever the budget', () => {
    const rollback = judge(aChange({ kind: 'rollback', rollbackOf: 'chg-0' }));
    assert.equal(rollback.rule, 'repairs-always-pass');
    assert.deepEqual(rollback.reasons, ['a rollback of chg-0']);
    const fix = judge(aChange({ content: aChangeContent({ fix: true }) }));
    assert.equal(fix.decision, 'approved');
    assert.deepEqual(fix.reasons, ['a fix']);
  });

  it('a standard change passes; a service with budget left, or without an SLO, is not held', () => {
    assert.equal(judge(aChange(), 'standard').rule, 'the-rest');
    assert.equal(judge(aChange(), 'normal', low).rule, 'the-rest');
    assert.equal(judge(aChange(), 'normal', []).rule, 'the-rest');
  });

  it('the least budget left among the SLOs is compared', () => {
    const outcome = judge(aChange(), 'high', low);
    assert.equal(outcome.rule, 'low-budget-no-big-changes');
    assert.ok(
      outcome.reasons.includes(
        'checkout-availability has 20.0% of its 28d rolling budget left (at most 25.0%)',
      ),
      JSON.stringify(outcome.reasons),
    );
  });

  it('an unknown budget state is refused, naming the field', () => {
    assert.throws(
      () =>
        parsePolicy(
          'version: 1\nrules:\n  - id: x\n    match: { errorBudget: gone }\n    decision: review\n',
          'p.yaml',
        ),
      (e: Error) => e instanceof PolicyError && /rules\[0\]\.match\.errorBudget/.test(e.message),
    );
  });
});
