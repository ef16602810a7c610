// Change attribution: for a symptom (alert, anomaly or failed verification) on service A with
// onset t, which recent change most likely caused it — or none. Each candidate is a hypothesis
// "change c caused it", competing with the explicit null "no change caused it". Independent
// pieces of evidence multiply the prior odds by likelihood ratios (naive Bayes); the posterior
// is normalised over all hypotheses, so competing changes share the probability mass. Every
// factor is reported with its weight (ln of its likelihood ratio) and a sentence a person can
// check against the timeline, the graph and the metrics.
import type { Change, ChangeKind, Suspect, VerdictOutcome } from '#contracts';
import type { DependencyGraph, Relation } from './dependency-graph.js';

export interface Symptom {
  readonly service: string;
  /** Event time the problem started (alert startsAt, anomaly onset, observation start). */
  readonly onset: number;
  /** When the symptom ended, if it has. */
  readonly endedAt?: number | null;
  /** Golden-signal kind of what is wrong (latency, error_ratio, …), when known. */
  readonly kind?: string | null;
  readonly cluster?: string;
  readonly region?: string;
  /**
   * Where it happened (production, staging, …). When given, only changes to the same
   * environment are candidates: a staging deploy does not break production.
   */
  readonly environment?: string;
}

export interface ChangeFacts {
  /** The change's own post-deployment verdict, once there is one. */
  readonly verdict?: {
    readonly outcome: VerdictOutcome;
    readonly summary: string;
    /** When it was decided (event time); for a fail, the regression was visible by then. */
    readonly decidedAt?: number;
    /** Golden-signal kinds of the metrics that failed (a fail only). */
    readonly failingKinds?: readonly string[];
    /** The metrics that failed, as the verdict names them (a fail only). */
    readonly failingMetrics?: readonly string[];
  };
  /** No verdict yet, but its interim looks have judged its metrics and found no regression so far. */
  readonly progress?: {
    readonly clearSinceMs: number;
    readonly look: number;
    /** How many metrics the look judged. */
    readonly tests?: number;
    /** The judged metric that moved furthest in its bad direction, by its (per-test) p-value. */
    readonly nearest?: { readonly metric: string; readonly pValue: number };
  };
  /** Probability from the change's risk assessment, used as its prior. */
  readonly riskProbability?: number;
  /** A rollback of this change, if one happened. */
  readonly rolledBackBy?: Change;
}

export interface AttributionSettings {
  /** How far back changes are candidates (L). */
  readonly lookbackMs: number;
  /** Clock skew tolerated: a change starting slightly after the onset still counts. */
  readonly skewMs: number;
  /** Dependency hops searched for a path from the symptom's service to a changed one. */
  readonly maxHops: number;
  /** Suspects reported (most likely first); the "no change" alternative is always among them. */
  readonly maxSuspects: number;
  /** Time constant of the decay of a change's hazard after rollout. */
  readonly hazardDecayMs: number;
  /** Prior probability that a change causes an incident, when it has no risk assessment. */
  readonly defaultRiskProbability: number;
}

export const DEFAULT_ATTRIBUTION: AttributionSettings = {
  lookbackMs: 2 * 3_600_000,
  skewMs: 2 * 60_000,
  maxHops: 6,
  maxSuspects: 10,
  hazardDecayMs: 20 * 60_000,
  defaultRiskProbability: 0.08,
};

/** Likelihood ratios per piece of evidence; data, so they can be calibrated from history. */
export const LIKELIHOOD = {
  sameService: 8,
  /**
   * A dependency of the symptom's service, one hop down; each further hop × dependencyPerHop:
   * a regression travels up every hop of a call chain (latency adds up, errors propagate), so
   * depth weakens the evidence only a little — a decoy one hop below the symptom should not
   * outrank the change three hops down that failed its own verification.
   */
  dependency: 4,
  dependencyPerHop: 0.85,
  upstream: 0.6,
  platformInScope: 3,
  /**
   * The graph knows both services and connects them in no way within maxHops. Not a veto: a
   * catalog misses edges. Where the graph knows a service less well (edges inferred with little
   * confidence, or none), this moves towards 1 (no evidence either way).
   */
  unrelated: 0.1,
  verdict: { fail: 6, pass: 0.3, inconclusive: 1 } as Record<VerdictOutcome, number>,
  /**
   * No final verdict yet, but its interim looks have found nothing for at least
   * clearAfterMs: most regressions that are found are found by then, so this is evidence
   * against it, weaker than a pass.
   */
  clearSoFar: 0.5,
  clearAfterMs: 3 * 60_000,
  onsetDuringRollout: 2.5,
  /**
   * The symptom began well after the change's regression had been detected (by more than
   * staleFailureAfterMs): a symptom it caused would have begun by then, so its failed verdict
   * says less about this symptom.
   */
  onsetAfterDetectedFailure: 0.3,
  staleFailureAfterMs: 5 * 60_000,
  /**
   * A change failed only on signals that travel up the call graph (latency, errors) while a
   * change on one of its dependencies failed in the same window: the dependency's regression
   * explains the caller's (explaining away). Multiplies the verdict's ratio.
   */
  explainedByDependency: 0.25,
  /**
   * A change failed on the kind of signal the symptom is about (latency, or CPU that slows a
   * service down, for a latency symptom; errors for an error symptom), or only on other kinds.
   */
  kindMatches: 2,
  kindDiffers: 0.5,
  /**
   * A change failed, but an earlier change on the same service had failed before it and was
   * not rolled back: the newer one runs on top of the same regression (a release train after a
   * bad release), which explains its failure.
   */
  inheritedFailure: 0.3,
  kind: { rollback: 0.3 } as Partial<Record<ChangeKind, number>>,
  rollbackEndedSymptom: 20,
  rollbackDidNotHelp: 0.3,
  rollbackConfirmWindowMs: 15 * 60_000,
} as const;

const MINUTE = 60_000;

export interface AttributionInput {
  readonly symptom: Symptom;
  readonly changes: readonly Change[];
  readonly facts: (change: Change) => ChangeFacts;
  readonly graph: DependencyGraph;
  readonly settings?: AttributionSettings;
}

const isServiceScoped = (change: Change): boolean => change.scope === 'service';

/** Ranked suspects, most likely first; the "no change" alternative is the one with changeId null. */
export function attribute(input: AttributionInput): Suspect[] {
  const settings = input.settings ?? DEFAULT_ATTRIBUTION;
  const scored: { suspect: Omit<Suspect, 'probability'>; logOdds: number }[] = [];
  const reach = input.graph.reach(input.symptom.service, settings.maxHops);
  // The fleet: the services the graph names, and the symptom's and the candidates' beside them.
  const unnamed = new Set<string>();
  for (const service of [
    input.symptom.service,
    ...input.changes.filter(isServiceScoped).map((c) => c.service),
  ])
    if (!input.graph.names(service)) unnamed.add(service);
  const fleetSize = input.graph.serviceCount + unnamed.size;
  for (const change of input.changes) {
    const evidence = evaluate(change, input, settings, reach, fleetSize);
    if (!evidence) continue;
    scored.push({
      suspect: {
        changeId: change.id,
        service: change.service,
        kind: change.kind,
        component: change.component,
        evidence,
      },
      logOdds: evidence.reduce((sum, e) => sum + e.weight, 0),
    });
  }
  const nullEvidence = [
    {
      factor: 'no-change',
      detail:
        scored.length === 0
          ? `no change within ${formatDuration(settings.lookbackMs)} before the onset on ${input.symptom.service} or its dependencies`
          : 'the symptom may have a cause other than these changes (load, a dependency outside Aftershock’s view, hardware)',
      weight: 0,
    },
  ];
  const all = [
    ...scored,
    {
      suspect: { changeId: null, service: null, kind: null, component: null, evidence: nullEvidence },
      logOdds: 0,
    },
  ];
  const max = Math.max(...all.map((s) => s.logOdds));
  const total = all.reduce((sum, s) => sum + Math.exp(s.logOdds - max), 0);
  const ranked = all
    .map((s) => ({ ...s.suspect, probability: Math.exp(s.logOdds - max) / total }))
    .sort((a, b) => b.probability - a.probability || (a.changeId ?? '~').localeCompare(b.changeId ?? '~'));
  if (ranked.length <= settings.maxSuspects + 1) return ranked;
  const top = ranked.slice(0, settings.maxSuspects);
  return top.some((x) => x.changeId === null) ? top : [...top, ranked.find((x) => x.changeId === null)!];
}

type Evidence = Suspect['evidence'][number];

function factor(name: string, ratio: number, detail: string): Evidence {
  return { factor: name, detail, weight: Math.log(ratio) };
}

function evaluate(
  change: Change,
  input: AttributionInput,
  s: AttributionSettings,
  reach: ReadonlyMap<string, Relation>,
  fleetSize: number,
): Evidence[] | undefined {
  const { symptom } = input;
  const sinceStart = symptom.onset - change.startedAt;
  if (sinceStart < -s.skewMs || sinceStart > s.lookbackMs) return undefined;
  if (symptom.environment !== undefined && change.environment !== symptom.environment) return undefined;

  const where = placement(change, symptom, input.graph, reach, s, fleetSize);
  if (!where) return undefined;
  const facts = input.facts(change);
  const risk = clamp(facts.riskProbability ?? s.defaultRiskProbability, 0.001, 0.999);
  const evidence: Evidence[] = [
    factor(
      'prior',
      risk / (1 - risk),
      facts.riskProbability === undefined
        ? `no risk assessment: the fleet's default ${(risk * 100).toFixed(0)}% chance that a change causes an incident`
        : `its risk assessment gave it a ${(risk * 100).toFixed(0)}% chance of causing an incident`,
    ),
    timing(change, symptom, s),
    where,
  ];
  const rolloutEnd = change.finishedAt ?? change.startedAt;
  if (symptom.onset >= change.startedAt - s.skewMs && symptom.onset <= rolloutEnd + 5 * MINUTE) {
    evidence.push(
      factor(
        'onset-alignment',
        LIKELIHOOD.onsetDuringRollout,
        `the onset falls within the rollout (${clock(change.startedAt)}–${clock(rolloutEnd)} UTC)`,
      ),
    );
  }
  if (facts.verdict) {
    const { outcome, summary } = facts.verdict;
    const text = outcome === 'fail' ? 'failed' : outcome === 'pass' ? 'passed' : 'was inconclusive';
    evidence.push(
      factor(
        'verification',
        LIKELIHOOD.verdict[outcome],
        `its own post-deployment verification ${text}${summary ? `: ${summary}` : ''}`,
      ),
    );
    if (outcome === 'fail') evidence.push(...failureContext(change, facts, input, s));
  } else if (facts.progress && facts.progress.clearSinceMs >= LIKELIHOOD.clearAfterMs) {
    const { nearest, tests } = facts.progress;
    const near = nearest ? nearMissBound(nearest.pValue, tests ?? 1) : 1;
    evidence.push(
      factor(
        'verification',
        Math.min(1, LIKELIHOOD.clearSoFar * near),
        `its post-deployment verification has found no regression in its first ${formatDuration(facts.progress.clearSinceMs)} (look ${facts.progress.look}); no verdict yet` +
          (near > 1
            ? `, though ${nearest!.metric} has moved the bad way (p = ${nearest!.pValue.toPrecision(2)})`
            : ''),
      ),
    );
  }
  const kindRatio = LIKELIHOOD.kind[change.kind];
  if (kindRatio !== undefined) {
    evidence.push(
      factor(
        'change-kind',
        kindRatio,
        `a ${change.kind.replace('_', ' ')} usually ends problems rather than starting them`,
      ),
    );
  }
  const rollback = facts.rolledBackBy;
  if (rollback) evidence.push(rollbackEvidence(rollback, symptom));
  return evidence;
}

/**
 * What a look's strongest move is worth before it is significant: the most a p-value can say
 * for a change, 1/(−e·p·ln p) (Sellke, Bayarri and Berger's bound on the Bayes factor), on the
 * p-value corrected for the look's number of tests; 1 (nothing) from p = 1/e on. It can only
 * take back the "clear so far" evidence against the change, never make it evidence for.
 */
function nearMissBound(pValue: number, tests: number): number {
  const p = Math.min(1, pValue * Math.max(1, tests));
  return p > 0 && p < 1 / Math.E ? 1 / (-Math.E * p * Math.log(p)) : 1;
}

const PROPAGATING_KINDS: ReadonlySet<string> = new Set(['latency', 'error_ratio']);

/** What qualifies a failed verdict as evidence for this symptom: its timing, and other failures below it. */
function failureContext(
  change: Change,
  facts: ChangeFacts,
  input: AttributionInput,
  s: AttributionSettings,
): Evidence[] {
  const out: Evidence[] = [];
  const decidedAt = facts.verdict?.decidedAt;
  const { symptom } = input;
  if (decidedAt !== undefined && symptom.onset > decidedAt + LIKELIHOOD.staleFailureAfterMs) {
    out.push(
      factor(
        'onset-after-failure',
        LIKELIHOOD.onsetAfterDetectedFailure,
        `its regression was detected at ${clock(decidedAt)} UTC, ${formatDuration(symptom.onset - decidedAt)} before this symptom began: a symptom it caused would have begun by then`,
      ),
    );
  }
  const kinds = facts.verdict?.failingKinds;
  const symptomKind = symptom.kind;
  if (symptomKind && kinds?.length && !kinds.includes('unknown')) {
    const matches = kinds.some((k) => explains(k, symptomKind));
    out.push(
      factor(
        'failure-kind',
        matches ? LIKELIHOOD.kindMatches : LIKELIHOOD.kindDiffers,
        matches
          ? `it failed on ${words(kinds)}, the kind of trouble the symptom shows (${words([symptomKind])})`
          : `it failed only on ${words(kinds)}, while the symptom shows ${words([symptomKind])}`,
      ),
    );
  }
  // The same metrics failing as for an earlier failed change on the same service that was not rolled back.
  const inherited = input.changes.find((other) => {
    if (other.id === change.id || other.service !== change.service || other.startedAt >= change.startedAt)
      return false;
    const o = input.facts(other);
    const ended = o.rolledBackBy && o.rolledBackBy.startedAt <= change.startedAt;
    const mine = facts.verdict?.failingMetrics;
    const same = mine?.length && mine.some((m) => o.verdict?.failingMetrics?.includes(m));
    return (
      o.verdict?.outcome === 'fail' && same && !ended && change.startedAt - other.startedAt <= s.lookbackMs
    );
  });
  if (inherited)
    out.push(
      factor(
        'inherited-failure',
        LIKELIHOOD.inheritedFailure,
        `the change ${inherited.id} on ${change.service} before it (${clock(inherited.startedAt)} UTC) had failed its own verification and was not rolled back: this one runs on top of that regression`,
      ),
    );
  if (decidedAt === undefined || !kinds?.length || !kinds.every((k) => PROPAGATING_KINDS.has(k))) return out;
  for (const other of input.changes) {
    if (other.id === change.id || other.scope !== 'service' || other.service === change.service) continue;
    const verdict = input.facts(other).verdict;
    if (verdict?.outcome !== 'fail' || verdict.decidedAt === undefined) continue;
    // The dependency's regression was present while this change was being verified.
    if (other.startedAt > decidedAt || verdict.decidedAt < change.startedAt) continue;
    const relation = input.graph.relation(change.service, other.service, s.maxHops);
    if (relation.direction !== 'downstream') continue;
    out.push(
      factor(
        'explained-away',
        blend(relation.confidence, LIKELIHOOD.explainedByDependency, 1),
        `it failed only on ${kinds.map((k) => k.replace('_', ' ')).join(' and ')}, which travel up from a dependency, and the change on ${other.service} (${relation.path.join(' → ')}) failed its own verification in the same window`,
      ),
    );
    break;
  }
  return out;
}

/** Whether a failure of this kind can produce a symptom of that kind (CPU saturation slows a service down). */
function explains(failed: string, symptom: string): boolean {
  return failed === symptom || (symptom === 'latency' && failed === 'saturation');
}

function words(kinds: readonly string[]): string {
  return kinds.map((k) => (k === 'error_ratio' ? 'errors' : k)).join(' and ');
}

/**
 * What a change on another service, related to the symptom's in a way nobody knows, is worth.
 * A bad change shows on its own service about as often as on the others it reaches (its
 * callers), so a symptom on one particular other service of a fleet of n is about 1/(n−1) as
 * likely as on the changed one: sameService/(n−1) — no evidence either way (1) in a small fleet,
 * weaker in a large one, never below what a graph that knows both and connects them not says.
 */
function unconnectedRatio(fleetSize: number): number {
  return Math.min(1, Math.max(LIKELIHOOD.unrelated, LIKELIHOOD.sameService / Math.max(1, fleetSize - 1)));
}

/** Hazard rises at rollout and decays; compared with a uniform background over the lookback. */
function timing(change: Change, symptom: Symptom, s: AttributionSettings): Evidence {
  const delay = Math.max(0, symptom.onset - change.startedAt);
  const tau = s.hazardDecayMs;
  const density = Math.exp(-delay / tau) / (tau * (1 - Math.exp(-s.lookbackMs / tau)));
  const ratio = density * s.lookbackMs;
  const when =
    symptom.onset >= change.startedAt
      ? `${formatDuration(delay)} before the onset`
      : 'just after the onset (within the clock-skew allowance)';
  return factor(
    'timing',
    ratio,
    `${describeChange(change)} started ${when} (${clock(change.startedAt)} → onset ${clock(symptom.onset)} UTC)`,
  );
}

function placement(
  change: Change,
  symptom: Symptom,
  graph: DependencyGraph,
  reach: ReadonlyMap<string, Relation>,
  s: AttributionSettings,
  fleetSize: number,
): Evidence | undefined {
  if (change.scope !== 'service') {
    const inScope =
      change.scope === 'global' ||
      (change.scope === 'cluster' && (!change.scopeName || change.scopeName === symptom.cluster)) ||
      (change.scope === 'region' && (!change.scopeName || change.scopeName === symptom.region));
    if (!inScope) return undefined;
    const where = change.scopeName ? `${change.scope} ${change.scopeName}` : change.scope;
    return factor(
      'topology',
      LIKELIHOOD.platformInScope,
      `a platform change scoped to ${where}, which includes ${symptom.service}`,
    );
  }
  if (change.service === symptom.service)
    return factor('topology', LIKELIHOOD.sameService, `the change is on ${symptom.service} itself`);
  // With no path known, what the graph's silence is worth: how well it knows both services, or
  // every dependency of the symptom's service, or every caller of the changed one (then a
  // service it has never heard of is not on a path either).
  const both = Math.min(graph.coverage(symptom.service), graph.coverage(change.service));
  const known =
    both >= 1
      ? both
      : Math.max(
          both,
          graph.closedCoverage(symptom.service, 'downstream', s.maxHops),
          graph.closedCoverage(change.service, 'upstream', s.maxHops),
        );
  const unknown = blend(known, LIKELIHOOD.unrelated, unconnectedRatio(fleetSize));
  const relation = reach.get(change.service);
  const sureness = (r: Relation) =>
    r.confidence < 0.999 ? `; ${Math.round(r.confidence * 100)}% sure of the path` : '';
  if (relation?.direction === 'downstream') {
    const ratio = LIKELIHOOD.dependency * LIKELIHOOD.dependencyPerHop ** (relation.hops - 1);
    return factor(
      'topology',
      blend(relation.confidence, ratio, unknown),
      `${symptom.service} depends on ${change.service} (${relation.path.join(' → ')}, ${relation.hops} hop${relation.hops > 1 ? 's' : ''}${sureness(relation)}): failures travel from a dependency to its callers`,
    );
  }
  if (relation?.direction === 'upstream')
    return factor(
      'topology',
      blend(relation.confidence, LIKELIHOOD.upstream, unknown),
      `${change.service} calls ${symptom.service} (${relation.path.join(' ← ')}${sureness(relation)}): a caller's change rarely breaks its dependency`,
    );
  return factor(
    'topology',
    unknown,
    known >= 0.999
      ? `the call graph connects ${change.service} and ${symptom.service} in no way within ${s.maxHops} hops`
      : known > 0
        ? `the call graph, which knows ${change.service} and ${symptom.service} only partly, connects them in no way within ${s.maxHops} hops`
        : `the call graph says nothing of how ${change.service} relates to ${symptom.service}: no evidence either way`,
  );
}

/** A likelihood ratio that holds with the given probability, the fallback otherwise. */
function blend(probability: number, ratio: number, fallback: number): number {
  return probability * ratio + (1 - probability) * fallback;
}

function rollbackEvidence(rollback: Change, symptom: Symptom): Evidence {
  const done = rollback.finishedAt ?? rollback.startedAt;
  if (
    symptom.endedAt != null &&
    symptom.endedAt >= rollback.startedAt &&
    symptom.endedAt <= done + LIKELIHOOD.rollbackConfirmWindowMs
  ) {
    return factor(
      'rollback-confirmation',
      LIKELIHOOD.rollbackEndedSymptom,
      `rolling it back (${clock(rollback.startedAt)} UTC) ended the symptom ${formatDuration(Math.max(0, symptom.endedAt - done))} after the rollback finished`,
    );
  }
  if (symptom.endedAt == null && symptom.onset < done) {
    return factor(
      'rollback-confirmation',
      1,
      `it was rolled back at ${clock(rollback.startedAt)} UTC; whether that ends the symptom is not known yet`,
    );
  }
  return factor(
    'rollback-confirmation',
    LIKELIHOOD.rollbackDidNotHelp,
    `it was rolled back at ${clock(rollback.startedAt)} UTC but the symptom ${symptom.endedAt == null ? 'went on' : 'did not end with it'}`,
  );
}

function describeChange(change: Change): string {
  const what =
    change.kind === 'deployment'
      ? `deploy of ${change.version ?? 'a new version'}`
      : change.kind.replace('_', ' ') + ' change';
  return `the ${what} on ${change.service}`;
}

function formatDuration(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 120) return `${minutes} min`;
  return `${(minutes / 60).toFixed(1)} h`;
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
