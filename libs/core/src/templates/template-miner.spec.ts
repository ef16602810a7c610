import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeToken, TemplateMiner } from './template-miner.js';

describe('TemplateMiner', () => {
  it('puts lines that differ only in numbers, ids and hosts into one template', () => {
    const miner = new TemplateMiner();
    const a = miner.add(
      'Connection to db-prod-3.eu-west-1.compute.internal:5432 lost after 1500ms (session 0x14f05578bd8001b)',
    );
    const b = miner.add(
      'Connection to db-prod-7.eu-west-1.compute.internal:5432 lost after 20ms (session 0x24ed93119420016)',
    );
    const c = miner.add('Connection to 10.0.4.17:6432 lost after 3s (session 0x34ede65503f0036)');
    assert.equal(a.isNew, true);
    assert.equal(b.templateId, a.templateId);
    assert.equal(c.templateId, a.templateId);
    assert.equal(c.template, 'Connection to <*>:<*> lost after <*> (session <*>)');
    assert.equal(miner.stats().templates, 1);
  });

  it('keeps structurally different lines apart', () => {
    const miner = new TemplateMiner();
    const ids = [
      'Block broadcast_9 stored as bytes in memory (estimated size 5.2 KB, free 5.2 KB)',
      'Block broadcast_8 stored as values in memory (estimated size 8.8 KB, free 14.0 KB)',
      'Block broadcast_7 stored as bytes in memory',
      'Disk full on host-1',
      'attempt_1 TaskAttempt Transitioned from NEW to UNASSIGNED',
      'attempt_2 TaskAttempt Transitioned from UNASSIGNED to ASSIGNED',
      'Fan speeds ( 3552 3534 3375 **** 3515 3479 )',
      'Fan speeds ( 3552 3534 3375 4245 3515 3479 )',
    ].map((line) => miner.add(line).templateId);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('refines a template as variants arrive and keeps its id', () => {
    const miner = new TemplateMiner();
    const first = miner.add('Failed none for invalid user admin from 5.188.10.180 port 49811 ssh2');
    const second = miner.add('Failed none for invalid user 0 from 5.188.10.180 port 52631 ssh2');
    assert.equal(second.templateId, first.templateId);
    assert.equal(second.changed, true);
    assert.equal(second.template, 'Failed none for invalid user <*> from <*> port <*> ssh2');
    assert.equal(miner.template(first.templateId), second.template);
  });

  it('turns a word position into a variable once it has shown enough distinct words', () => {
    const miner = new TemplateMiner({ variantThreshold: 4 });
    const results = ['alice', 'bob', 'carol', 'dave', 'erin'].map((u) =>
      miner.add(`session opened for user ${u} by sshd`),
    );
    assert.equal(
      new Set(results.slice(0, 3).map((r) => r.templateId)).size,
      3,
      'three words are still constants',
    );
    const id = results[0]!.templateId;
    assert.equal(results[3]!.templateId, id, 'the fourth word merges the variants into the oldest template');
    assert.equal(results[4]!.templateId, id);
    assert.equal(results[4]!.template, 'session opened for user <*> by sshd');
    for (const r of results) assert.equal(miner.resolve(r.templateId), id);
    assert.equal(miner.stats().templates, 1);
    assert.equal(miner.stats().merged, 3);
  });

  it('matches without learning', () => {
    const miner = new TemplateMiner();
    const learned = miner.add('Received block blk_-1608999687919862906 of size 67108864 from /10.251.42.84');
    const before = miner.stats();
    assert.deepEqual(miner.match('Received block blk_3587508140051953248 of size 12 from /10.251.214.112'), {
      templateId: learned.templateId,
      template: 'Received block <*> of size <*> from <*>',
    });
    assert.equal(miner.match('Something never seen before'), undefined);
    assert.deepEqual(miner.stats(), before);
  });

  it('respects the memory bounds and counts evictions', () => {
    const miner = new TemplateMiner({ maxTemplates: 5 });
    const words = [
      'alpha',
      'bravo',
      'charlie',
      'delta',
      'echo',
      'foxtrot',
      'golf',
      'hotel',
      'india',
      'juliett',
    ];
    for (const w of words) miner.add(`${w} happened`);
    for (const w of words) miner.add(`${w} happened twice here`);
    assert.equal(miner.templates().length, 5);
    assert.equal(miner.stats().evicted, 15);
    assert.deepEqual(
      miner.templates().map((t) => t.template),
      [
        'foxtrot happened twice here',
        'golf happened twice here',
        'hotel happened twice here',
        'india happened twice here',
        'juliett happened twice here',
      ],
    );

    const leafBound = new TemplateMiner({ maxClustersPerLeaf: 2 });
    // Same token count and first token: one leaf; the words differ in two places, so no merging.
    for (const w of ['a x', 'b y', 'c z', 'd w']) leafBound.add(`Job ${w} done`);
    assert.equal(leafBound.templates().length, 2);
    assert.equal(leafBound.stats().evicted, 2);
  });

  it('stays within its bounds under churn, and every result answers to a live template', () => {
    const miner = new TemplateMiner({ maxTemplates: 10, maxClustersPerLeaf: 3 });
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'];
    for (let i = 0; i < 2000; i++) {
      const a = words[i % 7]!;
      const b = words[(i * 3) % 7]!;
      const line = i % 3 === 0 ? `${a} failed on ${b} after ${i} ms` : `${a} ${b} state ${words[i % 5]} ok`;
      const r = miner.add(line);
      assert.equal(miner.template(r.templateId), r.template);
      assert.ok(miner.templates().length <= 10);
    }
    const stats = miner.stats();
    assert.equal(stats.templates, miner.templates().length);
    assert.ok(stats.evicted > 0);
    assert.equal(stats.created, stats.templates + stats.evicted + stats.merged);
  });

  it('is deterministic: the same input gives the same ids', () => {
    const lines = [
      'PacketResponder 1 for block blk_38865049064139660 terminating',
      'Verification succeeded for blk_-4980916519894289629',
      'session opened for user root by (uid=0)',
      'session opened for user fztu by (uid=0)',
      'PacketResponder 0 for block blk_-6952295868487656571 terminating',
    ];
    const run = () => {
      const miner = new TemplateMiner();
      return lines.map((l) => miner.add(l).templateId);
    };
    assert.deepEqual(run(), run());
    assert.match(run()[0]!, /^[0-9a-f]{16}$/);
  });

  it('rejects an out-of-range similarity', () => {
    assert.throws(() => new TemplateMiner({ similarity: 1.5 }), RangeError);
  });
});

describe('mergeToken', () => {
  it('keeps the common prefix and suffix that end at punctuation', () => {
    assert.equal(mergeToken('MININT-A1', 'MININT-B2'), 'MININT-<*>');
    assert.equal(mergeToken("'x_1'", "'y_2'"), "'<*>'");
    assert.equal(mergeToken('root_domain', 'cluster_root_backup'), '<*>');
    assert.equal(mergeToken('org.apache.x.EventType', 'org.apache.x.v2.JobEventType'), 'org.apache.x.<*>');
    assert.equal(mergeToken('<*>:<*>', 'MININT-<*>:<*>'), '<*>:<*>');
    assert.equal(mergeToken('same', 'same'), 'same');
  });
});
