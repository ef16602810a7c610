import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '#config';
import { TOPICS } from '#contracts';
import { loadRecorderConfig } from './recorder.settings.js';

describe('recorder settings', () => {
  it('records every canonical and output topic by default, the dead-letter topic by its configured name', () => {
    const config = loadRecorderConfig({ AFTERSHOCK_DLQ_TOPIC: 'my.dlq' });
    assert.equal(config.topics[TOPICS.telemetry], 'telemetry');
    assert.equal(config.topics[TOPICS.incidents], 'incident');
    assert.equal(config.topics['my.dlq'], 'dead-letter');
    assert.equal(config.topics[TOPICS.deadLetters], undefined);
    assert.equal(config.topics[TOPICS.problemCommands], 'problem-command');
    // SLO definitions are read whole by the apps from their table topic; nothing records them.
    assert.equal(config.topics[TOPICS.sloDefinitions], undefined);
    assert.equal(Object.keys(config.topics).length, Object.keys(TOPICS).length - 1);
    assert.deepEqual(config.retention, {});
  });

  it('reads a topic map, retention durations and the test kill point', () => {
    const config = loadRecorderConfig({
      RECORDER_TOPICS: 'a=telemetry, b=change',
      AFTERSHOCK_TELEMETRY_RETENTION: '14d',
      AFTERSHOCK_ROLLUP_1H_RETENTION: '400d',
      RECORDER_TEST_KILL_AT: 'write:3',
    });
    assert.deepEqual(config.topics, { a: 'telemetry', b: 'change' });
    assert.deepEqual(config.retention, { rawMs: 14 * 86_400_000, rollup1hMs: 400 * 86_400_000 });
    assert.deepEqual(config.testKillAt, { after: 'write', nth: 3 });
  });

  it('names every bad setting at once', () => {
    assert.throws(
      () =>
        loadRecorderConfig({
          RECORDER_TOPICS: 'a=nonsense',
          AFTERSHOCK_TELEMETRY_RETENTION: 'forever',
          RECORDER_TEST_KILL_AT: 'now',
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        ['RECORDER_TOPICS', 'AFTERSHOCK_TELEMETRY_RETENTION', 'RECORDER_TEST_KILL_AT'].every((name) =>
          error.problems.some((p) => p.setting === name),
        ),
    );
  });
});
