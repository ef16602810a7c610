// Floors: what a person without Aftershock would do with the same changes and telemetry, scored
// on the same symptoms and decoys, so every attribution figure has its baseline beside it.
// - "latest change before onset": blame the change that started last before the symptom began.
// - "changed service's median shift": blame the change whose own service's golden signals moved
//   most, by the median of the minutes after it against the 30 minutes before, in their bad
//   direction (a dashboard glance at each changed service).
import type { Change, TelemetryBatch } from '#contracts';
import { canonical, lowerBound, median, resolveSignal, type ResolvedSignal } from '#core';

const MINUTE = 60_000;

interface StoredSeries {
  readonly signal: ResolvedSignal;
  readonly ts: number[];
  readonly values: number[];
}

/** Every golden-signal series of every service, as replayed (canonical values). */
export class SeriesStore {
  private readonly byService = new Map<string, Map<string, StoredSeries>>();

  add(batch: TelemetryBatch): void {
    let own = this.byService.get(batch.service);
    if (!own) this.byService.set(batch.service, (own = new Map()));
    for (const p of batch.points) {
      // A caller's view of another service is not the changed service's own dashboard.
      if (p.labels.server !== undefined && p.labels.server !== batch.service) continue;
      const key = `${p.metric}${JSON.stringify(p.labels)}`;
      let s = own.get(key);
      if (!s) {
        const signal = resolveSignal(p.metric, p.unit);
        if (!signal) continue;
        own.set(key, (s = { signal, ts: [], values: [] }));
      }
      s.ts.push(p.timestamp);
      s.values.push(canonical(s.signal, p.value));
    }
  }

  series(service: string): Iterable<StoredSeries> {
    return this.byService.get(service)?.values() ?? [];
  }
}

export interface FloorInput {
  readonly onset: number;
  /** When the ranking is read: no telemetry after it is used. */
  readonly at: number;
  /** The candidates: changes in the attribution window. */
  readonly candidates: readonly Change[];
}

/** The change that started last, at or before the onset (with the attribution's clock-skew allowance). */
export function latestChange(input: FloorInput, skewMs: number): Change | undefined {
  let best: Change | undefined;
  for (const c of input.candidates) {
    if (c.startedAt > input.onset + skewMs) continue;
    if (!best || c.startedAt > best.startedAt || (c.startedAt === best.startedAt && c.id < best.id)) best = c;
  }
  return best;
}

/** The change whose service's golden signals shifted most (relative median, bad direction) after it. */
export function largestMedianShift(input: FloorInput, store: SeriesStore): Change | undefined {
  let best: Change | undefined;
  let bestShift = -Infinity;
  for (const c of input.candidates) {
    const shift = medianShift(store, c.service, c.startedAt, Math.min(c.startedAt + 10 * MINUTE, input.at));
    if (shift > bestShift || (shift === bestShift && best && c.id < best.id)) {
      best = c;
      bestShift = shift;
    }
  }
  return best;
}

/** The largest relative bad-direction shift of a service's series' medians, [t0, to) against the 30 minutes before t0. */
export function medianShift(store: SeriesStore, service: string, t0: number, to: number): number {
  let worst = 0;
  for (const s of store.series(service)) {
    const before = slice(s, t0 - 30 * MINUTE, t0);
    const after = slice(s, t0, to);
    if (before.length < 3 || after.length < 1) continue;
    const mb = median(before);
    const ma = median(after);
    // Canonical values: a success rate is already its complement, an error ratio.
    const up = s.signal.spec.badDirection === 'up';
    const bad = up ? ma - mb : mb - ma;
    const rel = mb !== 0 ? bad / Math.abs(mb) : bad > 0 ? 10 : 0;
    if (rel > worst) worst = rel;
  }
  return worst;
}

function slice(s: StoredSeries, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = lowerBound(s.ts, from); i < s.ts.length && s.ts[i]! < to; i++) out.push(s.values[i]!);
  return out;
}
