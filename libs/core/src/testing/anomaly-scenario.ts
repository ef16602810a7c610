// Anomaly scenarios: a JSON fixture (libs/core/scenarios/verification/anomaly-*.json) describes
// one series as generator segments (seeded noise, daily curves) plus injected spikes, and how it
// is delivered (in order, or shuffled within a lateness bound). The replay feeds it to an
// AnomalyDetector and returns the events, with sample indices for checking onsets. Pure and
// deterministic; the spec reads the file.
import type { TelemetryPoint } from '#contracts';
import { SeededRandom } from '../stats/random.js';
import { draw, type DrawState, type Generator } from './verification-scenario.js';
import { AnomalyDetector, type AnomalyEvent, type DetectorSettings } from '../anomaly/detector.js';

export interface AnomalyScenario {
  readonly name: string;
  readonly description?: string;
  readonly start: string;
  readonly settings?: Partial<DetectorSettings>;
  readonly series: {
    readonly service: string;
    readonly metric: string;
    readonly unit?: string | null;
    readonly stepSeconds: number;
    readonly samples: number;
    readonly seed?: number;
    /** Generator segments by starting sample (the first must start at 0). */
    readonly segments: ReadonlyArray<{ readonly from: number; readonly generator: Generator }>;
    /** Values that replace single samples. */
    readonly spikes?: ReadonlyArray<{ readonly at: number; readonly value: number }>;
  };
  /** Delivery: seeded uniform extra delay in [0, jitterSeconds) reorders points. */
  readonly deliveries?: ReadonlyArray<{
    readonly name?: string;
    readonly jitterSeconds?: number;
    readonly seed?: number;
  }>;
  readonly expect: {
    /**
     * Anomalies detected before this sample (while the detector learns the series, e.g. its
     * cycle) are only counted against maxBefore; every other expectation is about the rest.
     */
    readonly ignoreBefore?: number;
    readonly maxBefore?: number;
    /** Exact number of anomalies, or a maximum. */
    readonly anomalies?: number;
    readonly maxAnomalies?: number;
    /** Sample index of the true change and how far the onset estimate may be off (samples). */
    readonly onsetSample?: number;
    readonly onsetTolerance?: number;
    /** Detection within this many samples of the true change. */
    readonly maxDelaySamples?: number;
    readonly direction?: 'up' | 'down';
    /** Whether the first anomaly was found against the series' cycle. */
    readonly seasonal?: boolean;
    readonly shape?: 'shift' | 'spike';
    /** Relative magnitude within [min, max]. */
    readonly relativeMagnitude?: readonly [number, number];
    /** Opened anomalies never exceed this many at once, and there is no re-opening (no flapping). */
    readonly maxEvents?: number;
    readonly sameAcrossDeliveries?: boolean;
  };
}

export interface AnomalyRun {
  readonly delivery: string;
  readonly events: AnomalyEvent[];
  /** Timestamp of sample i is start + i·step. */
  readonly sampleOf: (ts: number) => number;
}

export function generateAnomalySeries(scenario: AnomalyScenario): TelemetryPoint[] {
  const s = scenario.series;
  const t0 = Date.parse(scenario.start);
  const step = s.stepSeconds * 1000;
  const rng = new SeededRandom(s.seed ?? 1);
  const segments = [...s.segments].sort((a, b) => a.from - b.from);
  const spikes = new Map((s.spikes ?? []).map((x) => [x.at, x.value]));
  const out: TelemetryPoint[] = [];
  let seg = 0;
  let state: DrawState = { prev: null };
  let local = 0;
  for (let i = 0; i < s.samples; i++) {
    while (seg + 1 < segments.length && segments[seg + 1]!.from <= i) {
      seg++;
      state = { prev: null };
      local = 0;
    }
    const ts = t0 + i * step;
    const generated = draw(segments[seg]!.generator, rng, local++, ts, state);
    const value = spikes.get(i) ?? generated;
    if (value === null) continue;
    out.push({ metric: s.metric, value, timestamp: ts, unit: s.unit ?? null, labels: {} });
  }
  return out;
}

export function replayAnomalyScenario(
  scenario: AnomalyScenario,
  delivery: { name?: string; jitterSeconds?: number; seed?: number } = {},
): AnomalyRun {
  const t0 = Date.parse(scenario.start);
  const step = scenario.series.stepSeconds * 1000;
  const points = generateAnomalySeries(scenario);
  const jitter = (delivery.jitterSeconds ?? 0) * 1000;
  const rng = new SeededRandom(delivery.seed ?? 1);
  const arrivals = points.map((p, i) => ({ p, at: p.timestamp + (jitter > 0 ? rng.next() * jitter : 0), i }));
  arrivals.sort((a, b) => a.at - b.at || a.i - b.i);
  const detector = new AnomalyDetector(scenario.settings ?? {});
  const events: AnomalyEvent[] = [];
  for (const { p } of arrivals) detector.observePoint(scenario.series.service, p, 'production', events);
  events.push(...detector.flush());
  return { delivery: delivery.name ?? 'in order', events, sampleOf: (ts) => Math.round((ts - t0) / step) };
}
