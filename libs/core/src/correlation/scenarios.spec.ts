// One scenario file per behaviour (libs/core/scenarios/correlation/*.json), replayed through the
// whole correlator with the broker-free test driver, under every delivery the file lists.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCorrelationScenarios } from './scenario-files.spec-support.js';
import { runScenario, type DriverRun } from '../testing/correlation-driver.js';

interface ExpectedIncident {
  readonly services: readonly string[];
  readonly topSuspect: string | null;
  readonly minProbability?: number;
  readonly kind?: string;
  readonly status?: string;
  readonly severity?: string;
  readonly members?: number;
  readonly evidence?: readonly string[];
  readonly positiveEvidence?: string;
}
interface Expectation {
  readonly incidents: readonly ExpectedIncident[];
  readonly verdicts?: Readonly<Record<string, string>>;
  readonly sameAcrossDeliveries?: boolean;
}

const scenarios = loadCorrelationScenarios();

function check(run: DriverRun, expect: Expectation, where: string): void {
  const summary = run.incidents.map(
    (i) =>
      `${i.id} ${i.services.join('+')} top=${i.suspects[0]?.changeId}@${i.suspects[0]?.probability.toFixed(2)}`,
  );
  assert.equal(
    run.incidents.length,
    expect.incidents.length,
    `${where}: incidents ${JSON.stringify(summary)}`,
  );
  expect.incidents.forEach((want, n) => {
    const got = run.incidents[n]!;
    const top = got.suspects[0];
    assert.deepEqual(
      [...got.services].sort(),
      [...want.services].sort(),
      `${where}: services of incident ${n}`,
    );
    assert.equal(
      top?.changeId ?? null,
      want.topSuspect,
      `${where}: top suspect of incident ${n}: ${JSON.stringify(got.suspects.map((s) => [s.changeId, s.probability]))}`,
    );
    if (want.minProbability !== undefined)
      assert.ok(top!.probability >= want.minProbability, `${where}: p=${top!.probability}`);
    if (want.kind) assert.equal(got.kind, want.kind, `${where}: kind`);
    if (want.status) assert.equal(got.status, want.status, `${where}: status`);
    if (want.severity) assert.equal(got.severity, want.severity, `${where}: severity`);
    if (want.members !== undefined)
      assert.equal(got.members.length, want.members, `${where}: members ${JSON.stringify(got.members)}`);
    for (const factor of want.evidence ?? []) {
      assert.ok(
        top!.evidence.some((e) => e.factor === factor),
        `${where}: evidence ${factor} in ${JSON.stringify(top!.evidence)}`,
      );
    }
    if (want.positiveEvidence) {
      const e = top!.evidence.find((x) => x.factor === want.positiveEvidence)!;
      assert.ok(e.weight > 0, `${where}: ${e.factor} weighs for the suspect: ${e.detail}`);
    }
    for (const e of top?.evidence ?? [])
      assert.ok(e.detail.length > 10, 'every piece of evidence is explained in words');
  });
  for (const [change, outcome] of Object.entries(expect.verdicts ?? {})) {
    assert.equal(
      run.verdicts.get(change)?.outcome,
      outcome,
      `${where}: verdict of ${change}: ${run.verdicts.get(change)?.summary}`,
    );
  }
}

describe('correlator scenarios', () => {
  for (const { file, scenario } of scenarios) {
    it(`${scenario.name} (${file})`, () => {
      const expect = scenario.expect as Expectation;
      const deliveries = scenario.deliveries ?? [{ name: 'in order' }];
      const runs = deliveries.map((d) => {
        const run = runScenario(scenario, d);
        check(run, expect, `${file} / ${d.name ?? 'default'}`);
        return run;
      });
      if (expect.sameAcrossDeliveries) {
        const shape = (r: DriverRun) =>
          r.incidents.map((i) => ({
            id: i.id,
            services: i.services,
            top: i.suspects[0]?.changeId,
            status: i.status,
          }));
        for (const r of runs.slice(1))
          assert.deepEqual(shape(r), shape(runs[0]!), 'same incidents whatever the delivery');
      }
      const again = runScenario(scenario, deliveries[0]);
      assert.deepEqual(again.outputs, runs[0]!.outputs, 'replaying the same input gives the same output');
    });
  }
});
