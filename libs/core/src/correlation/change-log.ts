// What the correlator remembers about recent changes: the changes themselves by service (for
// candidate search), their verdicts and risk priors (evidence), and rollbacks (later evidence).
// Bounded by time: changes older than the retention are forgotten on each prune. The changes are
// also kept in start-time order, so pruning and the candidate search cost what they return, not
// the size of the log (which holds a day of changes: at one deploy a minute, 1,500 of them).
import type { Assessment, Change, Verdict } from '#contracts';
import { resolveSignal } from '../verification/signals.js';
import type { ChangeFacts } from './attribution.js';

export class ChangeLog {
  private readonly changes = new Map<string, Change>();
  /** The same changes sorted by (startedAt, id), between()'s order. */
  private readonly byStart: Change[] = [];
  private readonly verdicts = new Map<string, Verdict>();
  private readonly priors = new Map<string, number>();
  private readonly rollbacks = new Map<string, Change>();

  constructor(private readonly retentionMs: number) {}

  /** Adds a change; returns false for a redelivered one. */
  add(change: Change): boolean {
    if (this.changes.has(change.id)) return false;
    this.changes.set(change.id, change);
    // Changes mostly arrive in start order: the insertion point is found from the end.
    let i = this.byStart.length;
    while (i > 0 && byStartThenId(this.byStart[i - 1]!, change) > 0) i--;
    this.byStart.splice(i, 0, change);
    if (change.rollbackOf) this.rollbacks.set(change.rollbackOf, change);
    return true;
  }

  get(id: string): Change | undefined {
    return this.changes.get(id);
  }

  recordVerdict(verdict: Verdict): void {
    const known = this.verdicts.get(verdict.changeId);
    // A final verdict wins over interim looks; among looks, the later one.
    if (
      !known ||
      (verdict.final && !known.final) ||
      (verdict.final === known.final && verdict.look >= known.look)
    ) {
      this.verdicts.set(verdict.changeId, verdict);
    }
  }

  recordAssessment(assessment: Assessment): void {
    this.priors.set(assessment.changeId, assessment.probability);
  }

  /** Changes that started within [from, to], any service. */
  between(from: number, to: number): Change[] {
    const out: Change[] = [];
    for (let i = this.firstAtOrAfter(from); i < this.byStart.length; i++) {
      const change = this.byStart[i]!;
      if (change.startedAt > to) break;
      out.push(change);
    }
    return out;
  }

  /** Index of the first change starting at or after t (binary search). */
  private firstAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.byStart.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.byStart[mid]!.startedAt < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether the change has a failing verdict (facts() reports every fail, interim or final). */
  failed(id: string): boolean {
    return this.verdicts.get(id)?.outcome === 'fail';
  }

  facts(change: Change): ChangeFacts {
    const verdict = this.verdicts.get(change.id);
    // Only a failing interim look counts before the final verdict: interim passes are not passes yet.
    const usable = verdict && (verdict.final || verdict.outcome === 'fail') ? verdict : undefined;
    // …but the interim looks that judged something and found nothing are evidence of their own.
    const judged = verdict && !usable ? verdict.metrics.filter((m) => m.test !== 'none').length : 0;
    return {
      progress:
        verdict && !usable && judged > 0
          ? {
              clearSinceMs: verdict.decidedAt - verdict.observationStart,
              look: verdict.look,
              tests: judged,
              nearest: nearestMove(verdict),
            }
          : undefined,
      verdict: usable
        ? {
            outcome: usable.outcome,
            summary: usable.summary,
            decidedAt: usable.decidedAt,
            failingKinds: usable.outcome === 'fail' ? failingKinds(usable) : undefined,
            failingMetrics:
              usable.outcome === 'fail'
                ? usable.metrics.filter((m) => m.outcome === 'fail').map((m) => m.metric)
                : undefined,
          }
        : undefined,
      riskProbability: this.priors.get(change.id),
      rolledBackBy: this.rollbacks.get(change.id),
    };
  }

  prune(watermark: number): void {
    const expired = this.firstAtOrAfter(watermark - this.retentionMs);
    if (expired === 0) return;
    for (const { id } of this.byStart.splice(0, expired)) {
      this.changes.delete(id);
      this.verdicts.delete(id);
      this.priors.delete(id);
      this.rollbacks.delete(id);
    }
  }

  get size(): number {
    return this.changes.size;
  }
}

/** Golden-signal kinds of a verdict's failing metrics (display names may carry `{labels}`). */
/** The judged metric that moved furthest in its bad direction by its p-value, if any moved that way. */
function nearestMove(verdict: Verdict): { metric: string; pValue: number } | undefined {
  let best: { metric: string; pValue: number } | undefined;
  for (const m of verdict.metrics)
    if (m.test !== 'none' && m.pValue !== null && (m.effect ?? 0) > 0 && (!best || m.pValue < best.pValue))
      best = { metric: m.metric, pValue: m.pValue };
  return best;
}

function failingKinds(verdict: Verdict): string[] {
  const kinds = new Set<string>();
  for (const m of verdict.metrics) {
    if (m.outcome !== 'fail') continue;
    const name = m.metric.replace(/\{.*\}$/, '');
    kinds.add(resolveSignal(name, null)?.spec.kind ?? 'unknown');
  }
  return [...kinds];
}

function byStartThenId(a: Change, b: Change): number {
  return a.startedAt - b.startedAt || a.id.localeCompare(b.id);
}
