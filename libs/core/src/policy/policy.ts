// The standard-change policy, as data: ordered rules with matchers and an outcome (approved,
// review, blocked), freeze windows in their own time zones, per-team and per-service
// overrides, and a default. The first rule that matches decides, and the decision cites it.
// Service overrides are tried first, then team overrides, then the global rules; the default
// comes from the service, else the team, else the policy. Parsing lives in parse-policy.ts.
import type { Change, ChangeKind, PolicyDecision, RiskClass, RolloutStrategy } from '#contracts';
import { matchesAnyGlob } from './glob.js';
import { formatMinuteOfWeek, localTime, minuteOfWeek } from './zoned-time.js';

/** Probability thresholds of the risk classes: standard below normalFrom, high from highFrom. */
export interface RiskThresholds {
  readonly normalFrom: number;
  readonly highFrom: number;
}

export const DEFAULT_RISK_THRESHOLDS: RiskThresholds = { normalFrom: 0.05, highFrom: 0.2 };

export interface BusinessHours {
  /** Minutes after local midnight. */
  readonly startMinute: number;
  readonly endMinute: number;
  /** 0 = Monday … 6 = Sunday. */
  readonly days: readonly number[];
}

export const DEFAULT_BUSINESS_HOURS: BusinessHours = {
  startMinute: 8 * 60,
  endMinute: 18 * 60,
  days: [0, 1, 2, 3, 4],
};

export interface FreezeWindow {
  readonly id: string;
  readonly description: string;
  readonly timeZone: string;
  /** Recurring: half-open [from, to) spans in minutes of the local week (a daily window repeats). */
  readonly weekly?: readonly { readonly from: number; readonly to: number }[];
  /** Absolute: half-open [from, to) in epoch ms. */
  readonly absolute?: { readonly from: number; readonly to: number };
  /** Scope (globs); empty = everything. */
  readonly environments: readonly string[];
  readonly services: readonly string[];
  readonly teams: readonly string[];
  /** In words, e.g. "Fri 18:00–Mon 06:00 Europe/Berlin". */
  readonly text: string;
}

export interface RuleMatch {
  readonly kind?: readonly ChangeKind[];
  readonly environment?: readonly string[];
  readonly service?: readonly string[];
  readonly team?: readonly string[];
  readonly automated?: boolean;
  readonly testsPassed?: boolean;
  readonly rollout?: readonly RolloutStrategy[];
  readonly maxRiskClass?: RiskClass;
  readonly minRiskClass?: RiskClass;
  readonly maxProbability?: number;
  readonly minProbability?: number;
  readonly maxSizeLines?: number;
  /** inside = inside at least one freeze window that applies to the change. */
  readonly freeze?: 'inside' | 'outside';
  /**
   * The service's error budget: `exhausted` when one of its SLOs has none left in its window,
   * `available` when every SLO has some (a service without SLOs is neither).
   */
  readonly errorBudget?: 'exhausted' | 'available';
  /** The least budget left among the service's SLOs is at most this fraction (0.25 = a quarter). */
  readonly maxBudgetRemaining?: number;
  /**
   * A rollback (kind rollback, or rollbackOf set) or a change that says it fixes a defect or
   * reverts (change content `fix` / `revert`): the changes that repair a spent budget.
   */
  readonly repair?: boolean;
}

export interface PolicyRule {
  readonly id: string;
  readonly description: string;
  readonly match: RuleMatch;
  readonly decision: PolicyDecision;
  /** Where it is written: `rules[2]`, `services.checkout.rules[0]`, … */
  readonly origin: string;
}

export interface PolicyScope {
  readonly timeZone?: string;
  readonly riskClasses?: RiskThresholds;
  readonly rules: readonly PolicyRule[];
  readonly default?: PolicyDecision;
  /** Services only: the owning team, when changes do not say. */
  readonly team?: string;
}

export interface Policy {
  /** File name it was read from. */
  readonly source: string;
  readonly description: string;
  readonly riskClasses: RiskThresholds;
  /** Zone for timing when neither service nor team names one. */
  readonly timeZone: string;
  readonly businessHours: BusinessHours;
  readonly freezeWindows: readonly FreezeWindow[];
  readonly rules: readonly PolicyRule[];
  readonly default: PolicyDecision;
  readonly teams: ReadonlyMap<string, PolicyScope>;
  readonly services: ReadonlyMap<string, PolicyScope>;
}

/** A policy with no rules that sends everything to review: the safe fallback. */
export function emptyPolicy(source = '(built-in)'): Policy {
  return {
    source,
    description: 'no policy file: every change needs review',
    riskClasses: DEFAULT_RISK_THRESHOLDS,
    timeZone: 'UTC',
    businessHours: DEFAULT_BUSINESS_HOURS,
    freezeWindows: [],
    rules: [],
    default: 'review',
    teams: new Map(),
    services: new Map(),
  };
}

/** What the policy says about where and when a change happens, before any risk is known. */
export interface ChangeContext {
  readonly team: string | null;
  readonly timeZone: string;
  /** False when the zone is the policy's fallback rather than the service's or team's own. */
  readonly timeZoneKnown: boolean;
  readonly riskClasses: RiskThresholds;
  readonly businessHours: BusinessHours;
  /** Freeze windows that apply to the change and contain its start. */
  readonly freezes: readonly FreezeWindow[];
}

export function teamOf(policy: Policy, change: Pick<Change, 'service' | 'team'>): string | null {
  return change.team ?? policy.services.get(change.service)?.team ?? null;
}

export function changeContext(policy: Policy, change: Change): ChangeContext {
  const team = teamOf(policy, change);
  const serviceScope = policy.services.get(change.service);
  const teamScope = team === null ? undefined : policy.teams.get(team);
  const zone = serviceScope?.timeZone ?? teamScope?.timeZone;
  return {
    team,
    timeZone: zone ?? policy.timeZone,
    timeZoneKnown: zone !== undefined,
    riskClasses: serviceScope?.riskClasses ?? teamScope?.riskClasses ?? policy.riskClasses,
    businessHours: policy.businessHours,
    freezes: policy.freezeWindows.filter(
      (w) => freezeApplies(w, change, team) && insideFreeze(w, change.startedAt),
    ),
  };
}

function freezeApplies(window: FreezeWindow, change: Change, team: string | null): boolean {
  return (
    (window.environments.length === 0 || matchesAnyGlob(window.environments, change.environment)) &&
    (window.services.length === 0 || matchesAnyGlob(window.services, change.service)) &&
    (window.teams.length === 0 || matchesAnyGlob(window.teams, team))
  );
}

export function insideFreeze(window: FreezeWindow, at: number): boolean {
  if (window.absolute) return at >= window.absolute.from && at < window.absolute.to;
  const m = minuteOfWeek(at, window.timeZone);
  return (window.weekly ?? []).some((span) => m >= span.from && m < span.to);
}

const CLASS_RANK: Record<RiskClass, number> = { standard: 0, normal: 1, high: 2 };

export function riskClassOf(probability: number, thresholds: RiskThresholds): RiskClass {
  if (probability >= thresholds.highFrom) return 'high';
  if (probability >= thresholds.normalFrom) return 'normal';
  return 'standard';
}

/** One SLO of the change's service, as its budget stands when the change is judged. */
export interface BudgetStanding {
  readonly slo: string;
  /** Fraction of the window's budget left; ≤ 0 once spent. */
  readonly remaining: number;
  /** The window, in words ("28d rolling", "1M from 2026-12-01 Europe/Berlin"). */
  readonly window: string;
}

export interface PolicyInput {
  readonly change: Change;
  readonly probability: number;
  readonly riskClass: RiskClass;
  /** The service's SLO budgets (empty or absent: no SLO applies). */
  readonly budgets?: readonly BudgetStanding[];
  /** From changeContext; computed when not given. */
  readonly context?: ChangeContext;
}

export interface PolicyOutcome {
  readonly decision: PolicyDecision;
  /** The id of the rule that decided, or `default`, `services.<name>.default`, `teams.<name>.default`. */
  readonly rule: string;
  readonly ruleDescription: string;
  readonly origin: string;
  /** Why the rule matched, condition by condition, in words. */
  readonly reasons: readonly string[];
}

/** The first matching rule decides: service overrides, then team overrides, then global rules. */
export function decide(policy: Policy, input: PolicyInput): PolicyOutcome {
  const context = input.context ?? changeContext(policy, input.change);
  const serviceScope = policy.services.get(input.change.service);
  const teamScope = context.team === null ? undefined : policy.teams.get(context.team);
  const ordered = [...(serviceScope?.rules ?? []), ...(teamScope?.rules ?? []), ...policy.rules];
  for (const rule of ordered) {
    const reasons = matchRule(rule.match, input, context);
    if (reasons) {
      return {
        decision: rule.decision,
        rule: rule.id,
        ruleDescription: rule.description,
        origin: rule.origin,
        reasons,
      };
    }
  }
  const [decision, origin] =
    serviceScope?.default !== undefined
      ? [serviceScope.default, `services.${input.change.service}.default`]
      : teamScope?.default !== undefined
        ? [teamScope.default, `teams.${context.team}.default`]
        : [policy.default, 'default'];
  return {
    decision,
    rule: origin,
    ruleDescription: 'no rule matched; the default outcome applies',
    origin,
    reasons: [`no rule of ${policy.source} matched`],
  };
}

/** The reasons a rule matches, or undefined when one of its conditions does not hold. */
function matchRule(m: RuleMatch, input: PolicyInput, context: ChangeContext): string[] | undefined {
  const { change, probability, riskClass } = input;
  const reasons: string[] = [];
  const check = (holds: boolean, reason: string) => {
    if (holds) reasons.push(reason);
    return holds;
  };
  const tests = change.pipeline?.testsPassed ?? null;
  const pct = (p: number) => `${(p * 100).toFixed(1)}%`;
  const ok =
    (m.kind === undefined || check(m.kind.includes(change.kind), `kind ${change.kind}`)) &&
    (m.environment === undefined ||
      check(matchesAnyGlob(m.environment, change.environment), `environment ${change.environment}`)) &&
    (m.service === undefined ||
      check(matchesAnyGlob(m.service, change.service), `service ${change.service}`)) &&
    (m.team === undefined || check(matchesAnyGlob(m.team, context.team), `team ${context.team}`)) &&
    (m.automated === undefined ||
      check(change.automated === m.automated, change.automated ? 'automated' : 'made by hand')) &&
    (m.testsPassed === undefined ||
      check(tests === m.testsPassed, tests ? 'tests passed' : 'tests failed')) &&
    (m.rollout === undefined || check(m.rollout.includes(change.rollout), `rollout ${change.rollout}`)) &&
    (m.maxRiskClass === undefined ||
      check(
        CLASS_RANK[riskClass] <= CLASS_RANK[m.maxRiskClass],
        `risk class ${riskClass} (at most ${m.maxRiskClass})`,
      )) &&
    (m.minRiskClass === undefined ||
      check(
        CLASS_RANK[riskClass] >= CLASS_RANK[m.minRiskClass],
        `risk class ${riskClass} (at least ${m.minRiskClass})`,
      )) &&
    (m.maxProbability === undefined ||
      check(probability <= m.maxProbability, `risk ${pct(probability)} ≤ ${pct(m.maxProbability)}`)) &&
    (m.minProbability === undefined ||
      check(probability >= m.minProbability, `risk ${pct(probability)} ≥ ${pct(m.minProbability)}`)) &&
    (m.maxSizeLines === undefined ||
      check(
        change.sizeLines !== null && change.sizeLines <= m.maxSizeLines,
        `${change.sizeLines} lines ≤ ${m.maxSizeLines}`,
      )) &&
    (m.freeze === undefined ||
      check(
        context.freezes.length > 0 === (m.freeze === 'inside'),
        context.freezes.length > 0
          ? `inside freeze window ${context.freezes
              .map((w) => `${w.id} (${w.text}; starts ${describeLocalTime(change.startedAt, w.timeZone)})`)
              .join(', ')}`
          : 'outside every freeze window',
      )) &&
    (m.errorBudget === undefined || checkBudget(m.errorBudget, input.budgets ?? [], check)) &&
    (m.maxBudgetRemaining === undefined || checkLeast(m.maxBudgetRemaining, input.budgets ?? [], check)) &&
    (m.repair === undefined ||
      check(isRepair(change) === m.repair, isRepair(change) ? repairWords(change) : 'not a rollback or fix'));
  return ok ? reasons : undefined;
}

type Check = (holds: boolean, reason: string) => boolean;

const pctLeft = (b: BudgetStanding) => `${(b.remaining * 100).toFixed(1)}%`;

function checkBudget(
  want: 'exhausted' | 'available',
  budgets: readonly BudgetStanding[],
  check: Check,
): boolean {
  if (budgets.length === 0) return check(false, 'no SLO applies to the service');
  const spent = budgets.filter((b) => b.remaining <= 0);
  if (want === 'exhausted')
    return check(
      spent.length > 0,
      `error budget exhausted: ${spent.map((b) => `${b.slo} ${pctLeft(b)} left of its ${b.window} budget`).join(', ')}`,
    );
  return check(
    spent.length === 0,
    `error budget left on every SLO (${budgets.map((b) => `${b.slo} ${pctLeft(b)}`).join(', ')})`,
  );
}

function checkLeast(max: number, budgets: readonly BudgetStanding[], check: Check): boolean {
  if (budgets.length === 0) return check(false, 'no SLO applies to the service');
  const least = budgets.reduce((a, b) => (b.remaining < a.remaining ? b : a));
  return check(
    least.remaining <= max,
    `${least.slo} has ${pctLeft(least)} of its ${least.window} budget left (at most ${(max * 100).toFixed(1)}%)`,
  );
}

/** A rollback, or a change whose content says it fixes a defect or reverts one. */
export function isRepair(change: Change): boolean {
  return (
    change.kind === 'rollback' ||
    change.rollbackOf !== null ||
    change.content?.fix === true ||
    change.content?.revert === true
  );
}

function repairWords(change: Change): string {
  if (change.kind === 'rollback' || change.rollbackOf !== null)
    return change.rollbackOf ? `a rollback of ${change.rollbackOf}` : 'a rollback';
  return change.content?.fix === true ? 'a fix' : 'a revert';
}

/** The local time of a change, in words, for reasons: "Fri 23:00 Europe/Berlin". */
export function describeLocalTime(at: number, timeZone: string): string {
  const t = localTime(at, timeZone);
  return `${formatMinuteOfWeek(t.weekday * 1440 + t.hour * 60 + t.minute)} ${timeZone}`;
}
