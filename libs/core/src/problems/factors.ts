// What the repeats of a problem have in common, and whether they follow a schedule. Computed
// from the member incidents only; each factor says what share of members have it.
import type { SharedFactor } from '#contracts';

export interface MemberFacts {
  readonly incidentId: string;
  readonly openedAt: number;
  readonly resolvedAt: number | null;
  readonly severityWeight: number;
  readonly services: readonly string[];
  readonly changeKind: string | null;
  readonly suspectService: string | null;
  readonly component: string | null;
  /** `key=value` of the labels the incident's alerts agree on. */
  readonly labels: readonly string[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Factors shared by at least `minShare` of the members (and by at least two of them). */
export function sharedFactors(members: readonly MemberFacts[], minShare = 0.6): SharedFactor[] {
  if (members.length < 2) return [];
  const counts = new Map<string, number>();
  const bump = (factor: string, value: string | null) => {
    if (value === null) return;
    const key = `${factor}\u0000${value}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (const m of members) {
    const at = new Date(m.openedAt);
    bump('hour-of-day', `${String(at.getUTCHours()).padStart(2, '0')}:00 UTC`);
    bump('day-of-week', WEEKDAYS[at.getUTCDay()]!);
    bump('change-kind', m.changeKind);
    bump('suspect-service', m.suspectService);
    bump('component', m.component);
    for (const s of new Set(m.services)) bump('service', s);
    for (const l of new Set(m.labels)) bump('label', l);
  }
  const out: SharedFactor[] = [];
  for (const [key, count] of counts) {
    const share = count / members.length;
    if (count < 2 || share < minShare) continue;
    const [factor, value] = key.split('\u0000') as [string, string];
    out.push({ factor, value, share: Math.round(share * 1000) / 1000 });
  }
  return out.sort(
    (a, b) => b.share - a.share || a.factor.localeCompare(b.factor) || a.value.localeCompare(b.value),
  );
}

/**
 * The period of the repeats when they follow a schedule: the median gap between consecutive
 * openings, accepted when every gap is within 10% of a whole multiple of it (a missed night
 * still counts) and there are at least two gaps. Snapped to an hour, a day or a week when close.
 */
export function periodicity(openings: readonly number[]): number | null {
  const times = [...openings].sort((a, b) => a - b);
  if (times.length < 3) return null;
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
  if (median < 5 * 60_000) return null;
  const regular = gaps.every((g) => {
    const multiple = Math.max(1, Math.round(g / median));
    return Math.abs(g - multiple * median) <= 0.1 * median;
  });
  if (!regular) return null;
  for (const unit of [7 * DAY, DAY, HOUR]) {
    const k = Math.round(median / unit);
    if (k >= 1 && Math.abs(median - k * unit) <= 0.05 * unit * k) return k * unit;
  }
  return median;
}
