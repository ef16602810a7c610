// Golden signals as data: which metric names are error ratios, latencies, throughput or
// saturation, which direction is bad, and how big a change must be before it can fail a
// deployment. Plain JSON-able objects so a service can override them from configuration (a
// file), not code. The first spec whose pattern matches a metric name wins; metrics that match
// none are not judged.

export type SignalKind = 'error_ratio' | 'latency' | 'throughput' | 'saturation';
export type BadDirection = 'up' | 'down';
/**
 * How the raw values read. 'auto' infers it from the point's unit (`%` → percent, `…/s` →
 * rate, `ms` → milliseconds) and, failing that, from the kind.
 */
export type ValueType = 'auto' | 'ratio' | 'percent' | 'count' | 'rate' | 'value';

export interface SignalSpec {
  /** Words used in reasons, e.g. 'error ratio', 'latency'. */
  readonly name: string;
  /** Case-insensitive regular expression tested against the metric name. */
  readonly pattern: string;
  readonly kind: SignalKind;
  readonly badDirection: BadDirection;
  readonly valueType?: ValueType;
  /** The metric is a success ratio/percentage: judge 1 − value as an error ratio. */
  readonly complement?: boolean;
  /** Minimum relative change of the location in the bad direction for a fail (0.2 = 20%). */
  readonly minEffect: number;
  /**
   * Minimum absolute change in the bad direction for a fail, in canonical units: seconds for
   * latency, a fraction for ratios (0.002 = 0.2 percentage points), the metric's own unit otherwise.
   */
  readonly absoluteFloor: number;
  /** For error counts without request counts: minimum rise in events per minute for a fail. */
  readonly eventFloorPerMinute?: number;
  /**
   * For error counts/ratios: pattern of the request-count (or request-rate) metric of the same
   * service and labels, so errors are judged per request instead of per minute.
   */
  readonly exposure?: string;
  /**
   * Run the scale (variance) test, failing when the spread grows by at least this factor
   * (and the bad tail moves by minEffect and absoluteFloor). Omit to skip the scale test.
   */
  readonly minSpreadRatio?: number;
}

/** Per-service overrides, e.g. from a service catalog file. */
export interface ServiceSignalOverrides {
  /** Tried before the defaults (first match wins). */
  readonly signals?: readonly SignalSpec[];
  /** Metric name patterns never judged for this service. */
  readonly ignore?: readonly string[];
}

// Request counts or rates; not in-flight gauges such as `active_requests`.
export const REQUEST_COUNT_PATTERN =
  '(?<!active[._-]?)(requests?|calls?|workload|throughput|rps|qps|(^|[._-])ops|hits)([._-]?(total|count|rate|per[._-]?(s(ec(ond)?)?|min(ute)?)))?(\\(ops\\))?$';

/** Sensible defaults for common metric naming (OpenTelemetry, Prometheus, Nezha-style). */
export const DEFAULT_SIGNALS: readonly SignalSpec[] = [
  {
    name: 'error ratio',
    pattern: '(error|err|fail(ure|ed)?|fault|5xx)[._-]?(ratio|rate|percent|pct|fraction|share)',
    kind: 'error_ratio',
    badDirection: 'up',
    valueType: 'auto',
    minEffect: 0.5,
    absoluteFloor: 0.002,
    exposure: REQUEST_COUNT_PATTERN,
  },
  {
    name: 'error ratio',
    pattern: '(success|availability)([._-]?(ratio|rate|percent|pct|fraction))?',
    kind: 'error_ratio',
    badDirection: 'up',
    valueType: 'auto',
    complement: true,
    minEffect: 0.5,
    absoluteFloor: 0.002,
    exposure: REQUEST_COUNT_PATTERN,
  },
  {
    name: 'errors',
    pattern: '(^|[._-])(errors?|failures?|failed|exceptions?|5xx|request_failed)([._-]?(total|count|sum))?$',
    kind: 'error_ratio',
    badDirection: 'up',
    valueType: 'auto',
    minEffect: 0.5,
    absoluteFloor: 0.002,
    eventFloorPerMinute: 0.2,
    exposure: REQUEST_COUNT_PATTERN,
  },
  {
    name: 'latency',
    pattern: '(latency|duration|response[._-]?time|elapsed)(?!.*[._-](count|sum)$)',
    kind: 'latency',
    badDirection: 'up',
    valueType: 'auto',
    minEffect: 0.2,
    absoluteFloor: 0.005,
    minSpreadRatio: 2,
  },
  {
    name: 'throughput',
    pattern: `${REQUEST_COUNT_PATTERN}|[._-]count$`,
    kind: 'throughput',
    badDirection: 'down',
    valueType: 'auto',
    minEffect: 0.3,
    absoluteFloor: 0,
  },
  {
    name: 'saturation',
    pattern: '(cpu|memory|mem|heap|saturation|utili[sz]ation|queue|gc[._-]|threads|connections|disk)',
    kind: 'saturation',
    badDirection: 'up',
    valueType: 'auto',
    minEffect: 0.3,
    absoluteFloor: 0,
    minSpreadRatio: 3,
  },
];

/** A spec bound to one series: how to turn its raw values into canonical ones. */
export interface ResolvedSignal {
  readonly spec: SignalSpec;
  /** ratio: a fraction 0..1; count: events per point; rate: events per second; value: anything else. */
  readonly mode: 'ratio' | 'count' | 'rate' | 'value';
  /** canonical = complement ? 1 − raw·scale : raw·scale */
  readonly scale: number;
  readonly complement: boolean;
  /** Canonical unit for wording: 's', 'ratio', '1/s', '1', or the raw unit. */
  readonly unit: string;
}

const regexCache = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let r = regexCache.get(pattern);
  if (!r) {
    r = new RegExp(pattern, 'i');
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, r);
  }
  return r;
}

export function matches(pattern: string, text: string): boolean {
  return regex(pattern).test(text);
}

/** Find the signal for a metric: overrides first, then the given specs; null when not judged. */
export function resolveSignal(
  metric: string,
  unit: string | null,
  specs: readonly SignalSpec[] = DEFAULT_SIGNALS,
  overrides?: ServiceSignalOverrides,
): ResolvedSignal | null {
  if (overrides?.ignore?.some((p) => matches(p, metric))) return null;
  const all = overrides?.signals ? [...overrides.signals, ...specs] : specs;
  const spec = all.find((s) => matches(s.pattern, metric));
  return spec ? bind(spec, metric, unit) : null;
}

function bind(spec: SignalSpec, metric: string, rawUnit: string | null): ResolvedSignal {
  const unit = (rawUnit ?? '').trim();
  const complement = spec.complement ?? false;
  const declared = spec.valueType ?? 'auto';
  const percent = unit === '%' || /percent|pct|\(%\)/i.test(metric);
  const rate = ratePerSecond(unit, metric);
  switch (spec.kind) {
    case 'error_ratio': {
      const type =
        declared !== 'auto'
          ? declared
          : percent
            ? 'percent'
            : rate !== null
              ? 'rate'
              : spec.eventFloorPerMinute !== undefined
                ? 'count'
                : 'ratio';
      if (type === 'percent') return { spec, mode: 'ratio', scale: 0.01, complement, unit: 'ratio' };
      if (type === 'ratio') return { spec, mode: 'ratio', scale: 1, complement, unit: 'ratio' };
      if (type === 'rate') return { spec, mode: 'rate', scale: rate ?? 1, complement: false, unit: '1/s' };
      return { spec, mode: 'count', scale: 1, complement: false, unit: '1' };
    }
    case 'latency':
      return { spec, mode: 'value', scale: latencyScale(unit, metric), complement: false, unit: 's' };
    case 'throughput': {
      const mode = declared === 'count' ? 'count' : rate !== null || declared === 'rate' ? 'rate' : 'value';
      return {
        spec,
        mode,
        scale: mode === 'rate' ? (rate ?? 1) : 1,
        complement: false,
        unit: mode === 'rate' ? '1/s' : unit || '',
      };
    }
    case 'saturation':
      return { spec, mode: 'value', scale: 1, complement: false, unit: unit || (percent ? '%' : '') };
  }
}

// Units that name a rate, and how many per second one of them is. Grafana's unit ids are the
// common currency of dashboards and exporters: `ops`, `reqps`, `rps`, `wps`, `iops`, `cps` are
// per second, `opm`, `reqpm`, `rpm`, `wpm` per minute (Grafana: "ops/sec (ops)", "ops/min (opm)").
const PER_SECOND_UNIT = /^(ops|reqps|rps|wps|iops|cps|qps|hz)$|\/s(ec(ond)?)?$/i;
const PER_MINUTE_UNIT = /^(opm|reqpm|rpm|wpm|cpm|qpm)$|\/min(ute)?$/i;

/** Per-second multiplier of a rate unit (1 for …/s, 1/60 for …/min); null when the series is not a rate. */
export function ratePerSecond(unit: string, metric: string): number | null {
  if (PER_SECOND_UNIT.test(unit)) return 1;
  if (PER_MINUTE_UNIT.test(unit)) return 1 / 60;
  if (/per[._-]?s(ec(ond)?)?$/i.test(metric)) return 1;
  if (/per[._-]?min(ute)?$/i.test(metric)) return 1 / 60;
  return null;
}

function latencyScale(unit: string, metric: string): number {
  switch (unit.toLowerCase()) {
    case 'ms':
      return 1e-3;
    case 'us':
    case 'µs':
    case 'μs':
      return 1e-6;
    case 'ns':
      return 1e-9;
    case 'min':
      return 60;
    case 's':
      return 1;
  }
  if (/(^|[._-])(ms|millis(econds)?)$|\(ms\)$/i.test(metric)) return 1e-3;
  if (/(^|[._-])(us|micros(econds)?)$/i.test(metric)) return 1e-6;
  return 1;
}

/** Canonical value of a raw reading. */
export function canonical(signal: ResolvedSignal, raw: number): number {
  const v = raw * signal.scale;
  return signal.complement ? 1 - v : v;
}
