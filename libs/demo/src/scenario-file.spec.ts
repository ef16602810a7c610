import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScenarioFile, minuteOfDay, SCENARIO_FILE, type ScenarioFile } from './scenario-file.js';
import { demoScenario } from './scenario.js';

const story = SCENARIO_FILE.stories[0]!;
const withStory = (changes: Partial<ScenarioFile['stories'][number]>): ScenarioFile => ({
  ...SCENARIO_FILE,
  stories: [{ ...story, ...changes }],
});

describe('the demo scenario file', () => {
  it('reads "HH:MM" as minutes after midnight and rejects anything else', () => {
    assert.equal(minuteOfDay('00:00'), 0);
    assert.equal(minuteOfDay('15:10'), 910);
    for (const bad of ['24:00', '9:30', '10:60', '10.30'])
      assert.throws(() => minuteOfDay(bad), /is not HH:MM/, bad);
  });

  it('names the place of a bad entry', () => {
    assert.throws(
      () => checkScenarioFile(withStory({ at: '25:00' })),
      /shop-day.json: stories\[0\]\.at: "25:00" is not HH:MM/,
    );
    assert.throws(
      () => checkScenarioFile(withStory({ effects: [{ service: 'nowhere', from: 0, to: 1 }] })),
      /stories\[0\]\.effects\[0\]: unknown service "nowhere"/,
    );
    assert.throws(
      () => checkScenarioFile(withStory({ changes: [{ ...story.changes[0]!, kind: 'deleted' }] })),
      /stories\[0\]\.changes\[0\]\.kind: "deleted" is not one of deployed, rolledback, config/,
    );
    assert.throws(
      () => checkScenarioFile(withStory({ changes: [{ ...story.changes[0]!, team: undefined }] })),
      /stories\[0\]\.changes\[0\]: team missing/,
    );
  });

  it('drives the generator: a story moved in the file moves its events', () => {
    const day = Date.UTC(2026, 10, 25);
    const moved = withStory({ at: '11:30' });
    const changes = (file: ScenarioFile) =>
      demoScenario({ day, stepMs: 60_000 }, file)
        .inputs.filter((i) => i.format === 'cdevents' && i.body.includes('demo-deploy-checkout-v2.14.0'))
        .map((i) => (i.at - day) / 60_000);
    assert.deepEqual(changes(withStory({})), [630, 660]); // the deploy at 10:30, its rollback 30 minutes later
    assert.deepEqual(changes(moved), [690, 720]);
  });
});
