// Numbers in words a person on call reads at 3 a.m.: "p95 latency rose from 120 ms to 910 ms
// (+658%), p < 0.001". Units follow the signal (ms/s for latency, % for ratios).
import type { ResolvedSignal } from './signals.js';

export function formatValue(v: number, rawUnit: string): string {
  if (!Number.isFinite(v)) return String(v);
  // UCUM annotations such as {request} name the thing counted; they are not a unit to print.
  const unit = rawUnit.replace(/\{[^}]*\}/g, '').trim();
  switch (unit) {
    case 's': {
      const a = Math.abs(v);
      if (a === 0) return '0 ms';
      if (a < 1) return `${sig(v * 1000)} ms`;
      return `${sig(v)} s`;
    }
    case 'ratio':
      return `${sig(v * 100, v !== 0 && Math.abs(v) < 0.001 ? 2 : 3)}%`;
    case '%':
      return `${sig(v)}%`;
    case '1/s':
      return `${sig(v)}/s`;
    case '1':
    case '':
      return sig(v);
    default: {
      // UCUM writes bytes "By" (By, kBy, MiBy, as OpenTelemetry sends them); people read B, kB, MiB.
      const shown = /^(?:[kKMGTP]i?)?By$/.test(unit) ? unit.slice(0, -1) : unit;
      return shown.startsWith('/') ? `${sig(v)}${shown}` : `${sig(v)} ${shown}`;
    }
  }
}

// One formatter per number of decimals: toLocaleString with options builds a new one per call,
// which made wording a sixth of a busy verifier's time.
const formatters: Intl.NumberFormat[] = [];
function formatter(decimals: number): Intl.NumberFormat {
  return (formatters[decimals] ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: decimals }));
}

/** Up to `digits` significant digits, no exponent for everyday magnitudes, thousands separated. */
export function sig(v: number, digits = 3): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e15 || a < 1e-6) return v.toExponential(digits - 1);
  const decimals = Math.min(12, Math.max(0, digits - 1 - Math.floor(Math.log10(a))));
  return formatter(decimals).format(Number(v.toFixed(decimals)));
}

/**
 * A probability as a whole percentage a person reads as a level of belief: "62%", "<1%", ">99%".
 * Only certainty reads 0% or 100%, so two near-certain figures (99.4%, 99.6%) do not read as
 * "99%" against "100%".
 */
export function formatProbability(p: number): string {
  if (!Number.isFinite(p)) return 'n/a';
  const v = p * 100;
  if (v > 0 && v < 1) return '<1%';
  if (v > 99 && v < 100) return '>99%';
  return `${Math.round(v)}%`;
}

export function formatP(p: number): string {
  if (!Number.isFinite(p)) return 'p = n/a';
  if (p < 0.001) return 'p < 0.001';
  return `p = ${Number(p.toPrecision(2))}`;
}

/** Relative change as a signed percentage: "+658%", "−12%"; "new" when the baseline was 0. */
export function formatChange(from: number, to: number): string {
  if (from === 0) return to === 0 ? '±0%' : 'from zero';
  const rel = (to - from) / Math.abs(from);
  const pct = rel * 100;
  const text = Math.abs(pct) >= 100 ? Math.round(pct).toLocaleString('en-US') : sig(pct, 2);
  return `${pct >= 0 ? '+' : '−'}${text.replace('-', '')}%`;
}

export function formatFor(signal: ResolvedSignal, v: number): string {
  return formatValue(v, signal.unit);
}

export function formatDuration(ms: number): string {
  const min = ms / 60_000;
  if (min >= 1) return `${sig(min, 3)} min`;
  return `${sig(ms / 1000, 3)} s`;
}
