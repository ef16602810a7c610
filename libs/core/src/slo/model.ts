// SLO definitions as Aftershock computes them: references resolved, percentages turned into
// fractions, durations into milliseconds, every metric mapped onto our telemetry.
import type { Duration } from './duration.js';
import type { BudgetingMethod, Operator } from './openslo-schema.js';

/** One series of our telemetry: a service's metric, narrowed by labels (all must match). */
export interface MetricQuery {
  readonly service: string;
  readonly environment: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * `ratio`: good (or bad) events over total events per bucket; `counter` says whether the
 * series are monotonically increasing counters (their increase is the count) or per-interval
 * counts (their sum is). `threshold`: each sample is an event, good when `value op threshold`.
 */
export type Indicator =
  | {
      readonly kind: 'ratio';
      readonly numerator: 'good' | 'bad';
      readonly events: MetricQuery;
      readonly total: MetricQuery;
      readonly counter: boolean;
    }
  | {
      readonly kind: 'threshold';
      readonly metric: MetricQuery;
      readonly op: Operator;
      readonly value: number;
    };

export type SloWindow =
  | { readonly kind: 'rolling'; readonly duration: Duration; readonly ms: number }
  | {
      readonly kind: 'calendar';
      readonly duration: Duration;
      readonly timeZone: string;
      /** Wall time the first window starts at, in `timeZone`. */
      readonly start: WallTime;
    };

export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

export interface SloObjective {
  readonly name: string;
  /** Fraction of good events (Occurrences), good slices (Timeslices) or mean slice ratio. */
  readonly target: number;
  /** Timeslices and RatioTimeslices: slice length. */
  readonly sliceMs?: number;
  /** Timeslices: a slice is good when its ratio `sliceOp` this. */
  readonly sliceTarget?: number;
  readonly sliceOp?: Operator;
}

export interface BurnRateTier {
  readonly name: string;
  readonly severity: string;
  /** Burn rate (multiples of the budget's even spend) both windows must exceed. */
  readonly threshold: number;
  readonly op: 'gt' | 'gte';
  readonly longMs: number;
  readonly shortMs: number;
  readonly notifyBreaching: boolean;
  readonly notifyResolved: boolean;
  readonly notifyNoData: boolean;
  /** Notification targets named by the policy, carried onto the alert for routing. */
  readonly targets: readonly string[];
}

export interface SloDefinition {
  readonly name: string;
  readonly displayName?: string;
  readonly service: string;
  readonly file: string;
  readonly indicator: Indicator;
  readonly window: SloWindow;
  readonly budgeting: BudgetingMethod;
  readonly objectives: readonly SloObjective[];
  readonly alerting: readonly BurnRateTier[];
}
