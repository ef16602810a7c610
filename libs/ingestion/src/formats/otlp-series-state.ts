// The small bounded state the OTLP metrics normaliser keeps to turn cumulative values into
// rates: the previous point of each series (series = resource + metric + point attributes),
// and per export stream (resource + instrumentation scope) the times of its recent exports.
// An LRU bounds it: at most `maxSeries` entries, the least recently seen evicted first and
// counted. State is per process and not persisted: after a restart every cumulative series
// starts again with its first point (see advanceCumulative).

export interface OtlpSeriesStateOptions {
  /** Most entries kept (series plus export streams); default 100,000. */
  readonly maxSeries?: number;
}

export const DEFAULT_MAX_SERIES = 100_000;

/** A cumulative sample: its start time, end time and value (a number or a distribution). */
export interface CumulativeSample<T> {
  readonly startNs: bigint;
  readonly timeNs: bigint;
  readonly value: T;
}

/** What advanceCumulative found: the increase over (fromNs, toNs], or why there is none. */
export type CumulativeOutcome<T> =
  | {
      readonly kind: 'increase';
      readonly fromNs: bigint;
      readonly toNs: bigint;
      readonly increase: T;
      /**
       * continued: since the previous point; reset: the counter restarted, counted from zero;
       * first: a series' first point with a recent start time, counted from zero at the start;
       * new-series: a series that first appeared since the stream's previous export.
       */
      readonly reason: 'continued' | 'reset' | 'first' | 'new-series';
    }
  | { readonly kind: 'first' }
  | { readonly kind: 'stale' };

export interface CumulativeOps<T> {
  /** current − previous, or undefined when any part went down or the layout changed (a restart). */
  subtract(current: T, previous: T): T | undefined;
  same(a: T, b: T): boolean;
}

interface SeriesEntry {
  readonly kind: 'series';
  readonly stream: string | undefined;
  readonly startNs: bigint;
  readonly timeNs: bigint;
  readonly value: unknown;
  /** The outcome computed for this very sample, replayed when it is delivered again. */
  readonly outcome: CumulativeOutcome<unknown>;
}

interface DeltaEntry {
  readonly kind: 'delta';
  readonly timeNs: bigint;
}

interface StreamEntry {
  readonly kind: 'stream';
  /** End time of the latest export seen, and of the one before it (0n: none). */
  lastNs: bigint;
  prevNs: bigint;
  exports: number;
  /** New-series detection is off up to this export number (a series of the stream was evicted). */
  blindUntil: number;
}

type Entry = SeriesEntry | DeltaEntry | StreamEntry;

/** Points of one export closer together than this belong to the same export. */
const SAME_EXPORT_NS = 1_000_000_000n;

export class OtlpSeriesState {
  readonly maxSeries: number;
  private readonly entries = new Map<string, Entry>();
  private evictionCount = 0;

  constructor(options: OtlpSeriesStateOptions = {}) {
    const max = options.maxSeries ?? DEFAULT_MAX_SERIES;
    if (!Number.isInteger(max) || max < 1)
      throw new Error(`maxSeries must be a positive integer, got ${max}`);
    this.maxSeries = max;
  }

  get size(): number {
    return this.entries.size;
  }

  get evictions(): number {
    return this.evictionCount;
  }

  clear(): void {
    this.entries.clear();
  }

  private get(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      // Map keeps insertion order: re-inserting makes it the most recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  private set(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxSeries) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(oldestKey);
      this.evictionCount++;
      if (oldest.kind === 'series' && oldest.stream !== undefined) {
        // Without this series' history, its next point would look like a new series.
        const stream = this.entries.get(oldest.stream);
        if (stream?.kind === 'stream') stream.blindUntil = stream.exports + 1;
      }
    }
  }

  /**
   * The end of the stream's previous export as seen from a point at `timeNs` (the point's
   * series is new since then), then records the point's time. Undefined when unknown.
   */
  private streamBoundary(stream: string, timeNs: bigint): bigint | undefined {
    const entry = this.get(stream);
    if (entry?.kind !== 'stream') {
      this.set(stream, { kind: 'stream', lastNs: timeNs, prevNs: 0n, exports: 1, blindUntil: 0 });
      return undefined;
    }
    let boundary: bigint;
    if (timeNs > entry.lastNs + SAME_EXPORT_NS) {
      boundary = entry.lastNs;
      entry.prevNs = entry.lastNs;
      entry.lastNs = timeNs;
      entry.exports++;
    } else {
      boundary = entry.prevNs;
      if (timeNs > entry.lastNs) entry.lastNs = timeNs;
    }
    if (entry.exports <= entry.blindUntil) return undefined;
    return boundary > 0n && boundary < timeNs ? boundary : undefined;
  }

  /**
   * The increase of a cumulative series since its previous point:
   * - continued: same start time (or none) and the value did not go down → the difference over
   *   (previous time, time].
   * - reset: the start time changed or the value went down → the counter restarted, so the whole
   *   value is the increase, over (new start, time] when the new start time is known and
   *   earlier than `time`, else over (previous time, time]. Never negative.
   * - first point of a series: if the stream (resource + scope; undefined turns this off) had
   *   an export before this one and no series of it was evicted since, the series is new since
   *   that export and its whole value is the increase since then ("new-series": a first error
   *   counted at once rather than an export later). This needs every export of the stream to
   *   reach this state (one consumer per resource: the Kafka exporter's
   *   partition_metrics_by_resource_attributes). Else, if its start time is known and at most
   *   `firstPointMaxAgeNs` old,
   *   the increase is its value since the start ("first": the producer just started). Else
   *   nothing yet ("first" outcome) — a rate over a long unknown history would be misleading.
   * - a point not after the series' previous one is stale (out of order, or an older export
   *   redelivered): nothing, state unchanged. The latest point delivered again is recognised
   *   (same time, start and value) and its outcome replayed, so a redelivered export yields the
   *   same output and the same batch id.
   */
  advanceCumulative<T>(
    key: string,
    stream: string | undefined,
    sample: CumulativeSample<T>,
    ops: CumulativeOps<T>,
    firstPointMaxAgeNs: bigint,
  ): CumulativeOutcome<T> {
    const { startNs, timeNs, value } = sample;
    const previous = this.get(key);
    const prev = previous?.kind === 'series' ? previous : undefined;
    if (prev && timeNs <= prev.timeNs) {
      const redelivered =
        timeNs === prev.timeNs && startNs === prev.startNs && ops.same(value, prev.value as T);
      return redelivered ? (prev.outcome as CumulativeOutcome<T>) : { kind: 'stale' };
    }
    const boundary = stream === undefined ? undefined : this.streamBoundary(stream, timeNs);
    const knownStart = startNs > 0n && startNs < timeNs;
    let outcome: CumulativeOutcome<T>;
    if (!prev) {
      if (boundary !== undefined && (!knownStart || startNs <= boundary)) {
        outcome = { kind: 'increase', fromNs: boundary, toNs: timeNs, increase: value, reason: 'new-series' };
      } else if (knownStart && timeNs - startNs <= firstPointMaxAgeNs) {
        outcome = { kind: 'increase', fromNs: startNs, toNs: timeNs, increase: value, reason: 'first' };
      } else if (knownStart && boundary !== undefined) {
        // Started after the stream's previous export: all of it is new, counted from the start.
        outcome = { kind: 'increase', fromNs: startNs, toNs: timeNs, increase: value, reason: 'first' };
      } else {
        outcome = { kind: 'first' };
      }
    } else {
      const restarted = startNs !== 0n && prev.startNs !== 0n && startNs !== prev.startNs;
      const difference = restarted ? undefined : ops.subtract(value, prev.value as T);
      outcome =
        difference !== undefined
          ? { kind: 'increase', fromNs: prev.timeNs, toNs: timeNs, increase: difference, reason: 'continued' }
          : {
              kind: 'increase',
              fromNs: knownStart ? startNs : prev.timeNs,
              toNs: timeNs,
              increase: value,
              reason: 'reset',
            };
    }
    this.set(key, { kind: 'series', stream, startNs, timeNs, value, outcome });
    return outcome;
  }

  /**
   * The start of a delta point's interval when the point has no usable start time: the time of
   * the series' previous point, if it is earlier. Records this point's time.
   */
  deltaStart(key: string, timeNs: bigint): bigint | undefined {
    const previous = this.get(key);
    const prevNs = previous?.kind === 'delta' ? previous.timeNs : undefined;
    if (prevNs === undefined || timeNs > prevNs) this.set(key, { kind: 'delta', timeNs });
    return prevNs !== undefined && prevNs < timeNs ? prevNs : undefined;
  }
}
