// A correlator killed mid-scenario and rebuilt from what it would read back carries on as if
// nothing happened: the same incidents (ids, services, status, top suspect), the same verdicts,
// and no incident version number published twice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Incident } from '#contracts';
import { loadCorrelationScenarios } from './scenario-files.spec-support.js';
import { runScenario, type CorrelationScenario, type DriverRun } from '../testing/correlation-driver.js';

const shape = (run: DriverRun) => ({
  incidents: run.incidents.map((i: Incident) => ({
    id: i.id,
    services: i.services,
    status: i.status,
    top: i.suspects[0]?.changeId ?? null,
    members: i.members.map((m) => m.ref).sort(),
  })),
  verdicts: Object.fromEntries([...run.verdicts].map(([change, v]) => [change, v.outcome])),
});

/** Per incident, the versions published in order: each one higher than the last. */
function assertVersionsIncrease(run: DriverRun, where: string): void {
  const last = new Map<string, number>();
  for (const output of run.outputs) {
    if (output.type !== 'incident') continue;
    const { id, version } = output.incident;
    const before = last.get(id) ?? 0;
    assert.ok(version > before, `${where}: ${id} published version ${version} after ${before}`);
    last.set(id, version);
  }
}

describe('rebuilding the correlator after a restart', () => {
  for (const { file, scenario } of loadCorrelationScenarios()) {
    it(`${scenario.name} (${file}): a restart anywhere changes nothing`, () => {
      const delivery = scenario.deliveries?.[0] ?? {};
      const whole = runScenario(scenario, delivery);
      const minutes = lastMinute(scenario) || 60;
      for (const fraction of [0.25, 0.5, 0.75]) {
        const restartAt = Math.round(minutes * fraction);
        const where = `${file} restarted at minute ${restartAt}`;
        const restarted = runScenario(scenario, delivery, { restartAt });
        assert.deepEqual(shape(restarted), shape(whole), where);
        assertVersionsIncrease(restarted, where);
      }
    });
  }
});

/** The scenario's last scripted minute (changes, alerts, series shifts). */
function lastMinute(scenario: CorrelationScenario): number {
  return Math.max(
    0,
    ...(scenario.changes ?? []).map((c) => c.at + (c.durationMinutes ?? 2)),
    ...(scenario.alerts ?? []).map((a) => a.resolvedAt ?? a.at),
    ...(scenario.series ?? []).map((s) => s.shiftAt),
  );
}
