// The demo day has the same shape on any date: its changes get the same policy decisions and
// risk classes whether the demo runs on a Saturday, in summer time or during the year-end freeze.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { EventCodec, type Change } from '#contracts';
import { projectPath } from '#config';
import { assessDetailed, ChangeHistory, parsePolicy } from '#core';
import {
  CDEventsNormaliser,
  CloudEventsNormaliser,
  DEFAULT_IDENTITY_RULES,
  ServiceIdentity,
} from '#ingestion';
import { demoDay } from './demo-day.js';
import { demoScenario } from './scenario.js';

const DAY = 86_400_000;
const policyFile = projectPath('deploy', 'policy', 'standard-changes.yaml');
const policy = parsePolicy(readFileSync(policyFile, 'utf8'), policyFile);

/** The demo's changes on `day`, as ingest would read them. */
function changesOn(day: number): Change[] {
  const normalisers = {
    cdevents: new CDEventsNormaliser(),
    cloudevents: new CloudEventsNormaliser({ codec: new EventCodec({ now: () => day + 2 * DAY }) }),
  };
  const context = { identity: new ServiceIdentity(DEFAULT_IDENTITY_RULES) };
  return demoScenario({ day, stepMs: 60_000 }).inputs.flatMap((input) => {
    if (input.format !== 'cdevents' && input.format !== 'cloudevents') return [];
    const raw = { body: input.body, headers: input.headers, source: 'demo', receivedAt: input.at };
    return normalisers[input.format]
      .normalise(raw, context)
      .flatMap((e) => (e.event === 'change' ? [e.value] : []));
  });
}

/** What the policy makes of each change of the day, with time of day instead of the date. */
function shape(day: number): string[] {
  return changesOn(day).map((change) => {
    const { assessment, outcome } = assessDetailed(change, new ChangeHistory(), policy, change.startedAt);
    const time = new Date(change.startedAt - day).toISOString().slice(11, 16);
    return `${time} ${change.id}: ${assessment.riskClass} ${(assessment.probability * 100).toFixed(1)}% ${outcome.decision} by ${outcome.rule}`;
  });
}

describe('the demo day', () => {
  it('is the most recent Monday to Thursday before today outside every freeze window', () => {
    const at = (iso: string) => new Date(iso).getTime();
    const day = (now: string) => new Date(demoDay(at(now), policy.freezeWindows)).toISOString().slice(0, 10);
    assert.equal(day('2026-12-06T18:00:00Z'), '2026-12-03'); // a Sunday: Thursday
    assert.equal(day('2026-12-05T09:00:00Z'), '2026-12-03'); // a Saturday: Thursday, not Friday
    assert.equal(day('2026-11-26T00:30:00Z'), '2026-11-25'); // a Thursday: Wednesday
    assert.equal(day('2026-11-24T12:00:00Z'), '2026-11-23'); // a Tuesday: Monday
    assert.equal(day('2026-12-30T12:00:00Z'), '2026-12-22'); // inside the year-end freeze: before it
  });

  it('gets the same decisions on any date: weekend, summer time, year-end freeze', () => {
    const reference = shape(Date.UTC(2026, 10, 25));
    for (const now of ['2026-12-05T09:00:00Z', '2027-07-10T09:00:00Z', '2027-01-02T09:00:00Z']) {
      const day = demoDay(new Date(now).getTime(), policy.freezeWindows);
      assert.deepEqual(shape(day), reference, `run on ${now}`);
    }
  });
});
