// Samples resident memory while a benchmark phase runs (maxRSS only ever grows over a process).
export class PeakRss {
  private peak = 0;
  private start = 0;
  private readonly timer = setInterval(() => this.sample(), 50);

  reset(): void {
    this.peak = 0;
    this.sample();
    this.start = this.peak;
  }

  /** Peak during the phase, and how far above the phase's start it went. */
  describe(): string {
    this.sample();
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    return `peak RSS ${mb(this.peak)} MB (+${mb(this.peak - this.start)} MB in the phase)`;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }
}
