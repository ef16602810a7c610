// Multi-window, multi-burn-rate alerting (the SRE workbook's chapter "Alerting on SLOs") as a
// small state machine on an injected clock. Counts are recorded per bucket as they arrive;
// `evaluate()` looks at the windows ending at the clock's now and returns what changed.
//
// A tier fires when the burn rate — the bad share of events over (1 − target) — exceeds its
// threshold over both its long and its short window, and resolves as soon as either falls back.
//
// Low traffic: a tier is judged only when its long window holds more events than
// 1 / (threshold × (1 − target)) — the count at which one failed request alone would reach the
// threshold — so a single failure can never page or ticket, whatever the traffic. For a 99.9%
// SLO that is 70 events an hour for the 14.4× page and 1,001 events in 3 days for the 1× ticket;
// quieter services are not judged by that tier (`minEvents` raises the floor, never lowers it).
import type { Clock } from '../clock.js';
import { CountRing } from './count-ring.js';
import type { BurnRateTier } from './model.js';

export type TierState = 'ok' | 'firing' | 'no-data';

export interface AlertTransition {
  readonly tier: string;
  readonly severity: string;
  readonly state: TierState;
  readonly at: number;
  /** Burn rates over the long and short windows (undefined without events). */
  readonly burnLong: number | undefined;
  readonly burnShort: number | undefined;
  readonly longEvents: number;
  /** Whether the policy asks to be told (alertWhenBreaching / Resolved / NoData). */
  readonly notify: boolean;
  readonly targets: readonly string[];
}

export interface TierReading {
  readonly tier: string;
  readonly state: TierState;
  readonly burnLong: number | undefined;
  readonly burnShort: number | undefined;
  readonly longEvents: number;
}

export interface BurnRateOptions {
  readonly target: number;
  readonly tiers: readonly BurnRateTier[];
  readonly clock: Clock;
  /** Width of a bucket (default 10 s); windows are whole numbers of buckets. */
  readonly bucketMs?: number;
  /** A floor on events in the long window above the one-failure rule. */
  readonly minEvents?: number;
  /**
   * Judge a tier only once counts span its whole long window (from the first bucket recorded).
   * A watch that starts mid-stream otherwise reads a few hours as a "3-day" burn and tickets on
   * it; with this set, each tier waits until its window is covered.
   */
  readonly fullWindows?: boolean;
}

export class BurnRateAlerter {
  private readonly ring: CountRing;
  private readonly states: TierState[];
  private readings: TierReading[] = [];
  private readonly bucketMs: number;
  private dropped = 0;
  private firstAt: number | undefined;

  constructor(private readonly options: BurnRateOptions) {
    this.bucketMs = options.bucketMs ?? 10_000;
    for (const t of options.tiers)
      if (t.longMs % this.bucketMs !== 0 || t.shortMs % this.bucketMs !== 0)
        throw new RangeError(`tier ${t.name}: windows must be whole ${this.bucketMs / 1000}-second buckets`);
    if (!(options.target > 0 && options.target < 1))
      throw new RangeError(`target ${options.target} is not in (0, 1)`);
    const longest = Math.max(...options.tiers.map((t) => t.longMs));
    this.ring = new CountRing(this.bucketMs, longest / this.bucketMs + 2);
    this.states = options.tiers.map(() => 'ok');
  }

  /** Counts observed in the bucket holding `at`. False (and counted) when older than every window. */
  record(at: number, good: number, total: number): boolean {
    const kept = this.ring.add(at, good, total);
    if (!kept) this.dropped++;
    else if (this.firstAt === undefined || at < this.firstAt) this.firstAt = at;
    return kept;
  }

  /** Buckets refused as too late to matter. */
  get droppedBuckets(): number {
    return this.dropped;
  }

  /** The smallest long-window event count at which a tier is judged. */
  minEventsFor(tier: BurnRateTier): number {
    return minEventsFor(tier, this.options.target, this.options.minEvents);
  }

  /** Judges every tier over the windows ending now; returns the tiers whose state changed. */
  evaluate(): AlertTransition[] {
    const now = this.options.clock.now();
    // The newest bucket that has begun: windows are the buckets starting in [now − W, now).
    const last = Math.ceil(now / this.bucketMs) - 1;
    const changes: AlertTransition[] = [];
    this.readings = [];
    this.options.tiers.forEach((tier, i) => {
      const long = this.ring.sum(last, tier.longMs / this.bucketMs);
      const short = this.ring.sum(last, tier.shortMs / this.bucketMs);
      const burnLong = this.burn(long);
      const burnShort = this.burn(short);
      const covered =
        !this.options.fullWindows ||
        (this.firstAt !== undefined && now - this.bucketStart(this.firstAt) >= tier.longMs);
      let next: TierState;
      if (long.total === 0 && tier.notifyNoData) next = 'no-data';
      else if (covered && tierFires(tier, this.options.target, long, short, this.options.minEvents))
        next = 'firing';
      else next = 'ok';
      this.readings.push({ tier: tier.name, state: next, burnLong, burnShort, longEvents: long.total });
      if (next === this.states[i]) return;
      this.states[i] = next;
      const notify =
        next === 'firing'
          ? tier.notifyBreaching
          : next === 'no-data'
            ? tier.notifyNoData
            : tier.notifyResolved;
      changes.push({
        tier: tier.name,
        severity: tier.severity,
        state: next,
        at: now,
        burnLong,
        burnShort,
        longEvents: long.total,
        notify,
        targets: tier.targets,
      });
    });
    return changes;
  }

  /** Each tier as the last evaluation saw it, in the order given (for a page of burn rates). */
  state(): readonly TierReading[] {
    return this.readings;
  }

  private bucketStart(at: number): number {
    return Math.floor(at / this.bucketMs) * this.bucketMs;
  }

  private burn(w: { good: number; total: number }): number | undefined {
    return burnRate(w, this.options.target);
  }
}

/** The smallest long-window event count at which one failed request alone cannot reach the tier. */
export function minEventsFor(tier: BurnRateTier, target: number, floor = 0): number {
  const oneFailure = Math.floor(1 / (tier.threshold * (1 - target)) + 1e-9) + 1;
  return Math.max(oneFailure, floor);
}

/** Bad share of the events over the budget's share (1 − target); undefined without events. */
export function burnRate(w: { good: number; total: number }, target: number): number | undefined {
  return w.total > 0 ? (w.total - w.good) / w.total / (1 - target) : undefined;
}

/** Whether a tier fires on these long- and short-window counts (the alerter's rule, stateless). */
export function tierFires(
  tier: BurnRateTier,
  target: number,
  long: { good: number; total: number },
  short: { good: number; total: number },
  floor = 0,
): boolean {
  const exceeds = (burn: number | undefined) =>
    burn !== undefined && (tier.op === 'gte' ? burn >= tier.threshold : burn > tier.threshold);
  return (
    long.total >= minEventsFor(tier, target, floor) &&
    exceeds(burnRate(long, target)) &&
    exceeds(burnRate(short, target))
  );
}
