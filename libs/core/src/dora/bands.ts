// DORA performance bands as published in the 2021 Accelerate State of DevOps report (the last
// edition with four clusters for all four metrics on the classic definitions):
//
//   metric                   elite            high                          medium                            low
//   deployment frequency     on demand        once per week – once/month    once per month – once/6 months    fewer than once per 6 months
//                            (multiple/day)
//   lead time for changes    < 1 hour         1 day – 1 week                1 month – 6 months                > 6 months
//   time to restore service  < 1 hour         < 1 day                       1 day – 1 week                    > 6 months
//   change failure rate      0–15%            16–30%                        16–30%                            16–30%
//
// The published ranges leave gaps (e.g. lead time between 1 hour and 1 day) and overlap (change
// failure rate). Gaps are closed by giving a figure the best band whose *worse* bound it meets:
//   deployment frequency: elite ≥ 1 per day on average; high ≥ 1 per month (30 days);
//                         medium ≥ 1 per 6 months (182 days); low below.
//   lead time:            elite < 1 h; high ≤ 1 week; medium ≤ 6 months; low above.
//   time to restore:      elite < 1 h; high < 1 day; medium ≤ 1 week; low above (the report's
//                         1 week – 6 months gap counts as low).
//   change failure rate:  elite ≤ 15%; high ≤ 30% (high, medium and low share 16–30%, so the
//                         rate alone cannot tell them apart; the best is given); low above 30%.

export type DoraBand = 'elite' | 'high' | 'medium' | 'low';

export const DORA_BANDS_SOURCE =
  'Accelerate State of DevOps 2021 (DORA), gaps closed as documented in dora/bands.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function deploymentFrequencyBand(deploymentsPerDay: number): DoraBand {
  if (deploymentsPerDay >= 1) return 'elite';
  if (deploymentsPerDay >= 1 / 30) return 'high';
  if (deploymentsPerDay >= 1 / 182) return 'medium';
  return 'low';
}

export function leadTimeBand(medianMs: number): DoraBand {
  if (medianMs < HOUR) return 'elite';
  if (medianMs <= 7 * DAY) return 'high';
  if (medianMs <= 182 * DAY) return 'medium';
  return 'low';
}

export function timeToRestoreBand(medianMs: number): DoraBand {
  if (medianMs < HOUR) return 'elite';
  if (medianMs < DAY) return 'high';
  if (medianMs <= 7 * DAY) return 'medium';
  return 'low';
}

export function changeFailureRateBand(rate: number): DoraBand {
  if (rate <= 0.15) return 'elite';
  if (rate <= 0.3) return 'high';
  return 'low';
}
