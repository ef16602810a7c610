// The clock-ahead test run (AFTERSHOCK_TEST_CLOCK_AHEAD=365d in scripts/test.sh): every Node process
// of the run (scripts/clock-ahead.mjs) and every browser page (test/ui/support/browser.ts) sees
// Date.now() and `new Date()` that far ahead, so a test leaning on today's date fails today.

/** The offset in ms for `365d`, `12h` or `30m`; 0 when unset. */
export function testClockOffsetMs(value: string | undefined): number {
  if (!value) return 0;
  const match = /^(\d+)(d|h|m)$/.exec(value.trim());
  if (!match)
    throw new Error(`AFTERSHOCK_TEST_CLOCK_AHEAD: "${value}" is not a duration such as 365d, 12h or 30m`);
  return Number(match[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[match[2] as 'd' | 'h' | 'm'];
}

/**
 * Moves this realm's Date by `offset` ms. Self-contained (no imports, no helpers) because a
 * browser page receives it as source text.
 */
export function shiftDate(offset: number): void {
  const RealDate = Date;
  const now = () => RealDate.now() + offset;
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args: unknown[], newTarget: NewableFunction) =>
      Reflect.construct(target, args.length > 0 ? args : [now()], newTarget) as object,
    apply: () => new RealDate(now()).toString(),
    get: (target, property, receiver) => (property === 'now' ? now : Reflect.get(target, property, receiver)),
  });
}
