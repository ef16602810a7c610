// Replays every scenario file in libs/core/scenarios/verification/ (except anomaly-*.json,
// which belong to the anomaly detector's spec) through the verifier with a fake clock, and
// checks the expectations the file states.
import { readdirSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { projectPath } from '#config';
import { replayScenario, type VerificationScenario } from '../testing/verification-scenario.js';

const dir = projectPath('libs', 'core', 'scenarios', 'verification');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && !f.startsWith('anomaly-'))
  .sort();

describe('verification scenarios', () => {
  it('finds the scenario files', () => {
    assert.ok(files.length >= 8, `only ${files.length} scenario files in ${dir}`);
  });

  for (const file of files) {
    const scenario = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as VerificationScenario;
    it(`${scenario.name} (${file})`, () => {
      const { expect } = scenario;
      if (scenario.repeat) {
        let fails = 0;
        let passes = 0;
        for (let r = 0; r < scenario.repeat.count; r++) {
          const run = replayScenario(scenario, scenario.deliveries?.[0] ?? {}, r);
          assert.ok(run.final, `repetition ${r}: no final verdict`);
          if (run.final.outcome === 'fail') fails++;
          if (run.final.outcome === 'pass') passes++;
        }
        const rate = fails / scenario.repeat.count;
        // The measured rate is part of the report: print it with the test output.
        console.log(
          `# ${scenario.name}: ${fails} fail, ${passes} pass of ${scenario.repeat.count} → false-fail rate ${(rate * 100).toFixed(1)}%`,
        );
        assert.ok(rate <= (expect.maxFailRate ?? 0), `false-fail rate ${rate} > ${expect.maxFailRate}`);
        return;
      }
      const runs = (scenario.deliveries ?? [{}]).map((d) => replayScenario(scenario, d));
      for (const run of runs) {
        const final = run.final;
        assert.ok(final, `${run.delivery}: no final verdict`);
        assert.equal(final.final, true);
        assert.equal(final.id, `${final.changeId}/${final.look}`);
        assert.ok(final.score >= 0 && final.score <= 100);
        if (expect.outcome) assert.equal(final.outcome, expect.outcome, `${run.delivery}: ${final.summary}`);
        if (expect.outcome === 'fail') assert.ok(final.score <= 30, `fail score ${final.score}`);
        if (expect.outcome === 'pass') assert.ok(final.score > 30, `pass score ${final.score}`);
        if (expect.outcome === 'inconclusive' && final.metrics.length === 0) assert.equal(final.score, 50);
        if (expect.failingMetric) {
          const m = final.metrics.find((j) => j.metric === expect.failingMetric);
          assert.ok(m, `no judgement for ${expect.failingMetric}`);
          assert.equal(m.outcome, 'fail', m.reason);
          if (expect.test) assert.equal(m.test, expect.test, m.reason);
          assert.equal(final.metrics[0]!.outcome, 'fail', 'failing metrics are listed first');
        }
        if (expect.reason) {
          const text = [final.summary, ...final.metrics.map((j) => j.reason)].join('\n');
          assert.match(text, new RegExp(expect.reason), text);
        }
        if (expect.maxLook) assert.ok(final.look <= expect.maxLook, `failed only at look ${final.look}`);
        // Interim looks never pass: only the final look may.
        for (const v of run.verdicts.filter((x) => !x.final)) assert.equal(v.outcome, 'inconclusive');
      }
      if (expect.sameVerdictAcrossDeliveries) {
        const strip = (r: (typeof runs)[number]) => JSON.stringify(r.final);
        for (const run of runs.slice(1)) {
          assert.equal(run.droppedLate, 0, `${run.delivery}: points within the lateness bound were dropped`);
          assert.equal(strip(run), strip(runs[0]!), `${run.delivery} differs from ${runs[0]!.delivery}`);
        }
      }
    });
  }
});
