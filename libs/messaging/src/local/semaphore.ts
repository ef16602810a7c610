// Bounds how many batches one subscription handles at once (maxInFlightBatches).
export class Semaphore {
  private readonly waiters: ((granted: boolean) => void)[] = [];

  constructor(private free: number) {}

  /** A release function, or undefined when `signal` aborts first. */
  async acquire(signal: AbortSignal): Promise<(() => void) | undefined> {
    if (signal.aborted) return undefined;
    if (this.free > 0) this.free--;
    else {
      const granted = await new Promise<boolean>((resolve) => {
        const onAbort = () => {
          const index = this.waiters.indexOf(wake);
          if (index >= 0) this.waiters.splice(index, 1);
          resolve(false);
        };
        const wake = (ok: boolean) => {
          signal.removeEventListener('abort', onAbort);
          resolve(ok);
        };
        this.waiters.push(wake);
        signal.addEventListener('abort', onAbort, { once: true });
      });
      if (!granted) return undefined;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next(true);
      else this.free++;
    };
  }
}
