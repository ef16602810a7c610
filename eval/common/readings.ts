// Reading the correlator's suspects for each raised symptom a fixed time after it was raised,
// in event time: the replay calls due(now) before each event, so a reading sees exactly what the
// correlator knew then (the changes, verdicts and graph up to that moment). One reading per
// distinct (service, onset, time): symptoms raised twice at once are read once.
import type { Change } from '#contracts';
import { largestMedianShift, latestChange, type SeriesStore } from './floors.js';
import type { RaisedSymptom } from './symptoms.js';

export interface Reading<T> {
  readonly symptom: RaisedSymptom;
  readonly at: number;
  readonly value: T;
}

export class SymptomReadings<T> {
  private readonly pending: { symptom: RaisedSymptom; at: number }[] = [];
  private readonly cache = new Map<string, T>();
  readonly readings: Reading<T>[] = [];

  constructor(
    private readonly delayMs: number,
    private readonly read: (symptom: RaisedSymptom, at: number) => T,
  ) {}

  raise(symptom: RaisedSymptom): void {
    this.pending.push({ symptom, at: symptom.raisedAt + this.delayMs });
  }

  /** Take every reading due before `now` (call before processing an event at `now`). */
  due(now: number): void {
    if (this.pending.length === 0) return;
    this.pending.sort((a, b) => a.at - b.at);
    while (this.pending.length > 0 && this.pending[0]!.at < now) {
      const { symptom, at } = this.pending.shift()!;
      const key = `${symptom.service}|${symptom.onset}|${symptom.kind}|${at}`;
      let value = this.cache.get(key);
      if (value === undefined) this.cache.set(key, (value = this.read(symptom, at)));
      this.readings.push({ symptom, at, value });
    }
  }
}

export interface Floors {
  readonly latest: string | null;
  readonly largestShift: string | null;
}

/** Both floors for a symptom, on the changes in the attribution window before its onset. */
export function floorsFor(
  changes: readonly Change[],
  store: SeriesStore,
  symptom: RaisedSymptom,
  at: number,
  window: { readonly lookbackMs: number; readonly skewMs: number },
): Floors {
  const candidates = changes.filter(
    (c) => c.startedAt >= symptom.onset - window.lookbackMs && c.startedAt <= symptom.onset + window.skewMs,
  );
  const input = { onset: symptom.onset, at, candidates };
  return {
    latest: latestChange(input, window.skewMs)?.id ?? null,
    largestShift: largestMedianShift(input, store)?.id ?? null,
  };
}
