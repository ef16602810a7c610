// Shared measuring for the benchmarks: throughput of a loop over a fixed duration after a
// warm-up, latency percentiles, peak RSS, and a table printer. Benchmarks print figures; no
// test ever asserts on them.
export interface Throughput {
  readonly perSecond: number;
  readonly iterations: number;
  readonly seconds: number;
}

/** Runs `step` repeatedly for about `seconds` (after a short warm-up) and returns items/s. */
export function measureThroughput(step: () => number, seconds = 1.5): Throughput {
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) step();
  let items = 0;
  let iterations = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  while (performance.now() < until) {
    items += step();
    iterations++;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { perSecond: items / elapsed, iterations, seconds: elapsed };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Tracks the process's peak resident set size while a benchmark runs. */
export class PeakRss {
  private peak = process.memoryUsage.rss();
  private start = this.peak;
  private readonly timer = setInterval(() => this.sample(), 50);

  sample(): number {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
    return this.peak;
  }

  /** Starts a phase: describe() then reports the peak since, and how far above the phase's start it went. */
  reset(): void {
    this.peak = 0;
    this.start = this.sample();
  }

  describe(): string {
    this.sample();
    const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);
    return `peak RSS ${mib(this.peak)} MB (+${mib(this.peak - this.start)} MB in the phase)`;
  }

  stop(): number {
    clearInterval(this.timer);
    return this.sample();
  }
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
export const rate = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M/s` : `${(n / 1e3).toFixed(1)} k/s`);

/** Prints rows as an aligned text table. */
export function table(
  log: (line: string) => void,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) log(line(row));
}
