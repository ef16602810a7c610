// The api's views as the scorecard reads them: one mapping from each view (an SLO, a DORA row,
// a ranked problem, the verdicts of a period) to the core's input, shared by the scorecard
// service and the UI's contract stub so both hand the core the same thing.
import type { Verdict } from '#contracts';
import { strictestObjective, type ScorecardDora, type ScorecardProblem, type ScorecardSlo } from '#core';
import type { DoraRow } from '../dora/dora.service.js';
import type { RankedProblem } from '../problems/problems.service.js';
import type { SloView } from '../slo/slo-budgets.js';

export type VerificationCounts = { pass: number; fail: number; inconclusive: number };

/** An SLO by its strictest objective (the highest target: its budget burns first); none before any objective is computed. */
export function scorecardSlo(view: SloView): ScorecardSlo | undefined {
  const o = strictestObjective(view.objectives);
  if (!o) return undefined;
  return {
    name: view.name,
    service: view.service,
    target: o.target,
    sli: o.sli,
    consumed: o.consumed,
    window: view.window.text,
  };
}

export function scorecardDora(
  row: Pick<
    DoraRow,
    'deploymentsPerDay' | 'leadTime' | 'changeFailureRate' | 'timeToRestore' | 'bands' | 'band'
  >,
): ScorecardDora {
  return {
    deploymentsPerDay: row.deploymentsPerDay,
    leadTimeMedianMs: row.leadTime?.medianMs ?? null,
    changeFailureRate: row.changeFailureRate.rate,
    timeToRestoreMedianMs: row.timeToRestore?.medianMs ?? null,
    bands: row.bands,
    band: row.band,
  };
}

export function scorecardProblem(
  p: Pick<RankedProblem, 'id' | 'title' | 'status' | 'services' | 'firstSeen' | 'count' | 'budget'>,
): ScorecardProblem {
  return {
    id: p.id,
    title: p.title,
    status: p.status,
    services: p.services,
    firstSeen: p.firstSeen,
    incidents: p.count,
    spent: p.budget.bySlo.map((b) => ({ slo: b.slo, spent: b.spent })),
  };
}

/** Per service, the outcome of each change's last look (its final verdict once there is one). */
export function verificationCounts(verdicts: readonly Verdict[]): Map<string, VerificationCounts> {
  const last = new Map<string, Verdict>();
  for (const v of verdicts) {
    const known = last.get(v.changeId);
    if (!known || (!known.final && (v.final || v.decidedAt >= known.decidedAt))) last.set(v.changeId, v);
  }
  const out = new Map<string, VerificationCounts>();
  for (const v of last.values()) {
    const counts = out.get(v.service) ?? { pass: 0, fail: 0, inconclusive: 0 };
    counts[v.outcome]++;
    out.set(v.service, counts);
  }
  return out;
}
