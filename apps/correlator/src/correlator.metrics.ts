// The correlator's own metrics: verifications running and incidents active (read at each
// scrape), incidents opened and verdicts reached (counted as they are published).
import type { CorrelatorOutput } from '#core';
import { meter } from '#observability';

const incidentsOpened = meter.createCounter('aftershock.incidents.opened', {
  description: 'Incidents opened (first version published), by severity',
  unit: '{incident}',
});
const verdictsFinal = meter.createCounter('aftershock.verifications.completed', {
  description: 'Final post-deployment verdicts published, by outcome',
  unit: '{verification}',
});
const verificationsActive = meter.createObservableGauge('aftershock.verifications.active', {
  description: 'Changes being verified by this instance now',
  unit: '{verification}',
});
const incidentsActive = meter.createObservableGauge('aftershock.incidents.active', {
  description: 'Incidents open or acknowledged on this instance now',
  unit: '{incident}',
});

/** Counts what a batch of outputs publishes. */
export function countOutputs(outputs: readonly CorrelatorOutput[]): void {
  for (const output of outputs) {
    if (output.type === 'incident' && output.incident.version === 1) {
      incidentsOpened.add(1, { severity: output.incident.severity });
    } else if (output.type === 'verdict' && output.verdict.final) {
      verdictsFinal.add(1, { outcome: output.verdict.outcome });
    }
  }
}

/** Reports the engine's state at each scrape; returns the function that stops it. */
export function observeEngine(state: {
  activeVerifications(): number;
  activeIncidents(): number;
}): () => void {
  const verifications = (result: { observe(value: number): void }) =>
    result.observe(state.activeVerifications());
  const incidents = (result: { observe(value: number): void }) => result.observe(state.activeIncidents());
  verificationsActive.addCallback(verifications);
  incidentsActive.addCallback(incidents);
  return () => {
    verificationsActive.removeCallback(verifications);
    incidentsActive.removeCallback(incidents);
  };
}
