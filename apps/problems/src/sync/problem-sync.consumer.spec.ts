import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EventCodec, TOPICS } from '#contracts';
import type { InboundMessage } from '#messaging';
import { silentLogger } from '#observability';
import { aProblem } from '#testing';
import { loadProblemsConfig } from '../problems.settings.js';
import { fakeServiceNow } from './fake-trackers.js';
import { ProblemSyncConsumer } from './problem-sync.consumer.js';

describe('problem sync consumer', () => {
  const snow = fakeServiceNow('aftershock', 'pw');
  const dir = mkdtempSync(join(tmpdir(), 'problem-sync-'));
  const codec = new EventCodec({ now: () => Date.now() });
  const consumerFor = (text: string) => {
    const file = join(dir, 'sync.yaml');
    writeFileSync(file, text);
    return new ProblemSyncConsumer(loadProblemsConfig({ PROBLEM_SYNC_FILE: file }), silentLogger, codec);
  };

  before(() => snow.start());
  after(async () => {
    await snow.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('syncs the problem events of a batch and dead-letters what does not decode', async () => {
    process.env.TEST_SNOW_PASSWORD = 'pw';
    const consumer = consumerFor(`
targets: [{ name: s, kind: servicenow, url: "${snow.url}", auth: { type: basic, user: aftershock, passwordEnv: TEST_SNOW_PASSWORD } }]
routes: [{ targets: [s] }]`);
    delete process.env.TEST_SNOW_PASSWORD;
    assert.deepEqual(consumer.topics(), [TOPICS.problems]);
    const message = (offset: number, value: Buffer): InboundMessage => ({
      topic: TOPICS.problems,
      partition: 0,
      offset: String(offset),
      key: Buffer.from('prb_c'),
      value,
      headers: {},
      timestamp: Date.now(),
    });
    const versions = [
      aProblem({ id: 'prb_c', version: 1, status: 'problem' }),
      aProblem({ id: 'prb_c', version: 2, status: 'problem', count: 5 }),
      aProblem({ id: 'prb_c', version: 3, status: 'known_error', workaround: 'failover' }),
    ];
    const encoded = await Promise.all(versions.map((p) => codec.encode('problem', p)));
    const result = await consumer.handle({
      topic: TOPICS.problems,
      partition: 0,
      messages: [...encoded.map((v, i) => message(i, v)), message(3, Buffer.from('not avro'))],
    });
    assert.equal(result.rejected?.length, 1);
    assert.equal(snow.records.size, 1);
    const [record] = snow.records.values();
    assert.deepEqual([record!.known_error, record!.workaround], ['true', 'failover']);
    assert.deepEqual(consumer.sync?.stats, { created: 1, updated: 1, skipped: 1, failed: 0 });
  });

  it('refuses to start on a sync file with a field at fault, naming the file and the field', () => {
    assert.throws(
      () =>
        consumerFor(
          'targets: [{ name: j, kind: jira, url: "https://x", project: OPS, auth: { type: oauth } }]\nroutes: [{ targets: [j] }]',
        ),
      (error: Error) => /^PROBLEM_SYNC_FILE .*sync\.yaml: targets\.0\.auth\.type: /.test(error.message),
    );
  });
});
