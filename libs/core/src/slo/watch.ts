// Burn-rate alerting over live telemetry: every SLO's indicator fed from the points as they
// arrive, its AlertPolicy tiers judged on event time, and each tier's change of state turned
// into an alert — a symptom like any other, which the correlator attributes to changes.
//
// Event time, not wall time: windows end at the newest point seen of the SLO's own series, so a replay of the same
// telemetry (a restart rebuilding from history) reaches the same states at the same instants
// and yields alerts with the same ids. Counters: the increase of each series since its previous
// point, a drop read as a reset (the new value is the increase); the first point of a series
// only sets its base. Per-interval counts: the value is the count. Threshold indicators: each
// sample is one event. Only the strictest objective of an SLO is alerted on (the objectives
// share one indicator; the highest target's budget burns first, so it is the one to page on).
// A tier is judged once the watch has seen its whole long window (fullWindows): after a start
// or a rebuild from the replayed history, the hour tiers are back within the replay, the day
// tiers wait until they have their days again — a few hours read as a 3-day burn would ticket.
import type { Alert, Severity, TelemetryBatch, TelemetryPoint } from '#contracts';
import { compare, strictestObjective } from './budget.js';
import { BurnRateAlerter, type AlertTransition, type TierReading, type TierState } from './burn-rate.js';
import type { MetricQuery, SloDefinition } from './model.js';

export const SLO_ALERT_NAME = 'SLOBurnRate';
export const SLO_ALERT_SOURCE = 'aftershock-slo';

interface Feed {
  /** Which of the indicator's queries: the same point may count in both (bad events and total). */
  readonly role: 'events' | 'total';
  readonly query: MetricQuery;
  /** Adds a sample's events: [good, total]. */
  readonly events: (value: number) => readonly [number, number];
  readonly counter: boolean;
}

interface Watched {
  readonly slo: SloDefinition;
  readonly target: number;
  /**
   * Its event time: the newest of its points seen, or where a tick moved it. Each SLO keeps its
   * own — partitions are consumed at their own pace, and one service's backlog must not be
   * judged at another's (later) time.
   */
  readonly time: { now: number };
  readonly alerter: BurnRateAlerter;
  readonly feeds: readonly Feed[];
  /** Counters: the previous value of each series (by label set). */
  readonly last: Map<string, number>;
  /** Firing tiers: when each started (the alert's identity). */
  readonly firingSince: Map<string, number>;
}

export interface SloWatchOptions {
  /** Links to the SLO's page in the UI (`${publicUrl}/#/slos/<name>`). */
  readonly publicUrl?: string;
}

export class SloWatch {
  private readonly watched: Watched[] = [];
  /** Feeds by `service \0 metric`, so a point finds its SLOs in one lookup. */
  private readonly index = new Map<string, { readonly w: Watched; readonly feed: Feed }[]>();

  /** Resolutions of the tiers that were firing on SLOs removed or redefined, sent with the next alerts. */
  private retired: Alert[] = [];

  /**
   * `previous`: the watch this one replaces when the set of SLOs changes (a file edited, an SLO
   * written through the api). The SLOs whose definition did not change keep their counts and
   * firing tiers; only new or changed ones start afresh, and a tier that was firing on a removed
   * or changed one is resolved (its alert would otherwise stay open with nothing to end it).
   */
  constructor(
    slos: readonly SloDefinition[],
    private readonly options: SloWatchOptions = {},
    previous?: SloWatch,
  ) {
    const kept = new Map(previous?.watched.map((w) => [JSON.stringify(w.slo), w]));
    for (const slo of slos) {
      const objective = strictestObjective(slo.objectives);
      if (!objective || slo.alerting.length === 0) continue;
      const time = { now: Number.NEGATIVE_INFINITY };
      const w: Watched = kept.get(JSON.stringify(slo)) ?? {
        slo,
        target: objective.target,
        time,
        alerter: new BurnRateAlerter({
          target: objective.target,
          tiers: slo.alerting,
          clock: { now: () => time.now },
          fullWindows: true,
        }),
        feeds: feedsOf(slo),
        last: new Map(),
        firingSince: new Map(),
      };
      kept.delete(JSON.stringify(slo));
      this.watched.push(w);
      for (const feed of w.feeds) {
        const key = `${feed.query.service}\0${feed.query.metric}`;
        const list = this.index.get(key) ?? [];
        list.push({ w, feed });
        this.index.set(key, list);
      }
    }
    for (const gone of kept.values())
      for (const [tier, since] of gone.firingSince)
        this.retired.push(
          this.alert(gone, transitionOf(gone, tier, 'ok', Math.max(gone.time.now, since)), since, 'removed'),
        );
  }

  /** SLOs alerted on (those with an objective and at least one tier). */
  get size(): number {
    return this.watched.length;
  }

  /** Their names. */
  names(): string[] {
    return this.watched.map((w) => w.slo.name);
  }

  /** Feeds a batch's points, then judges the SLOs it touched, each at its own newest point. */
  observe(batch: TelemetryBatch): Alert[] {
    const touched = new Set<Watched>();
    for (const point of batch.points) {
      const hits = this.index.get(`${batch.service}\0${point.metric}`);
      if (!hits) continue;
      for (const { w, feed } of hits) {
        if (!matches(feed.query, batch.environment, point)) continue;
        const value = feed.counter ? increase(w.last, feed, point) : point.value;
        if (value === undefined) continue;
        const [good, total] = feed.events(value);
        w.alerter.record(point.timestamp, good, total);
        if (point.timestamp > w.time.now) w.time.now = point.timestamp;
        touched.add(w);
      }
    }
    return [...this.takeRetired(), ...[...touched].flatMap((w) => this.judge(w))];
  }

  /** Event time moves on without points (quiet services): burns resolve, no-data is seen. */
  advanceTo(now: number): Alert[] {
    const behind = this.watched.filter((w) => w.time.now < now);
    for (const w of behind) w.time.now = now;
    return [...this.takeRetired(), ...behind.flatMap((w) => this.judge(w))];
  }

  private takeRetired(): Alert[] {
    const out = this.retired;
    this.retired = [];
    return out;
  }

  /** Alerts for the tiers firing now, as first raised (re-announced after a rebuild: same ids). */
  firing(): Alert[] {
    return this.watched.flatMap((w) =>
      [...w.firingSince].map(([tier, since]) => this.alert(w, transitionOf(w, tier, 'firing', since))),
    );
  }

  /** Each SLO's tiers as last judged (for a page of burn rates). */
  readings(): { readonly slo: string; readonly tiers: readonly TierReading[] }[] {
    return this.watched.map((w) => ({ slo: w.slo.name, tiers: w.alerter.state() }));
  }

  private judge(w: Watched): Alert[] {
    const out: Alert[] = [];
    for (const t of w.alerter.evaluate()) {
      // No-data and ok both end a burn; only a firing tier is an alert to the correlator.
      if (t.state === 'firing') {
        w.firingSince.set(t.tier, t.at);
        out.push(this.alert(w, t));
      } else if (w.firingSince.has(t.tier)) {
        out.push(this.alert(w, t, w.firingSince.get(t.tier)));
        w.firingSince.delete(t.tier);
      }
    }
    return out;
  }

  private alert(w: Watched, t: AlertTransition, startedAt?: number, removed?: 'removed'): Alert {
    const { slo } = w;
    const fingerprint = `slo:${slo.name}:${t.tier}`;
    const startsAt = startedAt ?? t.at;
    const resolved = t.state !== 'firing';
    const tier = slo.alerting.find((x) => x.name === t.tier)!;
    const environment =
      slo.indicator.kind === 'ratio' ? slo.indicator.total.environment : slo.indicator.metric.environment;
    return {
      id: `${fingerprint}:${startsAt}${resolved ? `:resolved:${t.at}` : ''}`,
      fingerprint,
      status: resolved ? 'resolved' : 'firing',
      name: SLO_ALERT_NAME,
      service: slo.service,
      environment,
      severity: severityOf(t.severity),
      summary: removed
        ? `${slo.displayName ?? slo.name}: the SLO was removed or redefined, so its ${t.tier} burn alert ends`
        : resolved
          ? `${slo.displayName ?? slo.name}: error budget burn back below ${tier.threshold}× (${t.tier})`
          : `${slo.displayName ?? slo.name}: error budget burning at ${fmt(t.burnLong)}× over ${span(tier.longMs)} and ${fmt(t.burnShort)}× over ${span(tier.shortMs)} (${t.tier} fires above ${tier.threshold}×)`,
      labels: { alertname: SLO_ALERT_NAME, slo: slo.name, tier: t.tier, severity: t.severity },
      annotations: {
        burnLong: fmt(t.burnLong),
        burnShort: fmt(t.burnShort),
        longWindowEvents: String(t.longEvents),
        objective: String(w.target),
        ...(t.targets.length > 0 ? { targets: t.targets.join(',') } : {}),
      },
      startsAt,
      endsAt: resolved ? t.at : null,
      source: SLO_ALERT_SOURCE,
      link: this.options.publicUrl
        ? `${this.options.publicUrl.replace(/\/$/, '')}/#/slos/${encodeURIComponent(slo.name)}`
        : null,
      team: null,
      runbookUrl: null,
    };
  }
}

function feedsOf(slo: SloDefinition): Feed[] {
  const ind = slo.indicator;
  if (ind.kind === 'threshold')
    return [
      {
        role: 'events',
        query: ind.metric,
        counter: false,
        events: (v) => [compare(ind.op, v, ind.value) ? 1 : 0, 1],
      },
    ];
  // Good counted into both sums; bad taken off good, so good = total − bad.
  const numerator: Feed = {
    role: 'events',
    query: ind.events,
    counter: ind.counter,
    events: ind.numerator === 'good' ? (v) => [v, 0] : (v) => [-v, 0],
  };
  const total: Feed = {
    role: 'total',
    query: ind.total,
    counter: ind.counter,
    events: ind.numerator === 'good' ? (v) => [0, v] : (v) => [v, v],
  };
  return [numerator, total];
}

function matches(query: MetricQuery, environment: string, point: TelemetryPoint): boolean {
  if (query.environment !== environment) return false;
  for (const [k, v] of Object.entries(query.labels)) if (point.labels[k] !== v) return false;
  return true;
}

/** A counter's increase since the series' previous point; undefined for its first point. */
function increase(last: Map<string, number>, feed: Feed, point: TelemetryPoint): number | undefined {
  const key = `${feed.role}\0${feed.query.metric}\0${seriesKey(point.labels)}`;
  const previous = last.get(key);
  last.set(key, point.value);
  if (previous === undefined) return undefined;
  return point.value >= previous ? point.value - previous : point.value;
}

function seriesKey(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

function severityOf(name: string): Severity {
  const s = name.toLowerCase();
  if (s === 'page' || s === 'critical') return 'critical';
  if (s === 'high' || s === 'error') return 'high';
  if (s === 'info') return 'info';
  return 'warning';
}

function fmt(burn: number | undefined): string {
  return burn === undefined ? 'n/a' : burn.toFixed(1);
}

function span(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${ms / 60_000} min`;
}

/** A tier's state as a transition at `at`, with its burn rates as last read. */
function transitionOf(w: Watched, tier: string, state: TierState, at: number): AlertTransition {
  const reading = w.alerter.state().find((r) => r.tier === tier);
  const t = w.slo.alerting.find((x) => x.name === tier)!;
  return {
    tier,
    severity: t.severity,
    state,
    at,
    burnLong: reading?.burnLong,
    burnShort: reading?.burnShort,
    longEvents: reading?.longEvents ?? 0,
    notify: t.notifyBreaching,
    targets: t.targets,
  };
}
