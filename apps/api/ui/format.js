// Words and numbers as a person reads them. Times show in UTC unless the person chose their
// local time (kept in this browser; the header's time-zone button): `stamp`, `clockIn` and
// `dayMonthIn` follow that choice, `utc`, `clock` and `dayMonth` are always UTC (schedules the
// engine found in UTC, such as "every day at 02:00 UTC").

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

export const SEVERITIES = ['critical', 'high', 'warning', 'info'];
const SEVERITY_RANK = { critical: 0, high: 1, warning: 2, info: 3 };
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function severityRank(severity) {
  return SEVERITY_RANK[severity] ?? 9;
}

const pad = (n) => String(n).padStart(2, '0');

/** 2026-11-02 10:30:05 UTC */
export function utc(ms, { seconds = true } = {}) {
  if (ms === null || ms === undefined || !Number.isFinite(Number(ms))) return '—';
  const d = new Date(Number(ms));
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${seconds ? `:${pad(d.getUTCSeconds())}` : ''}`;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${time} UTC`;
}

const ZONE_KEY = 'aftershock.timeZone';

function storedZone() {
  try {
    return localStorage.getItem(ZONE_KEY) === 'local' ? 'local' : 'utc';
  } catch {
    return 'utc';
  }
}

let zone = storedZone();

/** 'utc' or 'local': the time zone times are shown in. */
export function timeZone() {
  return zone;
}

/** Shows times in `next` ('utc' or 'local') from now on, and keeps the choice in this browser. */
export function setTimeZone(next) {
  zone = next === 'local' ? 'local' : 'utc';
  try {
    if (zone === 'local') localStorage.setItem(ZONE_KEY, zone);
    else localStorage.removeItem(ZONE_KEY);
  } catch {
    // Storage refused (a private window): the choice holds for this page only.
  }
}

/** How far the chosen zone's clock is ahead of UTC at `ms`, in ms. */
export function zoneOffset(ms) {
  return zone === 'local' ? -new Date(ms).getTimezoneOffset() * MINUTE : 0;
}

/** The chosen zone's short name at `ms`: UTC, CET, GMT+1 … */
export function zoneName(ms = Date.now()) {
  if (zone === 'utc') return 'UTC';
  const part = new Intl.DateTimeFormat('en-GB', { timeZoneName: 'short' })
    .formatToParts(new Date(ms))
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'local time';
}

/** 2026-11-02 10:30:05 UTC, or in local time with its zone's name. */
export function stamp(ms, { seconds = true } = {}) {
  if (ms === null || ms === undefined || !Number.isFinite(Number(ms))) return '—';
  return `${utc(Number(ms) + zoneOffset(Number(ms)), { seconds }).slice(0, -4)} ${zoneName(Number(ms))}`;
}

/** 10:30 in the chosen zone (no date, no zone name). */
export function clockIn(ms, options) {
  return clock(ms + zoneOffset(ms), options);
}

/** 2 Nov in the chosen zone. */
export function dayMonthIn(ms) {
  return dayMonth(ms + zoneOffset(ms));
}

/** 10:30 (UTC, no date) */
export function clock(ms, { seconds = false } = {}) {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${seconds ? `:${pad(d.getUTCSeconds())}` : ''}`;
}

/** 2 Nov */
export function dayMonth(ms) {
  const d = new Date(ms);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

/** ISO text for a <time datetime>. */
export function iso(ms) {
  return Number.isFinite(Number(ms)) ? new Date(Number(ms)).toISOString() : '';
}

/** 42 s, 25 min, 3 h 12 min, 2 d 4 h */
export function duration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs < MINUTE) return `${Math.round(abs / SECOND)} s`;
  if (abs < HOUR) return `${Math.round(abs / MINUTE)} min`;
  if (abs < DAY) {
    const h = Math.floor(abs / HOUR);
    const m = Math.round((abs - h * HOUR) / MINUTE);
    return m && h < 10 ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(abs / DAY);
  const h = Math.round((abs - d * DAY) / HOUR);
  return h && d < 7 ? `${d} d ${h} h` : `${d} d`;
}

/** Age of an event: "12 min ago". */
export function ago(ms, now = Date.now()) {
  if (!Number.isFinite(ms)) return '—';
  const delta = now - ms;
  if (delta < 0) return `in ${duration(-delta)}`;
  if (delta < 10 * SECOND) return 'just now';
  return `${duration(delta)} ago`;
}

/** Hours as the best unit: 35 min, 5.2 h, 3.1 d. */
export function hours(h) {
  if (h === null || h === undefined || !Number.isFinite(h)) return '—';
  if (h < 1) return `${Math.round(h * 60)} min`;
  if (h < 48) return `${round(h, h < 10 ? 1 : 0)} h`;
  return `${round(h / 24, 1)} d`;
}

/** A probability as a percentage: 62%, <1%, >99% (only certainty reads 0% or 100%). */
export function percent(p, digits = 0) {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  const v = p * 100;
  if (v > 0 && v < 1 && digits === 0) return '<1%';
  if (v > 99 && v < 100 && digits === 0) return '>99%';
  return `${round(v, digits)}%`;
}

export function round(x, digits = 0) {
  const f = 10 ** digits;
  return (Math.round(x * f) / f).toLocaleString('en-GB', {
    minimumFractionDigits: 0,
    maximumFractionDigits: digits,
  });
}

/** A compact number: 1 234, 12.3 k, 4.5 M, 0.042. */
export function compact(x) {
  if (!Number.isFinite(x)) return '—';
  const abs = Math.abs(x);
  if (abs >= 1e6) return `${round(x / 1e6, 1)} M`;
  if (abs >= 1e4) return `${round(x / 1e3, 1)} k`;
  if (abs >= 100) return round(x, 0);
  if (abs >= 10) return round(x, 1);
  if (abs >= 1) return round(x, 2);
  if (abs === 0) return '0';
  return String(Number(x.toPrecision(2)));
}

/** Whether a dimensionless ("1") metric is a ratio that reads best as a percentage. */
export function isRatioMetric(metric, unit) {
  return (
    (unit === '1' || unit === '%' || !unit) &&
    /ratio|utili[sz]ation|rate$|percent|fraction/i.test(metric ?? '')
  );
}

/** A metric value with its unit: 245 ms, 1.2 s, 4.2%, 12.3/s, 512 MiB. */
export function withUnit(value, unit, metric) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (unit === 's') {
    if (Math.abs(value) < 1) return `${compact(value * 1000)} ms`;
    return `${compact(value)} s`;
  }
  if (unit === 'ms') return Math.abs(value) >= 1000 ? `${compact(value / 1000)} s` : `${compact(value)} ms`;
  if (unit === '%') return `${compact(value)}%`;
  if (isRatioMetric(metric, unit)) return `${compact(value * 100)}%`;
  if (unit === 'By') {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let v = value;
    let i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${compact(v)} ${units[i]}`;
  }
  if (unit === '1/s') return `${compact(value)}/s`;
  if (!unit || unit === '1') return compact(value);
  const u = unit.replace(/^\{(.*)\}$/, '$1');
  return `${compact(value)} ${u}`;
}

/** The unit as a person names it in an axis caption. */
export function unitName(unit, metric) {
  if (unit === 's' || unit === 'ms') return 'time';
  if (isRatioMetric(metric, unit)) return '%';
  if (unit === '1/s') return 'per second';
  if (!unit || unit === '1') return '';
  return unit.replace(/^\{(.*)\}$/, '$1');
}

/**
 * A schedule in words: "every day at 02:00 UTC", "every Monday at 02:00 UTC",
 * "every hour at :15", "every 6 hours". anchor: a time the repeats happen at.
 */
export function periodWords(periodMs, anchor) {
  if (!periodMs || !Number.isFinite(periodMs)) return null;
  const near = (target) => Math.abs(periodMs - target) <= target * 0.05;
  const at = Number.isFinite(anchor) ? roundTo(anchor, 5 * MINUTE) : null;
  if (near(DAY)) return at === null ? 'every day' : `every day at ${clock(at)} UTC`;
  if (near(WEEK)) {
    return at === null ? 'every week' : `every ${WEEKDAYS[new Date(at).getUTCDay()]} at ${clock(at)} UTC`;
  }
  if (near(HOUR)) return at === null ? 'every hour' : `every hour at :${pad(new Date(at).getUTCMinutes())}`;
  for (const [unit, ms] of [
    ['week', WEEK],
    ['day', DAY],
    ['hour', HOUR],
    ['minute', MINUTE],
  ]) {
    const n = periodMs / ms;
    if (n >= 1 && Math.abs(n - Math.round(n)) < 0.05) {
      const k = Math.round(n);
      return k === 1 ? `every ${unit}` : `every ${k} ${unit}s`;
    }
  }
  return `about every ${duration(periodMs)}`;
}

function roundTo(ms, step) {
  return Math.round(ms / step) * step;
}

const FACTOR_NAMES = {
  prior: 'Risk of the change',
  'onset-alignment': 'Onset during rollout',
  verification: 'Verification verdict',
  'change-kind': 'Change kind',
  timing: 'Timing',
  topology: 'Dependency path',
  'rollback-confirmation': 'Rollback',
  'no-change': 'No change',
  'hour-of-day': 'Hour of day',
  'day-of-week': 'Day of week',
  'suspect-service': 'Suspect service',
  service: 'Service',
  component: 'Component',
  label: 'Alert label',
  policy: 'Policy',
};

/** "onset-alignment" → "Onset during rollout"; unknown names are made readable. */
export function factorName(factor) {
  if (FACTOR_NAMES[factor]) return FACTOR_NAMES[factor];
  const words = String(factor ?? '')
    .replace(/[-_.]+/g, ' ')
    .trim();
  return words ? words[0].toUpperCase() + words.slice(1) : '—';
}

/**
 * How much one piece of evidence moves the belief. weight = ln(likelihood ratio).
 * Returns { words, direction: 'for' | 'against' | 'neutral' }.
 */
export function evidenceStrength(weight) {
  if (!Number.isFinite(weight) || Math.abs(weight) < 0.05) return { words: 'neutral', direction: 'neutral' };
  const direction = weight > 0 ? 'for' : 'against';
  const a = Math.abs(weight);
  const strength = a >= 2 ? 'strongly' : a >= 0.7 ? 'clearly' : 'slightly';
  return { words: `${strength} ${weight > 0 ? 'for' : 'against'}`, direction };
}

export function kindName(kind) {
  return (
    {
      deployment: 'deployment',
      config: 'config change',
      feature_flag: 'feature flag',
      infrastructure: 'infrastructure change',
      database_migration: 'database migration',
      rollback: 'rollback',
      other: 'change',
      regression: 'post-deploy regression',
      alert: 'alert',
      anomaly: 'anomaly',
    }[kind] ?? String(kind ?? 'change')
  );
}

export function statusName(status) {
  return String(status ?? '').replace(/_/g, ' ');
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}
