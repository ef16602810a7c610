// A consumer process killed with SIGKILL inside a batch — once after its effects were written
// but before the commit, once before its effects — then restarted: nothing is lost, and since
// the effects are idempotent the final state equals an uninterrupted run's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '#observability';
import { testKafkaBrokers, uniqueTopic } from '#testing/infra';
import type { CrashConsumerState, CrashTestEvent } from '../../test-fixtures/crash-consumer.js';
import { startFixture, type FixtureProcess } from '../testing/fixture-process.js';
import { committedOffsets, endOffsets, withAdmin } from '../testing/kafka-offsets.js';
import { kafkaTestConfig } from '../testing/test-support.js';
import { KafkaBus } from './kafka-bus.js';

const FIXTURE = fileURLToPath(new URL('../../test-fixtures/crash-consumer.js', import.meta.url));
const MESSAGES = 6000;
const KEYS = 30;

function startConsumer(env: Record<string, string>): FixtureProcess<CrashTestEvent> {
  return startFixture<CrashTestEvent>(FIXTURE, env);
}

describe('crash recovery on a real broker', () => {
  let brokers: string[];
  let dir: string;
  const topic = uniqueTopic('crash');
  const groupId = `${topic}.group`;

  before(async () => {
    brokers = await testKafkaBrokers();
    dir = mkdtempSync(join(tmpdir(), 'aftershock-crash-'));
    const bus = new KafkaBus(kafkaTestConfig(brokers), silentLogger);
    await bus.ensureTopics([{ topic, partitions: 3 }]);
    const messages = Array.from({ length: MESSAGES }, (_, i) => {
      const key = `svc-${i % KEYS}`;
      return { key, value: JSON.stringify({ id: `m${i}`, key, seq: Math.floor(i / KEYS) }) };
    });
    await bus.send(topic, messages);
    await bus.close();
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loses nothing and ends in the uninterrupted state after two SIGKILLs mid-batch', async () => {
    const stateFile = join(dir, 'state.json');
    const env = { KAFKA_BROKERS: brokers.join(','), TOPIC: topic, GROUP_ID: groupId, STATE_FILE: stateFile };

    for (const hangAt of ['after-effects:4', 'before-effects:3']) {
      const run = startConsumer({ ...env, HANG_AT: hangAt });
      await run.until((e) => e.event === 'hanging');
      run.child.kill('SIGKILL');
      await run.exited;
    }

    const last = startConsumer(env);
    await last.until((e) => e.event === 'done' && e.handled === MESSAGES);
    last.child.kill('SIGTERM');
    await last.until((e) => e.event === 'closed');
    assert.equal(await last.exited, 0);

    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as CrashConsumerState;
    assert.deepEqual(state.violations, [], 'per-key order held across restarts');
    assert.equal(state.handled.length, MESSAGES, 'every message handled');
    const expectedHighest = Object.fromEntries(
      Array.from({ length: KEYS }, (_, k) => [`svc-${k}`, Math.floor((MESSAGES - KEYS + k) / KEYS)]),
    );
    assert.deepEqual(state.highest, expectedHighest);
    assert.ok(
      state.deliveries > MESSAGES,
      'the batch killed after its effects was redelivered (at-least-once)',
    );

    await withAdmin(brokers, async (admin) => {
      assert.deepEqual(await committedOffsets(admin, groupId, topic), await endOffsets(admin, topic));
    });
  });
});
