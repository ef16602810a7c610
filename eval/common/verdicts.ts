// The verdicts a replay produced, by change, in the order the correlator gave them.
import type { Verdict } from '#contracts';
import type { CorrelatorOutput } from '#core';

export class VerdictLog {
  readonly byChange = new Map<string, Verdict[]>();
  count = 0;

  collect(outputs: readonly CorrelatorOutput[]): void {
    for (const o of outputs) {
      if (o.type !== 'verdict') continue;
      this.count++;
      const list = this.byChange.get(o.verdict.changeId) ?? [];
      list.push(o.verdict);
      this.byChange.set(o.verdict.changeId, list);
    }
  }

  firstFail(changeId: string): Verdict | undefined {
    return this.byChange.get(changeId)?.find((v) => v.outcome === 'fail');
  }
}
