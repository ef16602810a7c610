// What the correlator remembers about recent changes: the changes themselves by service (for
// candidate search), their verdicts and risk priors (evidence), and rollbacks (later evidence).
// Bounded by time: changes older than the retention are forgotten on each prune.
import type { Assessment, Change, Verdict } from '#contracts';
import { resolveSignal } from '../verification/signals.js';
import type { ChangeFacts } from './attribution.js';

export class ChangeLog {
  private readonly changes = new Map<string, Change>();
  private readonly verdicts = new Map<string, Verdict>();
  private readonly priors = new Map<string, number>();
  private readonly rollbacks = new Map<string, Change>();

  constructor(private readonly retentionMs: number) {}

  /** Adds a change; returns false for a redelivered one. */
  add(change: Change): boolean {
    if (this.changes.has(change.id)) return false;
    this.changes.set(change.id, change);
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
    for (const change of this.changes.values()) {
      if (change.startedAt >= from && change.startedAt <= to) out.push(change);
    }
    return out.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  }

  facts(change: Change): ChangeFacts {
    const verdict = this.verdicts.get(change.id);
    // Only a failing interim look counts before the final verdict: interim passes are not passes yet.
    const usable = verdict && (verdict.final || verdict.outcome === 'fail') ? verdict : undefined;
    return {
      verdict: usable
        ? {
            outcome: usable.outcome,
            summary: usable.summary,
            decidedAt: usable.decidedAt,
            failingKinds: usable.outcome === 'fail' ? failingKinds(usable) : undefined,
          }
        : undefined,
      riskProbability: this.priors.get(change.id),
      rolledBackBy: this.rollbacks.get(change.id),
    };
  }

  prune(watermark: number): void {
    for (const [id, change] of this.changes) {
      if (change.startedAt < watermark - this.retentionMs) {
        this.changes.delete(id);
        this.verdicts.delete(id);
        this.priors.delete(id);
        this.rollbacks.delete(id);
      }
    }
  }

  get size(): number {
    return this.changes.size;
  }
}

/** Golden-signal kinds of a verdict's failing metrics (display names may carry `{labels}`). */
function failingKinds(verdict: Verdict): string[] {
  const kinds = new Set<string>();
  for (const m of verdict.metrics) {
    if (m.outcome !== 'fail') continue;
    const name = m.metric.replace(/\{.*\}$/, '');
    kinds.add(resolveSignal(name, null)?.spec.kind ?? 'unknown');
  }
  return [...kinds];
}
