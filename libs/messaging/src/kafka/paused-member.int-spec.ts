// A group member paused (SIGSTOP) past its session timeout while another member takes its
// partitions: when it resumes, its assignment no longer holds — before it has heard anything
// from the group — so it publishes nothing beside its successor; then it rejoins for a new one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '#observability';
import { eventually } from '#testing';
import { testKafkaBrokers, uniqueTopic } from '#testing/infra';
import type { TenureEvent } from '../../test-fixtures/tenure-consumer.js';
import type { Assignment } from '../port.js';
import { startFixture } from '../testing/fixture-process.js';
import { kafkaTestConfig } from '../testing/test-support.js';
import { KafkaBus } from './kafka-bus.js';

const FIXTURE = fileURLToPath(new URL('../../test-fixtures/tenure-consumer.js', import.meta.url));

describe('a member paused past its session timeout', () => {
  it('resumes with its assignment lost, publishes nothing as the owner, and rejoins', async () => {
    const brokers = await testKafkaBrokers();
    const topic = uniqueTopic('paused');
    const groupId = `${topic}.group`;
    const bus = new KafkaBus(kafkaTestConfig(brokers), silentLogger, {
      consumer: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 500 },
    });
    await bus.ensureTopics([{ topic, partitions: 3 }]);
    const paused = startFixture<TenureEvent>(FIXTURE, {
      KAFKA_BROKERS: brokers.join(','),
      TOPIC: topic,
      GROUP_ID: groupId,
    });
    try {
      await paused.until((e) => e.event === 'assigned' && e.partitions.length === 3);
      await paused.until((e) => e.event === 'current' && e.tenures.at(-1) === true);
      paused.child.kill('SIGSTOP');
      const taken: Assignment[] = [];
      const successor = await bus.subscribe({
        groupId,
        topics: [topic],
        handler: async () => undefined,
        onAssigned: async (assignment) => void taken.push(assignment),
      });
      // The group drops the silent member after its session timeout and gives everything to the successor.
      await eventually(() => assert.equal(taken.at(-1)?.get(topic)?.length, 3), 60_000);
      const seenBeforeResume = paused.events.length;
      paused.child.kill('SIGCONT');
      const rejoined = await paused.until((e) => e.event === 'assigned' && e.tenure === 2);
      const after = paused.events.slice(seenBeforeResume);
      const reports = after.filter((e) => e.event === 'current');
      assert.ok(reports.length > 0, 'it reported after resuming');
      for (const report of reports)
        assert.equal(report.tenures[0], false, 'the first assignment never held again after the pause');
      assert.equal(after.indexOf(reports[0]!) < after.indexOf(rejoined), true, 'it knew before rejoining');
      await successor.stop();
    } finally {
      paused.child.kill('SIGCONT');
      paused.child.kill('SIGTERM');
      await paused.exited;
      await bus.close();
    }
  });
});
