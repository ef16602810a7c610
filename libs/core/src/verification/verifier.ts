// Post-deployment verification as an event-time state machine. For a change on service S at
// t0 (its startedAt: a bad canary hurts before the rollout has finished) it compares S's own
// telemetry in the baseline [t0 − 30 min, t0) with the observation [t0, t0 + 15 min + 2 min
// grace), looks every minute once a series has 3 points (an interim look may FAIL early, which
// ends the verification; otherwise it is 'inconclusive' and not final), and gives the final
// verdict when the observation is complete. Verdict ids are `${changeId}/${look}`. A newer
// change on the same service ends the observation at its start — unless it began before the
// older one could be judged on its own, when the two are judged together (see supersede).
//
// Time. Only event time counts: the timestamps of telemetry points, never the wall clock.
// Each service's watermark is
//     max( latest point of S − allowedLateness,
//          latest point of any service − idleTimeout,      (a silent service still progresses)
//          an external floor: advanceWatermark(t), or poll() = clock.now() − idleTimeout )
// A look closes when the watermark passes its end; a point older than its service's watermark
// on arrival is dropped and counted (droppedLate). So points late within the bound, or out of
// order, give exactly the same verdicts; and a replay of the same input gives the same output.
//
// Baselines lie in the past, and telemetry usually arrives before the change event does: every
// service keeps a bounded history of its judged series (historyMs, default 45 min), from which
// a new verification takes its baseline. Only series that match a golden signal are kept.
//
// Repeated looks. The family-wise α (default 1%) is spent over the looks with a Lan-DeMets
// spending function (default Pocock-type, α·ln(1 + (e − 1)t)) and split across the look's tests
// (Bonferroni); by the union bound the false-fail rate of a clean deploy over all looks and
// all metrics stays ≤ α whatever the correlation between looks. Pocock rather than
// O'Brien-Fleming: OBF leaves ~1e-9 for a look a quarter in, below the smallest p-value that 5
// minutes of points against a 30-minute baseline can produce (exact Mann-Whitney: 3e-6), so a
// bad deploy could not fail early; Pocock lets gross regressions fail in minutes and still
// bounds the total. (OBF and linear are available: settings.spending.)
//
// Baseline hygiene. A change's baseline is the last baselineMs of its service's history before
// it that lies outside the verification windows of earlier changes on the same service that
// FAILED: a regression that was caught (and, one hopes, rolled back) is not "normal", and
// leaving it in would let the next change's identical regression pass as "no worse than the
// baseline" (in a run of changes on one service, every change after a failed one would be
// judged against that failure). Time left out is made up from further back, up to historyMs;
// with too little clean history the metric has too few baseline points and is not judged
// (inconclusive, not a pass). The windows are those known at each look, so a failure decided
// while this change is being verified is left out from the next look on. Verdicts say what
// was left out.
//
// Memory. Per tracked series: its history (16 B a point; 45 min at 1-min resolution ≈ 0.7 KB,
// at 10 s ≈ 4.3 KB, capped by maxPointsPerSeries) and, while a change on its service is being
// verified, a copy of its history before the change (up to historyMs, so that the baseline can
// reach past failed windows) and of its observation window (≈ the same again). Series per
// service are capped (maxSeriesPerService); idle services are forgotten after historyMs.
import type { Change, TelemetryBatch, TelemetryPoint, Verdict } from '#contracts';
import type { Clock } from '../clock.js';
import { ServiceTable } from '../service-table.js';
import { alphaForLook, type SpendingFunction } from '../stats/spending.js';
import { simesSignificant } from '../stats/multiplicity.js';
import {
  DEFAULT_JUDGE_SETTINGS,
  decideMetric,
  prepareMetric,
  pValuesOf,
  type JudgeSettings,
  type MetricAssessment,
  type MetricInput,
} from './judge.js';
import {
  isClientSide,
  isNodeLevel,
  movedUp,
  sameValues,
  type MoveSize,
  type Topology,
} from './neighbours.js';
import { SeriesBuffer } from './series-buffer.js';
import {
  canonical,
  DEFAULT_SIGNALS,
  matches,
  resolveSignal,
  type ResolvedSignal,
  type ServiceSignalOverrides,
  type SignalSpec,
} from './signals.js';
import { baselineRange, planBaseline, type BaselinePlan, type FailedWindow } from './baseline-plan.js';
import { composeVerdict } from './verdict-composition.js';

const MINUTE = 60_000;
/** A neighbour's change this long before a change's start still confounds a view they share. */
const NEIGHBOUR_CHANGE_LEAD_MS = 5 * MINUTE;
/** Points a view needs between a neighbour's change and v's start (or the reverse) to tell which came first. */
const MIN_POINTS_BETWEEN = 3;

/** How far a neighbour's series must rise to count as moved: its signal's own effect size and floor. */
function moveSize(spec: TrackedSeries['signal']['spec']): MoveSize {
  return {
    minEffect: spec.minEffect,
    absoluteFloor: spec.absoluteFloor,
    useMeans: spec.kind === 'error_ratio',
  };
}

export interface VerifierSettings extends JudgeSettings {
  readonly baselineMs: number;
  readonly observationMs: number;
  /** Added to the observation so it holds a full observationMs of post-rollout behaviour. */
  readonly graceMs: number;
  readonly lookIntervalMs: number;
  readonly allowedLatenessMs: number;
  readonly idleTimeoutMs: number;
  /** How far back each service's history reaches (≥ baseline + lateness). */
  readonly historyMs: number;
  readonly maxPointsPerSeries: number;
  readonly maxSeriesPerService: number;
  /** Family-wise false-fail rate of one verification over all its looks and metrics. */
  readonly alpha: number;
  readonly spending: SpendingFunction;
  /**
   * How a look's α is shared by its tests: 'simes' (a clean change fails with probability ≤ α
   * under the positive dependence of a service's metrics, and a regression that moves several
   * related metrics needs less evidence from each) or 'bonferroni' (α/m each, whatever the dependence).
   */
  readonly multiplicity: 'simes' | 'bonferroni';
  /** Emit non-final interim looks (outcome inconclusive unless they fail). */
  readonly emitInterim: boolean;
  readonly signals: readonly SignalSpec[];
  readonly services: Readonly<Record<string, ServiceSignalOverrides>>;
  /** How many finished change ids to remember, so a redelivered change is not verified twice. */
  readonly rememberCompleted: number;
  /**
   * Service-graph labels. A point that carries both (whichever service's batch it came in)
   * describes the call edge client → server, e.g. the latency of the server as the client
   * measured it, network included: it is telemetry of the server, judged as the series
   * `metric{client=…,server=…}` of the server's changes. null: every point belongs to its batch's service.
   */
  readonly edgeLabels: { readonly client: string; readonly server: string } | null;
  /**
   * Judge a change also on its callers' aggregate client-side latency (with a topology), and let
   * those and node-level series fail it only when the others who could have moved them are quiet
   * (see neighbours.ts).
   */
  readonly neighbours: boolean;
}

export const DEFAULT_VERIFIER_SETTINGS: VerifierSettings = {
  ...DEFAULT_JUDGE_SETTINGS,
  baselineMs: 30 * MINUTE,
  observationMs: 15 * MINUTE,
  graceMs: 2 * MINUTE,
  lookIntervalMs: MINUTE,
  allowedLatenessMs: 30_000,
  idleTimeoutMs: 5 * MINUTE,
  historyMs: 45 * MINUTE,
  maxPointsPerSeries: 2048,
  maxSeriesPerService: 256,
  alpha: 0.01,
  spending: 'pocock',
  multiplicity: 'simes',
  emitInterim: true,
  signals: DEFAULT_SIGNALS,
  services: {},
  rememberCompleted: 10_000,
  edgeLabels: { client: 'client', server: 'server' },
  neighbours: true,
};

export interface VerifierStats {
  readonly services: number;
  readonly series: number;
  readonly bufferedPoints: number;
  readonly approxBytes: number;
  readonly activeVerifications: number;
  readonly droppedLate: number;
  readonly droppedInvalid: number;
  readonly droppedSeries: number;
  readonly overflowedPoints: number;
}

interface TrackedSeries {
  readonly key: string;
  readonly metric: string;
  /** The points' labels (labelsKey's source) and their count, to recognise the series without its key. */
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly labelCount: number;
  readonly display: string;
  readonly labelsKey: string;
  readonly signal: ResolvedSignal;
  readonly history: SeriesBuffer;
}

interface ServiceState {
  readonly service: string;
  readonly environment: string;
  maxTs: number;
  readonly series: Map<string, TrackedSeries>;
  /**
   * The series of point i of the service's last batch: a service sends the same series in the
   * same order every scrape, so a point is matched by name and labels before its key is built.
   */
  readonly order: (TrackedSeries | undefined)[];
  /** Series keys that match no signal (not buffered), bounded like series. */
  readonly unjudged: Set<string>;
  readonly verifications: Set<Verification>;
  /** Verification windows of this service's changes that failed, oldest first (bounded by historyMs). */
  readonly failures: FailedWindow[];
  /** Verifications of changes on services this one calls: they judge its client-side view too. */
  readonly watchers: Set<Verification>;
  /** Start times of this service's latest changes (a few): a neighbour's change confounds a shared view. */
  readonly changeStarts: number[];
  /** Whether it reports a client-side error ratio (else its own errors stand for that view). */
  reportsClientErrors: boolean;
}

interface WindowSeries {
  readonly tracked: TrackedSeries;
  readonly base: SeriesBuffer;
  readonly obs: SeriesBuffer;
  /** A caller's client-side view of the changed service: the caller. */
  readonly caller?: string;
  /**
   * The caller's own error ratio standing for its view of its dependencies' errors: it reports no
   * client-side errors, and a dependency's failures reach its own answers (wrong results, exceptions).
   */
  readonly callerOwnErrors?: boolean;
  readonly display: string;
}

interface Verification {
  readonly change: Change;
  readonly state: ServiceState;
  readonly baselineStart: number;
  readonly baselineEnd: number;
  /** How far back baseline points are kept: the baseline may reach back past failed windows. */
  readonly baselineReach: number;
  readonly observationStart: number;
  /** Cut short when a newer change on the same service starts (see supersede). */
  observationEnd: number;
  readonly lookTimes: number[];
  /** The newer change on the same service that ended this observation early. */
  supersededBy: Change | null;
  /** Newer changes on the same service that started before this one could be judged on its own (see supersede). */
  readonly jointWith: Change[];
  nextLook: number;
  lastTestedFraction: number;
  readonly series: Map<string, WindowSeries>;
  /** The changed service's callers when the verification began, whose client-side views it judges too. */
  readonly callers: readonly ServiceState[];
  readonly overlapping: Set<string>;
  done: boolean;
  /**
   * Processing time the change became known (with a clock). For idleTimeoutMs after that only
   * the service's own telemetry closes its looks: a change reported after it began gets that long
   * for its telemetry to come in before other services' progress (or idleness) judges it.
   */
  readonly knownAt: number | undefined;
}

/** An error ratio judged as a ratio (a caller's view of errors is one). */
function isErrorRatio(t: TrackedSeries): boolean {
  return t.signal.spec.kind === 'error_ratio' && t.signal.mode === 'ratio';
}

/** Verifies changes against their service's telemetry; see the file comment for semantics. */
export class DeploymentVerifier {
  readonly settings: VerifierSettings;
  private readonly states = new ServiceTable<ServiceState>();
  private readonly byChange = new Map<string, Verification>();
  private readonly completed = new Set<string>();
  private globalMaxTs = -Infinity;
  private externalWatermark = -Infinity;
  private lastSweepBucket = -Infinity;
  private droppedLate = 0;
  private droppedInvalid = 0;
  private droppedSeries = 0;
  private topology: Topology | null = null;

  constructor(
    settings: Partial<VerifierSettings> = {},
    private readonly clock?: Clock,
  ) {
    this.settings = { ...DEFAULT_VERIFIER_SETTINGS, ...settings };
  }

  /** Who calls whom (the correlator's dependency graph): enables the callers' views. */
  useTopology(topology: Topology): void {
    this.topology = topology;
  }

  /** Feed telemetry (any service). Returns verdicts whose looks closed as a result. */
  observeTelemetry(batch: TelemetryBatch): Verdict[] {
    const out: Verdict[] = [];
    if (this.allOwn(batch)) this.observeService(batch.environment, batch.service, batch.points, true, out);
    else {
      for (const [service, points] of this.byService(batch))
        this.observeService(batch.environment, service, points, service === batch.service, out);
    }
    out.push(...this.maybeCheckAll());
    return out;
  }

  /** `inOrder`: the points are the batch's own, in its order (a point's position hints at its series). */
  private observeService(
    environment: string,
    service: string,
    points: readonly TelemetryPoint[],
    inOrder: boolean,
    out: Verdict[],
  ): void {
    const state = this.stateFor(environment, service);
    // The points of one batch arrive together: lateness is judged against the watermark as it
    // stood before the batch, so a batch's own order does not matter. A point is late only for
    // its own service: one whose partition lags behind the others (consumers catch up at their
    // own pace after a restart) keeps its data; the other services' progress only decides when
    // a silent service's changes are judged.
    const watermark = state.maxTs - this.settings.allowedLatenessMs;
    for (let i = 0; i < points.length; i++) this.addPoint(state, points[i]!, watermark, inOrder ? i : -1);
    if (state.verifications.size > 0) out.push(...this.checkService(state));
  }

  /** Start verifying a change (idempotent per change id). Returns verdicts already due. */
  observeChange(change: Change): Verdict[] {
    if (!change.service || this.byChange.has(change.id) || this.completed.has(change.id)) return [];
    const s = this.settings;
    const state = this.stateFor(change.environment, change.service);
    const t0 = change.startedAt;
    state.changeStarts.push(t0);
    if (state.changeStarts.length > 8) state.changeStarts.shift();
    const observationEnd = this.nominalEnd(t0);
    const lookTimes: number[] = [];
    for (let t = t0 + s.lookIntervalMs; t < observationEnd; t += s.lookIntervalMs) lookTimes.push(t);
    lookTimes.push(observationEnd);
    const v: Verification = {
      change,
      state,
      baselineStart: t0 - s.baselineMs,
      baselineEnd: t0,
      baselineReach: t0 - Math.max(s.baselineMs, s.historyMs),
      observationStart: t0,
      observationEnd,
      lookTimes,
      nextLook: 0,
      lastTestedFraction: 0,
      series: new Map(),
      callers:
        this.topology && s.neighbours
          ? this.topology
              .callersOf(change.service)
              .filter((c) => c !== change.service)
              .map((c) => this.stateFor(change.environment, c))
          : [],
      overlapping: new Set(),
      done: false,
      knownAt: this.clock?.now(),
      supersededBy: null,
      jointWith: [],
    };
    // Whichever was reported first, the older of two changes on the service ends at the newer's start.
    for (const other of state.verifications) {
      if (other.change.startedAt < t0) this.supersede(other, change);
      else if (other.change.startedAt > t0) this.supersede(v, other.change);
    }
    for (const other of state.verifications) {
      if (t0 >= other.observationStart && t0 < other.observationEnd) other.overlapping.add(change.id);
      if (other.change.startedAt >= v.observationStart && other.change.startedAt < v.observationEnd)
        v.overlapping.add(other.change.id);
    }
    // The baseline (and, for a change reported late, part of the observation) is in the past.
    const fill = (ws: WindowSeries) => {
      const b = ws.tracked.history.range(v.baselineReach, v.baselineEnd);
      for (let i = 0; i < b.ts.length; i++) ws.base.insert(b.ts[i]!, b.values[i]!);
      const o = ws.tracked.history.range(v.observationStart, v.observationEnd);
      for (let i = 0; i < o.ts.length; i++) ws.obs.insert(o.ts[i]!, o.values[i]!);
    };
    for (const tracked of state.series.values()) fill(this.windowSeries(v, tracked));
    for (const caller of v.callers) {
      caller.watchers.add(v);
      for (const tracked of caller.series.values()) {
        const ws = this.callerView(v, caller, tracked);
        if (ws) fill(ws);
      }
    }
    state.verifications.add(v);
    this.byChange.set(change.id, v);
    return this.advance(v);
  }

  /** Raise the watermark of every service to at least t (e.g. the min over assigned partitions). */
  advanceWatermark(t: number): Verdict[] {
    if (t > this.externalWatermark) this.externalWatermark = t;
    return this.checkAll();
  }

  /** Processing-time progress for silent services: treats every service as caught up to clock.now() − idleTimeout. */
  poll(): Verdict[] {
    if (!this.clock) return [];
    return this.advanceWatermark(this.clock.now() - this.settings.idleTimeoutMs);
  }

  /** The event-time watermark of one service. */
  watermark(service: string, environment = 'production'): number {
    return this.watermarkOf(this.states.get(environment, service));
  }

  /** Changes currently being verified. */
  activeChanges(): string[] {
    return [...this.byChange.keys()];
  }

  stats(): VerifierStats {
    let series = 0;
    let points = 0;
    let bytes = 0;
    let overflowed = 0;
    for (const st of this.states.values()) {
      for (const t of st.series.values()) {
        series++;
        points += t.history.length;
        bytes += t.history.bytes + 200;
        overflowed += t.history.overflowed;
      }
    }
    for (const v of this.byChange.values()) {
      for (const ws of v.series.values()) {
        points += ws.base.length + ws.obs.length;
        bytes += ws.base.bytes + ws.obs.bytes + 100;
      }
    }
    return {
      services: this.states.size,
      series,
      bufferedPoints: points,
      approxBytes: bytes,
      activeVerifications: this.byChange.size,
      droppedLate: this.droppedLate,
      droppedInvalid: this.droppedInvalid,
      droppedSeries: this.droppedSeries,
      overflowedPoints: overflowed,
    };
  }

  // ---------------------------------------------------------------------------------------

  /** Whether every point of the batch describes the batch's own service (no edge point of another). */
  private allOwn(batch: TelemetryBatch): boolean {
    const edge = this.settings.edgeLabels;
    if (!edge) return true;
    for (const point of batch.points) {
      const server = point.labels[edge.server];
      if (server && server !== batch.service && point.labels[edge.client]) return false;
    }
    return true;
  }

  /** The batch's points by the service they describe: edge points go to their server. */
  private byService(batch: TelemetryBatch): Map<string, readonly TelemetryPoint[]> {
    const edge = this.settings.edgeLabels;
    const own: TelemetryPoint[] = [];
    const out = new Map<string, TelemetryPoint[]>([[batch.service, own]]);
    for (const point of batch.points) {
      const server = edge ? point.labels[edge.server] : undefined;
      if (!edge || !server || server === batch.service || !point.labels[edge.client]) {
        own.push(point);
        continue;
      }
      let list = out.get(server);
      if (!list) out.set(server, (list = []));
      list.push(point);
    }
    return out;
  }

  private stateFor(environment: string, service: string): ServiceState {
    let st = this.states.get(environment, service);
    if (!st) {
      st = {
        service,
        environment,
        maxTs: -Infinity,
        series: new Map(),
        order: [],
        unjudged: new Set(),
        verifications: new Set(),
        failures: [],
        watchers: new Set(),
        changeStarts: [],
        reportsClientErrors: false,
      };
      this.states.set(environment, service, st);
    }
    return st;
  }

  private watermarkOf(state: ServiceState | undefined): number {
    const s = this.settings;
    const own = state ? state.maxTs - s.allowedLatenessMs : -Infinity;
    return Math.max(own, this.globalMaxTs - s.idleTimeoutMs, this.externalWatermark);
  }

  /** `position`: the point's index in its batch, −1 when that says nothing (points of an edge). */
  private addPoint(state: ServiceState, point: TelemetryPoint, watermark: number, position: number): void {
    const ts = point.timestamp;
    if (!Number.isFinite(ts) || !Number.isFinite(point.value)) {
      this.droppedInvalid++;
      return;
    }
    if (ts < watermark) {
      this.droppedLate++;
      return;
    }
    if (ts > state.maxTs) state.maxTs = ts;
    if (ts > this.globalMaxTs) this.globalMaxTs = ts;
    const known = position >= 0 ? state.order[position] : undefined;
    const tracked =
      known && known.metric === point.metric && sameLabels(point.labels, known.labels, known.labelCount)
        ? known
        : this.trackedFor(state, point);
    if (!tracked) return;
    if (position >= 0) state.order[position] = tracked;
    tracked.history.insert(ts, point.value);
    const horizon = state.maxTs - this.settings.historyMs;
    if (tracked.history.firstTimestamp < horizon - this.settings.lookIntervalMs)
      tracked.history.pruneBefore(horizon);
    for (const v of state.verifications) this.place(v, this.windowSeries(v, tracked), ts, point.value);
    for (const v of state.watchers) {
      const ws = this.callerView(v, state, tracked);
      if (ws) this.place(v, ws, ts, point.value);
    }
  }

  /** A point into a verification's baseline or observation, if it falls in one. */
  private place(v: Verification, ws: WindowSeries, ts: number, value: number): void {
    if (ts >= v.baselineReach && ts < v.baselineEnd) ws.base.insert(ts, value);
    else if (ts >= v.observationStart && ts < v.observationEnd) ws.obs.insert(ts, value);
  }

  /** The point's series by its key, tracked from now on if it is judged; undefined when it is not kept. */
  private trackedFor(state: ServiceState, point: TelemetryPoint): TrackedSeries | undefined {
    const labelsKey = labelKey(point.labels);
    const key = labelsKey ? `${point.metric}${labelsKey}` : point.metric;
    let tracked = state.series.get(key);
    if (!tracked) {
      if (state.unjudged.has(key)) return undefined;
      const signal = resolveSignal(
        point.metric,
        point.unit,
        this.settings.signals,
        this.settings.services[state.service],
      );
      if (state.series.size + state.unjudged.size >= this.settings.maxSeriesPerService) {
        this.droppedSeries++;
        return undefined;
      }
      if (!signal) {
        state.unjudged.add(key);
        return undefined;
      }
      tracked = {
        key,
        metric: point.metric,
        labels: point.labels ? { ...point.labels } : undefined,
        labelCount: point.labels ? Object.keys(point.labels).length : 0,
        display: key,
        labelsKey,
        signal,
        history: new SeriesBuffer(this.settings.maxPointsPerSeries),
      };
      state.series.set(key, tracked);
      if (
        isErrorRatio(tracked) &&
        isClientSide(tracked.metric, tracked.labels, this.settings.edgeLabels?.server ?? null)
      )
        state.reportsClientErrors = true;
      for (const v of state.verifications) this.windowSeries(v, tracked);
      for (const v of state.watchers) this.callerView(v, state, tracked);
    }
    return tracked;
  }

  private windowSeries(v: Verification, tracked: TrackedSeries): WindowSeries {
    let ws = v.series.get(tracked.key);
    if (!ws) {
      const cap = this.settings.maxPointsPerSeries;
      ws = { tracked, base: new SeriesBuffer(cap), obs: new SeriesBuffer(cap), display: tracked.display };
      v.series.set(tracked.key, ws);
    }
    return ws;
  }

  /** A caller's client-side latency or error ratio as a series of v's verification; undefined for its other series. */
  private callerView(
    v: Verification,
    caller: ServiceState,
    tracked: TrackedSeries,
  ): WindowSeries | undefined {
    if (tracked.signal.spec.kind !== 'latency' && !isErrorRatio(tracked)) return undefined;
    const serverLabel = this.settings.edgeLabels?.server ?? null;
    const clientSide = isClientSide(tracked.metric, tracked.labels, serverLabel);
    const ownErrors =
      !clientSide &&
      isErrorRatio(tracked) &&
      !(serverLabel && tracked.labels?.[serverLabel]) &&
      !caller.reportsClientErrors;
    if (!ownErrors && !clientSide) return undefined;
    const key = `caller\u0000${caller.service}\u0000${tracked.key}`;
    let ws = v.series.get(key);
    if (!ws) {
      const cap = this.settings.maxPointsPerSeries;
      const labels = tracked.labelsKey ? `,${tracked.labelsKey.slice(1, -1)}` : '';
      ws = {
        tracked,
        base: new SeriesBuffer(cap),
        obs: new SeriesBuffer(cap),
        caller: caller.service,
        callerOwnErrors: ownErrors,
        display: `${tracked.metric}{caller="${caller.service}"${labels}}`,
      };
      v.series.set(key, ws);
    }
    return ws;
  }

  private checkService(state: ServiceState): Verdict[] {
    const out: Verdict[] = [];
    for (const v of [...state.verifications]) out.push(...this.advance(v));
    return out;
  }

  private checkAll(): Verdict[] {
    const out: Verdict[] = [];
    for (const v of [...this.byChange.values()]) out.push(...this.advance(v));
    this.sweep();
    return out;
  }

  /** Re-check every verification (and forget idle services) once per look interval of event time. */
  private maybeCheckAll(): Verdict[] {
    const bucket = Math.floor(this.globalMaxTs / this.settings.lookIntervalMs);
    if (bucket <= this.lastSweepBucket) return [];
    this.lastSweepBucket = bucket;
    return this.checkAll();
  }

  private sweep(): void {
    const horizon =
      Math.max(this.globalMaxTs, this.externalWatermark) -
      this.settings.historyMs -
      this.settings.idleTimeoutMs;
    for (const st of [...this.states.values()]) {
      if (st.verifications.size === 0 && st.maxTs < horizon) this.states.delete(st.environment, st.service);
    }
  }

  /** Evaluate every look of v that the watermark has closed, in order; stop at a fail. */
  private advance(v: Verification): Verdict[] {
    if (v.done) return [];
    const justKnown = v.knownAt !== undefined && this.clock!.now() - v.knownAt < this.settings.idleTimeoutMs;
    const wm = justKnown ? v.state.maxTs - this.settings.allowedLatenessMs : this.watermarkOf(v.state);
    let latestInterim: Verdict | null = null;
    const out: Verdict[] = [];
    while (!v.done && v.nextLook < v.lookTimes.length && v.lookTimes[v.nextLook]! <= wm) {
      const index = v.nextLook++;
      const verdict = this.evaluate(v, index);
      if (!verdict) continue;
      if (verdict.final) {
        if (verdict.outcome === 'fail') this.recordFailure(v);
        this.finish(v);
        out.push(verdict);
      } else latestInterim = verdict;
    }
    // Several looks closing at once (a late change, a jump in event time): report only the last
    // interim one; every look was still evaluated, in order, so the decision does not depend on batching.
    if (latestInterim && !v.done && this.settings.emitInterim) out.unshift(latestInterim);
    return out;
  }

  /**
   * A newer change on the same service ends an older one's observation at its start: what
   * happens after it is more likely the newer change's doing, and judging the older one on it
   * would blame it for a regression it did not cause (a release train, a rollback, a fix on top
   * of a bad deploy). Its last look moves to the newer change's start and spends the α left; a
   * look already taken past that start (the newer change was reported late) cannot be undone,
   * so the cut then comes at the next look.
   */
  private supersede(v: Verification, newer: Change): void {
    if (v.done || newer.startedAt >= v.observationEnd) return;
    if (v.supersededBy && v.supersededBy.startedAt <= newer.startedAt) return;
    if (newer.rollbackOf !== v.change.id && !this.judgeableBefore(v, newer.startedAt)) {
      // Too soon to tell the two apart: the telemetry has nothing of the older change alone, so
      // whatever follows may be either's doing, and cutting the older one here would leave a bad
      // change followed within a scrape or two by another deploy unjudged (and the newer one
      // blamed alone). Both are judged on the window (the newer one on its own observation): a
      // regression fails both, whichever it came with, and the older one's verdict says so.
      if (!v.jointWith.some((c) => c.id === newer.id)) v.jointWith.push(newer);
      return;
    }
    const taken = v.nextLook > 0 ? v.lookTimes[v.nextLook - 1]! : -Infinity;
    const end = newer.startedAt > taken ? newer.startedAt : v.lookTimes[v.nextLook];
    if (end === undefined) return;
    v.supersededBy = newer;
    v.observationEnd = end;
    const pending = v.lookTimes.slice(v.nextLook).filter((t) => t < end);
    v.lookTimes.length = v.nextLook;
    v.lookTimes.push(...pending, end);
  }

  /**
   * Whether a look ending at t could fail v on its own: at least minFailObservationMs and
   * minObservationPoints scrapes (at the service's typical interval) after its start. Unknown
   * interval (no telemetry yet): assumed so.
   */
  private judgeableBefore(v: Verification, t: number): boolean {
    let interval = NaN;
    for (const tracked of v.state.series.values()) {
      interval = tracked.history.typicalInterval();
      if (Number.isFinite(interval) && interval > 0) break;
    }
    if (!(Number.isFinite(interval) && interval > 0)) return true;
    const s = this.settings;
    return t - v.observationStart >= Math.max(s.minFailObservationMs, s.minObservationPoints * interval);
  }

  /** Where an observation starting at `start` ends unless a newer change cuts it short. */
  private nominalEnd(start: number): number {
    return start + this.settings.observationMs + this.settings.graceMs;
  }

  private recordFailure(v: Verification): void {
    const failures = v.state.failures;
    // The whole nominal window, even when a newer change cut the observation short: the newer
    // change runs on top of the failed one until that is rolled back, so it is not "normal" either.
    failures.push({
      changeId: v.change.id,
      from: v.observationStart,
      to: this.nominalEnd(v.observationStart),
    });
    const horizon = v.observationStart - this.settings.historyMs - this.settings.observationMs;
    while (failures.length > 0 && failures[0]!.to < horizon) failures.shift();
    if (failures.length > 64) failures.shift();
  }

  private finish(v: Verification): void {
    v.done = true;
    v.state.verifications.delete(v);
    for (const caller of v.callers) caller.watchers.delete(v);
    this.byChange.delete(v.change.id);
    this.completed.add(v.change.id);
    if (this.completed.size > this.settings.rememberCompleted)
      this.completed.delete(this.completed.values().next().value!);
  }

  private evaluate(v: Verification, index: number): Verdict | null {
    const s = this.settings;
    const lookEnd = v.lookTimes[index]!;
    const isLast = index === v.lookTimes.length - 1;
    const fraction = (lookEnd - v.observationStart) / (v.observationEnd - v.observationStart);
    const plan = planBaseline(v, v.state.failures, this.settings.baselineMs);
    const inputs: MetricInput[] = [];
    const windows: WindowSeries[] = [];
    for (const ws of v.series.values()) {
      const input = this.metricInput(v, ws, lookEnd, plan);
      if (!input) continue;
      inputs.push(input);
      windows.push(ws);
    }
    const prepared = inputs.map((input) => prepareMetric(input, isLast, s));
    const pValues = prepared.map(pValuesOf);
    const totalTests = pValues.reduce((n, ps) => n + ps.length, 0);
    if (totalTests === 0 && !isLast) return null; // nothing to judge yet: keep the α for later looks
    const alphaLook = alphaForLook(s.spending, s.alpha, fraction, v.lastTestedFraction);
    v.lastTestedFraction = fraction;
    const alphas = testLevels(pValues.flat(), alphaLook, s.multiplicity);
    let next = 0;
    const assessments = inputs.map((input, i) => {
      const levels = alphas.slice(next, (next += pValues[i]!.length));
      const decided = decideMetric(input, prepared[i]!, levels, isLast, s);
      // A caller's own errors are a view shared by all its dependencies: any move the bad way is
      // checked for the others' doing, or it would count near misses against every one of them.
      const shared = windows[i]!.callerOwnErrors && (decided.judgement.effect ?? 0) > 0;
      return decided.status === 'fail' || shared
        ? this.unlessConfounded(v, windows[i]!, decided, plan, lookEnd)
        : decided;
    });
    return composeVerdict(v, index, lookEnd, isLast, assessments, plan);
  }

  /**
   * A failing caller view or node-level series fails the change only when the others who could
   * have moved it are quiet: the caller's other dependencies (no change of their own in the
   * window, or one the order of events clears; their own latency steady), the node's other tenants (no change, their own CPU
   * steady). Otherwise the metric is suspicious: inconclusive, with the reason.
   */
  private unlessConfounded(
    v: Verification,
    ws: WindowSeries,
    assessment: MetricAssessment,
    plan: BaselinePlan,
    lookEnd: number,
  ): MetricAssessment {
    if (!this.settings.neighbours) return assessment;
    let culprit: string | undefined;
    const clientView =
      !ws.caller &&
      isClientSide(ws.tracked.metric, ws.tracked.labels, this.settings.edgeLabels?.server ?? null);
    if (ws.caller || clientView) {
      // A caller's view of the changed service, or the changed service's own view of its dependencies.
      const viewer = ws.caller ?? v.change.service;
      // The caller's own errors may come from anything further down too, and from its own code.
      const suspects = ws.callerOwnErrors
        ? this.downstreamOf(viewer)
        : [...(this.topology?.dependenciesOf(viewer) ?? [])];
      const others = suspects.filter((x) => x !== v.change.service);
      const itself =
        ws.callerOwnErrors &&
        this.changedNear(v, viewer, lookEnd) &&
        !this.clearedByOrder(v, ws, viewer, plan, lookEnd);
      // The same kind of signal on the other dependency: its own latency for a latency view, its errors for an error view.
      const kind = ws.tracked.signal.spec.kind;
      const own = (t: TrackedSeries) =>
        t.signal.spec.kind === kind && !isClientSide(t.metric, t.labels, null) && !t.labels?.server;
      const changed = others.find(
        (x) => this.changedNear(v, x, lookEnd) && !this.clearedByOrder(v, ws, x, plan, lookEnd),
      );
      const moved = others.find((x) => this.neighbourMoved(v, x, own, plan, lookEnd));
      const whose = ws.caller ? `${ws.caller}'s other dependency` : 'its dependency';
      const known = [...(this.topology?.dependenciesOf(viewer) ?? [])].length > 0;
      if (!known) culprit = `no dependency of ${viewer} is known, so whether they were quiet cannot be told`;
      else if (itself) culprit = `${viewer} itself changed in the same window`;
      else if (changed) culprit = `${whose} ${changed} changed in the same window`;
      else if (moved) culprit = `${whose} ${moved} ${kind === 'latency' ? 'slowed' : 'failed more'} too`;
    } else if (isNodeLevel(ws.tracked.metric)) {
      const tenants = this.tenantsOf(v, ws.tracked);
      const ownCpu = (t: TrackedSeries) => /cpu/i.test(t.metric) && !isNodeLevel(t.metric);
      const changed = tenants.find((x) => this.changedNear(v, x, lookEnd));
      const busier = tenants.find((x) => this.neighbourMoved(v, x, ownCpu, plan, lookEnd));
      if (changed) culprit = `${changed}, on the same node, changed in the same window`;
      else if (busier) culprit = `${busier}, on the same node, got busier too`;
    }
    if (!culprit) return assessment;
    if (ws.callerOwnErrors) {
      const { judgement } = assessment;
      return {
        judgement: {
          ...judgement,
          outcome: 'inconclusive',
          test: 'none',
          pValue: null,
          reason: `${judgement.reason}; not judged: ${culprit}, and ${ws.caller}'s own errors cannot tell whose doing it is`,
        },
        status: 'shared',
        score: 50,
      };
    }
    return {
      judgement: {
        ...assessment.judgement,
        outcome: 'inconclusive',
        reason: `${assessment.judgement.reason}; but ${culprit}, so it may not be this change's doing`,
      },
      status: 'suspicious',
      score: 50,
    };
  }

  /** Every service `service` calls, directly or further down. */
  private downstreamOf(service: string): string[] {
    const seen = new Set<string>([service]);
    const queue = [service];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const d of this.topology?.dependenciesOf(next) ?? []) {
        if (seen.has(d)) continue;
        seen.add(d);
        queue.push(d);
      }
    }
    seen.delete(service);
    return [...seen];
  }

  /** Whether a neighbouring service had a change of its own from a little before v's (5 minutes) to the look. */
  private changedNear(v: Verification, service: string, lookEnd: number): boolean {
    const state = this.states.get(v.change.environment, service);
    const from = v.observationStart - NEIGHBOUR_CHANGE_LEAD_MS;
    return state?.changeStarts.some((t) => t >= from && t < lookEnd) ?? false;
  }

  /**
   * Whether the order of events clears a neighbour that changed near v: a change cannot have
   * moved what rose before it began, nor what stayed put for minutes after it and rose only
   * with v. A neighbour's change after v's start is cleared when the view had already risen
   * between v's start and it; one before v's start, when the view rose from its level between
   * that change and v's start to the observation. Either needs a significant move on the points
   * between, so a short gap clears nothing.
   */
  private clearedByOrder(
    v: Verification,
    ws: WindowSeries,
    service: string,
    plan: BaselinePlan,
    lookEnd: number,
  ): boolean {
    const state = this.states.get(v.change.environment, service);
    const from = v.observationStart - NEIGHBOUR_CHANGE_LEAD_MS;
    const starts = state?.changeStarts.filter((t) => t >= from && t < lookEnd) ?? [];
    if (starts.length === 0) return false;
    const signal = ws.tracked.signal;
    const size = moveSize(signal.spec);
    const values = (range: { values: number[] }) => range.values.map((x) => canonical(signal, x));
    const observation = values(ws.obs.range(v.observationStart, lookEnd));
    const before = starts.filter((t) => t <= v.observationStart);
    const after = starts.filter((t) => t > v.observationStart);
    if (before.length > 0) {
      const gap = values(ws.base.range(Math.max(...before), v.observationStart));
      if (gap.length < MIN_POINTS_BETWEEN || !movedUp(gap, observation, size, MIN_POINTS_BETWEEN))
        return false;
    }
    if (after.length > 0) {
      const between = values(ws.obs.range(v.observationStart, Math.min(...after)));
      if (
        between.length < MIN_POINTS_BETWEEN ||
        !movedUp(values(baselineRange(ws.base, plan)), between, size)
      )
        return false;
    }
    return true;
  }

  /** Whether a neighbouring service's own series (those `which` picks) rose in the verification's windows. */
  private neighbourMoved(
    v: Verification,
    service: string,
    which: (t: TrackedSeries) => boolean,
    plan: BaselinePlan,
    lookEnd: number,
  ): boolean {
    const state = this.states.get(v.change.environment, service);
    if (!state) return false;
    for (const t of state.series.values()) {
      if (!which(t)) continue;
      const values = (from: number, to: number) =>
        t.history.range(from, to).values.map((x) => canonical(t.signal, x));
      const size = moveSize(t.signal.spec);
      if (movedUp(values(plan.start, v.baselineEnd), values(v.observationStart, lookEnd), size)) return true;
    }
    return false;
  }

  /** The other services on the node a node-level series describes: by a node label, else by reporting the same values. */
  private tenantsOf(v: Verification, node: TrackedSeries): string[] {
    const label = Object.keys(node.labels ?? {}).find((k) => /node|host/i.test(k));
    const mine = node.history.range(v.baselineReach, v.observationEnd);
    const bucket = firstFinite(node.history.typicalInterval(), this.settings.lookIntervalMs);
    const out: string[] = [];
    for (const st of this.states.values()) {
      if (st === v.state || st.environment !== v.change.environment) continue;
      for (const t of st.series.values()) {
        if (t.metric !== node.metric) continue;
        const same = label
          ? t.labels?.[label] === node.labels?.[label]
          : sameValues(mine, t.history.range(v.baselineReach, v.observationEnd), bucket) >= 0.8;
        if (same) {
          out.push(st.service);
          break;
        }
      }
    }
    return out;
  }

  private metricInput(
    v: Verification,
    ws: WindowSeries,
    lookEnd: number,
    plan: BaselinePlan,
  ): MetricInput | null {
    const { tracked } = ws;
    const signal = tracked.signal;
    const base = baselineRange(ws.base, plan);
    const obs = ws.obs.range(v.observationStart, lookEnd);
    if (base.ts.length === 0 && obs.ts.length === 0) return null;
    const intervalMs = firstFinite(
      ws.base.typicalInterval(),
      ws.obs.typicalInterval(),
      tracked.history.typicalInterval(),
      this.settings.lookIntervalMs,
    );
    const input: MetricInput = {
      metric: ws.display,
      signal,
      baseline: base.values.map((x) => canonical(signal, x)),
      observation: obs.values.map((x) => canonical(signal, x)),
      intervalMs,
      silentForMs: lookEnd - (obs.ts.length > 0 ? obs.ts[obs.ts.length - 1]! : v.observationStart),
      observationMs: lookEnd - v.observationStart,
    };
    if (signal.spec.kind !== 'error_ratio' || !signal.spec.exposure) return input;
    const exposure = this.exposureFor(v, ws);
    if (!exposure) return input;
    return {
      ...input,
      baselineRequests: this.requestsAt(exposure, exposure.base, base.ts, intervalMs),
      observationRequests: this.requestsAt(exposure, exposure.obs, obs.ts, intervalMs),
    };
  }

  /** The request series paired with an error series: same labels, else the unlabelled one. */
  private exposureFor(v: Verification, ws: WindowSeries): WindowSeries | null {
    const pattern = ws.tracked.signal.spec.exposure!;
    let fallback: WindowSeries | null = null;
    for (const other of v.series.values()) {
      const serverLabel = this.settings.edgeLabels?.server ?? null;
      if (
        other === ws ||
        other.caller !== ws.caller ||
        isClientSide(other.tracked.metric, other.tracked.labels, serverLabel) !==
          isClientSide(ws.tracked.metric, ws.tracked.labels, serverLabel) ||
        !matches(pattern, other.tracked.metric) ||
        other.tracked.signal.spec.kind === 'error_ratio'
      )
        continue;
      if (other.tracked.labelsKey === ws.tracked.labelsKey) return other;
      if (other.tracked.labelsKey === '') fallback = other;
    }
    return fallback;
  }

  /** Requests per point at the given timestamps (NaN where the request series has no point). */
  private requestsAt(
    exposure: WindowSeries,
    buffer: SeriesBuffer,
    ts: number[],
    intervalMs: number,
  ): number[] {
    const sig = exposure.tracked.signal;
    const ownInterval = firstFinite(
      buffer.typicalInterval(),
      exposure.tracked.history.typicalInterval(),
      intervalMs,
    );
    // A rate's canonical value is per second (signal.scale converts per-minute units).
    const perPoint = sig.mode === 'rate' ? (sig.scale * ownInterval) / 1000 : 1;
    return ts.map((t) => {
      const raw = buffer.valueNear(t, intervalMs / 2);
      return Number.isFinite(raw) ? raw * perPoint : NaN;
    });
  }
}

/**
 * The level each test of a look is held to, so that "p ≤ its level" is the multiplicity
 * procedure's decision: Bonferroni's α/m for every test; with Simes, a test the procedure calls
 * significant gets its own p-value (at least α/m), the others α/m (for their wording and scores).
 */
function testLevels(p: readonly number[], alpha: number, procedure: 'simes' | 'bonferroni'): number[] {
  const m = p.length;
  const each = m > 0 ? alpha / m : alpha;
  if (procedure === 'bonferroni' || m <= 1) return p.map(() => each);
  const significant = simesSignificant(p, alpha);
  return p.map((pi, i) => (significant[i] ? Math.max(pi, each) : each));
}

/** Canonical label text: `{a="1",b="2"}` with sorted keys; '' without labels. */
export function labelKey(labels: Readonly<Record<string, string>> | undefined): string {
  if (!labels) return '';
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  keys.sort();
  return `{${keys.map((k) => `${k}="${labels[k]}"`).join(',')}}`;
}

/**
 * Whether a point's labels are a series' labels as labelKey compares them (own keys, values as
 * text), without building the key; false only costs the caller a lookup by key.
 */
export function sameLabels(
  labels: Readonly<Record<string, string>> | undefined,
  series: Readonly<Record<string, string>> | undefined,
  seriesLabelCount: number,
): boolean {
  let n = 0;
  for (const k in labels) {
    if (series?.[k] !== labels[k]) return false;
    n++;
  }
  return n === seriesLabelCount;
}

/** The baseline points of a look: those inside the plan's segments, in time order. */
function firstFinite(...values: number[]): number {
  for (const v of values) if (Number.isFinite(v) && v > 0) return v;
  return MINUTE;
}
