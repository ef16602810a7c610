// A progress line on stderr for long-running commands, drawn only on a terminal and at most
// ten times a second: `[#######.............]  43%  1,234,567 events  412,345 events/s`.
export class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = 0;
  private readonly enabled: boolean;

  /** `total` is in the same unit as `done` in update() (bytes read, files…); 0 = unknown. */
  constructor(
    private readonly unit: string,
    private readonly total = 0,
    stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = stream.isTTY === true;
  }

  update(count: number, done?: number): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const rate = count / Math.max((now - this.started) / 1000, 1e-3);
    const stats = `${count.toLocaleString('en')} ${this.unit}  ${Math.round(rate).toLocaleString('en')} ${this.unit}/s`;
    if (this.total > 0 && done !== undefined) {
      const fraction = Math.min(1, done / this.total);
      const filled = Math.round(fraction * 24);
      const bar = '#'.repeat(filled) + '.'.repeat(24 - filled);
      process.stderr.write(`\r[${bar}] ${String(Math.round(fraction * 100)).padStart(3)}%  ${stats}\x1b[K`);
    } else process.stderr.write(`\r${stats}\x1b[K`);
  }

  /** Removes the bar (before an error message). */
  clear(): void {
    if (this.enabled) process.stderr.write('\r\x1b[K');
  }

  /** Replaces the bar with a closing summary line (on a terminal only). */
  finish(summary: (seconds: number) => string): void {
    if (!this.enabled) return;
    process.stderr.write(`\r${summary((performance.now() - this.started) / 1000)}\x1b[K\n`);
  }
}
