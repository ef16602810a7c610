// Reports carry the figures of their last run: a script with --write replaces the text between
// `<!-- name:start -->` and `<!-- name:end -->` in its REPORT.md.
import { readFileSync, writeFileSync } from 'node:fs';

export { median } from '#core';

export function writeSection(file: string, marker: string, body: string): void {
  const text = readFileSync(file, 'utf8');
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`markers ${start} … ${end} not found in ${file}`);
  writeFileSync(file, `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`);
}

/** A progress line on stderr, rewritten in place on a terminal and printed every `every` steps otherwise. */
export function progress(label: string, total: number, every = Math.max(1, Math.round(total / 10))) {
  const started = performance.now();
  const tty = process.stderr.isTTY;
  return (done: number, note = ''): void => {
    if (!tty && done !== total && done % every !== 0) return;
    const elapsed = (performance.now() - started) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
    const line = `${label}: ${done}/${total}${note ? ` ${note}` : ''} (${elapsed.toFixed(0)} s${done < total && Number.isFinite(eta) ? `, ~${eta.toFixed(0)} s left` : ''})`;
    process.stderr.write(tty ? `\r${line}\u001b[K${done === total ? '\n' : ''}` : `${line}\n`);
  };
}

export const pct = (k: number, n: number, digits = 0): string =>
  n > 0 ? `${((100 * k) / n).toFixed(digits)}%` : '–';
