// Change points from the continuous anomaly detector: each series dimension is replayed through
// its own AnomalyDetector (default settings unless changed) as telemetry would be, and every
// level shift's estimated onset, and every return to the old level, is a change point. Spikes
// (one extreme sample) are outliers, not change points. Points of several dimensions closer
// than `merge` samples count once (the earliest).
import { AnomalyDetector, type DetectorSettings } from '../../libs/core/src/anomaly/detector.js';
import type { ChangepointSeries } from './tcpd.js';

/** Sample times when the series has none: one a minute from 2024-01-01. */
const INDEX_T0 = Date.UTC(2024, 0, 1);
const INDEX_STEP_MS = 60_000;

export function detectChangepoints(
  series: ChangepointSeries,
  settings: Partial<DetectorSettings> = {},
  merge = 5,
): number[] {
  const times = series.times ?? Array.from({ length: series.nObs }, (_, i) => INDEX_T0 + i * INDEX_STEP_MS);
  const index = new Map(times.map((t, i) => [t, i]));
  const found: number[] = [];
  for (const values of series.dimensions) {
    const detector = new AnomalyDetector(settings);
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) continue;
      const events = detector.observePoint('series', {
        metric: 'v',
        value: values[i]!,
        timestamp: times[i]!,
        unit: null,
        labels: {},
      });
      for (const e of events) {
        if (e.type === 'anomaly' && e.anomaly.shape === 'shift') found.push(index.get(e.anomaly.onset) ?? i);
        else if (e.type === 'recovery' && e.recovery.reason === 'recovered')
          found.push(index.get(e.recovery.since) ?? i);
      }
    }
  }
  found.sort((a, b) => a - b);
  const out: number[] = [];
  for (const c of found) if (out.length === 0 || c - out.at(-1)! >= merge) out.push(c);
  return out;
}
