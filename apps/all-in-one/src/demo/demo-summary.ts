// The short summary the first command prints after the demo: what a person should look at.
import type { Incident, Problem, Verdict } from '#contracts';
import { formatProbability } from '#core';
import type { DemoScenario } from '#demo';
import type { BudgetSpent } from '../../../api/src/slo/slo-budgets.js';
import type { DemoOutcome } from './demo-runner.js';

const HOUR = 3_600_000;

export function demoSummary(
  scenario: DemoScenario,
  outcome: DemoOutcome,
  url: string,
  token: string | undefined,
): string {
  const lines: string[] = [];
  const day = new Date(scenario.end - 24 * HOUR).toISOString().slice(0, 10);
  lines.push(
    `Demo day ${day} streamed in ${outcome.seconds.toFixed(0)} s: ${scenario.counts.telemetryPoints.toLocaleString('en')} telemetry points, ` +
      `${scenario.counts.deploys} changes, ${scenario.counts.alerts} alert episodes.`,
    '',
    `Incidents (${outcome.incidents.length}):`,
    ...outcome.incidents.map((i) => incidentLine(i, outcome.budgets[i.id] ?? [])),
    '',
    verdictLine(outcome.verdicts),
    '',
    `Problem candidates (${outcome.problems.length}):`,
    ...outcome.problems.map(problemLine),
    '',
    `Open the UI: ${url}/${token ? `  (token: ${token})` : ''}`,
    'Aftershock keeps running; stop it with Ctrl-C.',
  );
  return lines.join('\n');
}

function incidentLine(i: Incident, budgets: readonly BudgetSpent[]): string {
  const top = i.suspects[0];
  const suspect = top?.changeId
    ? `${top.kind ?? 'change'} ${top.changeId} on ${top.service}`
    : 'no likely change';
  const p = top ? ` (${formatProbability(top.probability)})` : '';
  return `  [${i.severity}] ${i.title} — ${i.status}; top suspect: ${suspect}${p}; ${budgetWords(budgets)}`;
}

/** "SLO budget spent: checkout-availability 30.9%, …", or "no SLO". */
function budgetWords(budgets: readonly BudgetSpent[]): string {
  if (budgets.length === 0) return 'no SLO';
  return `SLO budget spent: ${budgets.map((b) => `${b.slo} ${(b.spent * 100).toFixed(1)}%`).join(', ')}`;
}

function verdictLine(verdicts: readonly Verdict[]): string {
  const by = (o: string) => verdicts.filter((v) => v.outcome === o);
  const fails = by('fail').map((v) => v.changeId);
  return (
    `Verdicts: ${verdicts.length} changes verified — ${by('pass').length} pass, ${fails.length} fail` +
    `${fails.length ? ` (${fails.join(', ')})` : ''}, ${by('inconclusive').length} inconclusive.`
  );
}

function problemLine(p: Problem): string {
  const period = p.periodMs ? `, repeats every ${describePeriod(p.periodMs)}` : '';
  const factors = p.sharedFactors.map((f) => `${f.factor} ${f.value}`).join(', ');
  return `  [${p.status}] ${p.title} — ${p.count} incidents${period}${factors ? `; shared: ${factors}` : ''}`;
}

function describePeriod(ms: number): string {
  if (ms % (24 * HOUR) === 0) return ms === 24 * HOUR ? 'day' : `${ms / (24 * HOUR)} days`;
  if (ms % HOUR === 0) return ms === HOUR ? 'hour' : `${ms / HOUR} hours`;
  return `${Math.round(ms / 60_000)} min`;
}
