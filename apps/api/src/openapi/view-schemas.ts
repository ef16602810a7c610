// The api's own views: what its GET routes answer beyond the canonical events (whose schemas
// come from Avro, avro-json-schema.ts). Each is a component, named by its key.
import { Type, type TSchema } from '@sinclair/typebox';
import { epochMs, nullable, page, ref, StringEnum } from './schema-kit.js';

const int = (description?: string) => Type.Integer(description ? { description } : {});
const num = (description?: string) => Type.Number(description ? { description } : {});
const str = (description?: string) => Type.String(description ? { description } : {});
const week = (description?: string) =>
  Type.String({ format: 'date', ...(description ? { description } : {}) });

export function viewSchemas(): Record<string, TSchema> {
  const durations = Type.Object({ count: int(), medianMs: num(), p90Ms: num() });
  const band = () => StringEnum(['elite', 'high', 'medium', 'low']);
  return {
    Error: Type.Object(
      {
        error: Type.Object({ code: str(), field: Type.Optional(str()), reason: str() }),
      },
      {
        description:
          'Every error: a stable machine-readable `code`, the query parameter or body field at fault (`field`, on 400s), and the `reason` in words.',
      },
    ),
    BudgetSpent: Type.Object({
      slo: str(),
      service: str(),
      objective: str('the strictest objective, whose budget burns first'),
      spent: num('share of the SLO window’s error budget spent in the interval'),
    }),
    IncidentListItem: Type.Intersect([
      ref('Incident'),
      Type.Object({
        budgets: Type.Array(ref('BudgetSpent'), {
          description:
            'the budget it spent of each SLO of its services, from its first symptom to its resolution (or now); empty: no SLO applies',
        }),
      }),
    ]),
    IncidentPage: page(ref('IncidentListItem')),
    StreamTicket: Type.Object({
      ticket: str('pass as `ticket` to GET /api/v1/stream/incidents'),
      expiresAt: epochMs(),
      url: str('the stream URL with the ticket'),
    }),
    Session: Type.Object({
      token: str(
        'the token’s name (a person’s: their e-mail or user name), recorded as the actor of what it does',
      ),
      scopes: Type.Array(StringEnum(['ingest', 'read', 'write', 'admin', 'delegate'])),
      expiresAt: nullable(epochMs(), { description: 'when the token (or the sign-in) expires; null: never' }),
      actsForOthers: Type.Boolean({
        description:
          'whether the token may name the person it acts for in `x-aftershock-actor` (the delegate scope)',
      }),
      kind: StringEnum(['token', 'person'], {
        description:
          'token: a bearer token; person: someone signed in with single sign-on (a session cookie)',
      }),
      person: Type.Optional(
        Type.Object({
          name: str('the person’s name (their e-mail is `token`, the actor recorded for what they do)'),
          email: nullable(str()),
          groups: Type.Array(str(), {
            description: 'their groups at the provider (the scopes come from these)',
          }),
        }),
      ),
      csrfToken: Type.Optional(
        str('with a sign-in: send it as `X-CSRF-Token` with every request that is not a GET'),
      ),
    }),
    VerificationWindows: Type.Object({
      baselineStart: epochMs(),
      baselineEnd: epochMs(),
      observationStart: epochMs(),
      observationEnd: epochMs(),
    }),
    MetricSeries: Type.Object({
      service: str(),
      metric: str(),
      unit: nullable(str()),
      resolution: StringEnum(['raw', '1m', '1h']),
      environment: str(),
      labels: Type.Object({}, { additionalProperties: str() }),
      points: Type.Array(Type.Tuple([epochMs(), num()]), {
        description: '[epoch ms, value]: raw values, or the mean of each bucket',
      }),
      windows: Type.Optional(
        ref('VerificationWindows', {
          description: 'baseline and observation windows of the top suspect’s verdict, when it has one',
        }),
      ),
    }),
    IncidentDetail: Type.Object({
      incident: ref('Incident'),
      history: Type.Array(ref('Incident'), {
        description:
          'every version, first to last (the timeline). Versions no longer recorded in full carry their own event, status, severity, time, actor and comment on the next recorded version.',
      }),
      changes: Type.Array(ref('Change'), {
        description:
          'changes in [openedAt − 2 h, max(updatedAt, openedAt + 1 h)] on the incident’s services, its suspects’ services and their dependencies, oldest first; suspects outside the range too',
      }),
      verdicts: Type.Array(ref('Verdict'), { description: 'every look at the suspect changes' }),
      metrics: Type.Array(ref('MetricSeries'), {
        description: 'golden-signal series of its services over the range',
      }),
      range: Type.Object({ from: epochMs(), to: epochMs() }),
      commands: Type.Array(ref('IncidentCommand'), { description: 'what people did to it, in order' }),
      problemIds: Type.Array(str()),
      budgets: Type.Array(ref('BudgetSpent'), {
        description: 'the budget it spent of each SLO of its services; empty: no SLO applies',
      }),
      knownErrors: Type.Array(
        Type.Object({
          problemId: str(),
          title: str(),
          workaround: nullable(str()),
          fixChangeId: nullable(str(), { description: 'the change planned or made to fix it' }),
        }),
        {
          description:
            'its problems in known-error state: the workaround to apply now, and the fix if one is planned',
        },
      ),
    }),
    IncidentSeries: Type.Object({
      metrics: Type.Array(ref('MetricSeries'), {
        description:
          'the golden-signal series of the detail (same services and metrics, same verification windows) over the range',
      }),
      range: Type.Object({ from: epochMs(), to: epochMs() }),
    }),
    SimilarIncidents: Type.Object({
      items: Type.Array(
        Type.Object({
          id: str(),
          title: str(),
          status: ref('IncidentStatus'),
          severity: ref('Severity'),
          service: str('its primary service'),
          openedAt: epochMs(),
          resolvedAt: nullable(epochMs()),
          reasons: Type.Array(
            Type.Object({
              kind: StringEnum(['problem', 'signature', 'suspect-service'], {
                description:
                  'problem: in a problem with this incident; signature: the same alert names on the same primary service, or the same title once numbers and ids are masked; suspect-service: its likely cause changed the same service',
              }),
              detail: str('in words, naming what is shared'),
            }),
            { description: 'why it is listed (at least one), strongest first' },
          ),
          problemIds: Type.Array(str(), { description: 'the problems it shares with this incident' }),
          fixedBy: nullable(str(), {
            description:
              'the change that fixed it: the fix recorded on a problem it belongs to (made before planned)',
          }),
          duplicateOf: nullable(str(), { description: 'resolved as a duplicate of this incident' }),
        }),
        { description: 'at most 10, newest first, the incident itself aside' },
      ),
    }),
    IncidentCommandAccepted: Type.Object({ command: ref('IncidentCommand') }),
    ChangeListItem: Type.Intersect([
      ref('Change'),
      Type.Object({
        verdict: nullable(ref('Verdict'), {
          description: 'the latest look of its verification (the final one once there is one)',
        }),
        assessment: nullable(ref('Assessment'), { description: 'its risk assessment' }),
      }),
    ]),
    ChangePage: page(ref('ChangeListItem')),
    ChangeDetail: Type.Object({
      change: ref('Change'),
      verdicts: Type.Array(ref('Verdict'), { description: 'every look, first to last' }),
      assessment: nullable(ref('Assessment')),
      budgets: Type.Array(ref('BudgetSpent'), {
        description:
          'a failed change: the SLO budget of its service its regression burned, from the start of its observation until the next change of the service (a rollback, a fix) or now; empty when it did not fail or no SLO applies',
      }),
    }),
    GateResult: Type.Object({
      assessment: ref('Assessment'),
      decision: Type.Object({
        outcome: ref('PolicyDecision'),
        rule: str('id of the policy rule that decided, or the default that applied'),
        description: str(),
        origin: str('where the rule is written in the policy file'),
        policy: str('the policy file'),
        reasons: Type.Array(str(), { description: 'why the rule matched, condition by condition' }),
      }),
    }),
    RankedProblem: Type.Intersect([
      ref('Problem'),
      Type.Object({
        window: Type.Object({
          from: epochMs(),
          to: epochMs(),
          count: int('member incidents opened in [from, to)'),
          previous: int('member incidents opened in the range of equal length before'),
          growth: int('count − previous'),
        }),
        budget: Type.Object({
          spent: num(
            'SLO budget its member incidents spent, summed over the SLOs (1 = one whole window’s budget)',
          ),
          bySlo: Type.Array(ref('BudgetSpent'), {
            description: 'per SLO, most first; empty: no SLO applies',
          }),
        }),
      }),
    ]),
    ProblemPage: page(ref('RankedProblem')),
    WeekCount: Type.Object({ week: week('Monday (UTC) starting the week'), count: int() }),
    ProblemDetail: Type.Object({
      problem: ref('Problem'),
      members: Type.Array(ref('Incident'), { description: 'member incidents on record, newest first' }),
      timeline: Type.Array(ref('Problem'), {
        description: 'versions on record, first to last (always the newest)',
      }),
      trend: Type.Array(ref('WeekCount'), { description: 'member incidents opened per week' }),
    }),
    Recurrence: Type.Object({
      from: epochMs(),
      to: epochMs(),
      service: nullable(str()),
      trend: Type.Array(
        Type.Object({
          week: week(),
          count: int('problem member incidents opened that week'),
          problems: int('problems that recurred that week'),
        }),
      ),
    }),
    ProblemCommandAccepted: Type.Object({ command: ref('ProblemCommand') }),
    DoraFigures: Type.Object({
      groupBy: StringEnum(['service', 'team', 'fleet']),
      key: nullable(str(), { description: 'service or team; null for the fleet or changes without a team' }),
      from: epochMs(),
      to: epochMs(),
      days: num(),
      deployments: int(),
      deploymentsPerDay: num(),
      leadTime: nullable(Type.Intersect([durations, Type.Object({ skipped: int() })])),
      changeFailureRate: Type.Object({ failures: int(), deployments: int(), rate: nullable(num()) }),
      timeToRestore: nullable(durations),
      restoreCounts: StringEnum(['change-incidents', 'all-incidents']),
      bands: Type.Object({
        deploymentFrequency: band(),
        leadTime: nullable(band()),
        changeFailureRate: nullable(band()),
        timeToRestore: nullable(band()),
      }),
      band: nullable(band(), {
        description: 'overall: the median of the bands above (the worse middle one)',
      }),
    }),
    GateTradeOff: Type.Object({
      from: epochMs(),
      to: epochMs(),
      service: nullable(str()),
      settledBefore: epochMs('changes that started later are left out: their outcome may not show yet'),
      riskClasses: Type.Object({ normalFrom: num(), highFrom: num() }),
      changes: int('settled changes with a recorded assessment'),
      failures: int('of them, failed by Aftershock’s change-failure definition'),
      curve: Type.Array(
        Type.Object({
          threshold: num('r: changes assessed below it skip review'),
          skipShare: nullable(num(), { description: 'share of the changes that would skip review' }),
          slipShare: nullable(num(), { description: 'share of the failing changes that would slip through' }),
          skipped: int(),
          slipped: int(),
        }),
      ),
      scores: Type.Object({
        count: int(),
        failures: int(),
        baseRate: nullable(num()),
        brier: nullable(num()),
        brierReference: nullable(num()),
        brierSkill: nullable(num()),
        auc: nullable(num()),
        meanBias: nullable(num()),
        calibrationError: nullable(num()),
        reliability: Type.Array(
          Type.Object({
            count: int(),
            lowest: num(),
            highest: num(),
            meanPredicted: num(),
            observedRate: num(),
          }),
        ),
      }),
    }),
    SloObjective: Type.Object({
      name: str(),
      target: num('fraction of good events (Occurrences), good slices (Timeslices) or mean slice ratio'),
      sli: nullable(num(), { description: 'null until something was counted' }),
      consumed: num('share of the window’s error budget spent; above 1 once overspent'),
      remaining: num('1 − consumed; below 0 once overspent'),
      goodEvents: num(),
      totalEvents: num(),
      status: StringEnum(['met', 'at-risk', 'exhausted', 'no-data'], {
        description:
          'met: budget left · at-risk: under a quarter left · exhausted: none left · no-data: nothing counted',
      }),
    }),
    SloTierBurn: Type.Object({
      tier: str('the alert condition’s name'),
      severity: str(),
      threshold: num('burn rate both windows must exceed'),
      longMs: num(),
      shortMs: num(),
      burnLong: Type.Optional(num('bad share over the long window ÷ (1 − target); absent without events')),
      burnShort: Type.Optional(num()),
      longEvents: num(),
      firing: Type.Boolean({ description: 'the condition holds now (enough events, both windows above)' }),
    }),
    Slo: Type.Object({
      name: str(),
      displayName: nullable(str()),
      service: str(),
      environment: str(),
      file: str('the definitions file, by name; `api` for an SLO written through the api'),
      source: StringEnum(['file', 'api'], {
        description:
          'where it is defined: a file (change it there) or the api (PUT/DELETE /api/v1/slos/{name})',
      }),
      indicator: str('the indicator in words: numerator, its query and the total’s, or metric op value'),
      budgetingMethod: StringEnum(['Occurrences', 'Timeslices', 'RatioTimeslices']),
      window: Type.Object({ text: str(), start: epochMs(), end: epochMs() }),
      objectives: Type.Array(ref('SloObjective')),
      burnRates: Type.Array(ref('SloTierBurn')),
      error: nullable(str(), { description: 'why the budget could not be computed (data no longer kept)' }),
    }),
    SloList: Type.Object({ items: Type.Array(ref('Slo')) }),
    SloDeleted: Type.Object({ name: str(), actor: str('who deleted it'), at: epochMs() }),
    SloDetail: Type.Object({
      slo: ref('Slo'),
      burnDown: Type.Array(
        Type.Object({
          at: epochMs(),
          sli: Type.Optional(num()),
          consumed: num(),
          remaining: num(),
        }),
        {
          description:
            'the strictest objective’s budget at each bucket (Occurrences) or slice end through the window so far',
        },
      ),
    }),
    Scorecard: (() => {
      const times = Type.Object({ count: int(), medianMs: nullable(num()) });
      const counts = Type.Object({ pass: int(), fail: int(), inconclusive: int() });
      const doraBand = nullable(band());
      return Type.Object({
        from: epochMs(),
        to: epochMs(),
        services: Type.Array(
          Type.Object({
            service: str(),
            team: nullable(str()),
            slos: Type.Array(
              Type.Object({
                name: str(),
                service: str(),
                target: num(),
                sli: nullable(num()),
                consumed: num('share of the window’s budget spent'),
                window: str(),
                attainment: StringEnum(['met', 'missed', 'no-data']),
                recurringShare: num('share of the spent budget that recurring problems’ incidents spent'),
                link: str('the web UI route of its evidence'),
              }),
            ),
            dora: nullable(
              Type.Object({
                deploymentsPerDay: num(),
                leadTimeMedianMs: nullable(num()),
                changeFailureRate: nullable(num()),
                timeToRestoreMedianMs: nullable(num()),
                bands: Type.Object({
                  deploymentFrequency: band(),
                  leadTime: doraBand,
                  changeFailureRate: doraBand,
                  timeToRestore: doraBand,
                }),
                band: doraBand,
              }),
            ),
            verifications: counts,
            incidents: Type.Object({
              count: int(),
              timeToAcknowledge: times,
              timeToResolve: times,
              link: str(),
            }),
            problems: Type.Object({ backlog: int(), oldestDays: nullable(int()), link: str() }),
          }),
        ),
        teams: Type.Array(
          Type.Object({
            team: nullable(str()),
            services: Type.Array(str()),
            slosMet: int(),
            slos: int(),
            verifications: counts,
            incidents: int(),
            timeToAcknowledge: times,
            timeToResolve: times,
            backlog: int(),
          }),
        ),
        actions: Type.Array(
          Type.Object({
            text: str(),
            link: str('the web UI route of its evidence'),
            weight: num('budgets at stake: what ranks the actions'),
          }),
          { description: 'the three the data supports most, heaviest first' },
        ),
        references: Type.Object({ dora: str(), slo: str() }),
      });
    })(),
    Dora: Type.Object({
      from: epochMs(),
      to: epochMs(),
      service: nullable(str()),
      team: nullable(str()),
      environment: nullable(str()),
      services: Type.Array(
        Type.Intersect([ref('DoraFigures'), Type.Object({ service: str(), team: nullable(str()) })]),
      ),
      teams: Type.Array(Type.Intersect([ref('DoraFigures'), Type.Object({ team: nullable(str()) })])),
      fleet: nullable(ref('DoraFigures')),
      definitions: Type.Object({
        changeFailure: str('what counts as a failed change'),
        bands: str('where the band thresholds come from'),
        band: str('how the overall band is chosen'),
      }),
    }),
  };
}
