// A one-waiter wake-up flag: `notify()` before `wait()` is not lost, and nothing piles up
// when notifications outnumber waits (unlike racing shared promises in a loop).
export class Wakeup {
  private pending = false;
  private resolve: (() => void) | undefined;

  notify(): void {
    if (this.resolve) {
      const resolve = this.resolve;
      this.resolve = undefined;
      resolve();
    } else {
      this.pending = true;
    }
  }

  wait(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => (this.resolve = resolve));
  }
}
