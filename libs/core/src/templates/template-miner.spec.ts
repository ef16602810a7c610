import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_TEMPLATE_TOKENS, MAX_TOKEN_CHARS } from './masking.js';
import {
  cloudApiLog,
  groupsExactly,
  proxyAccessLog,
  serverSyslog,
  type LabelledLine,
} from './synthetic-logs.spec-support.js';
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

  it('merges lowercase names at one position after a few values when words around them are constant', () => {
    const miner = new TemplateMiner();
    const results = ['alice', 'bob', 'carol', 'dave'].map((u) =>
      miner.add(`session opened for user ${u} by sshd`),
    );
    assert.equal(
      new Set(results.slice(0, 2).map((r) => r.templateId)).size,
      2,
      'two names are still constants',
    );
    const id = results[0]!.templateId;
    assert.equal(results[2]!.templateId, id, 'the third name merges the variants into the oldest template');
    assert.deepEqual(
      results[2]!.merged,
      [results[1]!.templateId],
      'the merge is reported with the message that caused it',
    );
    assert.equal(results[3]!.templateId, id);
    assert.equal(results[3]!.template, 'session opened for user <*> by sshd');
    for (const r of results) assert.equal(miner.resolve(r.templateId), id);
    assert.equal(miner.stats().templates, 1);
    assert.equal(miner.stats().merged, 2);
  });

  it('keeps an enumeration of states or event kinds apart, and merges a position with many words', () => {
    const miner = new TemplateMiner();
    const states = ['Started', 'Paused', 'Resumed', 'Stopped', 'Started', 'Resumed'];
    const ids = states.map(
      (s) =>
        miner.add(`[instance: 7f3c9a2e-1b2c-4d5e-8f90-123456789abc] VM ${s} (Lifecycle Event)`).templateId,
    );
    assert.equal(new Set(ids).size, 4, 'four capitalised verbs are four events');
    // Seven distinct words at one position (here: service names, not all plain lowercase) are a variable.
    const services = ['sshd', 'rpc.statd', 'NetworkManager', 'cupsd', 'ntpd', 'Xvnc', 'bluetoothd'];
    const started = services.map((s) => miner.add(`${s} startup succeeded`));
    const final = new Set(started.map((r) => miner.resolve(r.templateId)));
    assert.equal(final.size, 1);
    assert.equal(started.at(-1)!.template, '<*> startup succeeded');
  });

  it('merges structured ids of one skeleton on sight, and of several shapes after three of them', () => {
    const miner = new TemplateMiner();
    const line = (pkg: string) =>
      miner.add(
        `Read out cached package applicability for package: ${pkg}, ApplicableState: 112, CurrentState:112`,
      );
    const a = line('Package_for_KB2932046~31bf3856ad364e35~amd64~~6.1.1.1');
    const b = line('Package_for_KB2533552~31bf3856ad364e35~x86~~6.1.1.0');
    assert.equal(b.templateId, a.templateId, 'one skeleton, ids differing in atoms with digits');
    const c = line('Microsoft-Windows-Help-Package~31bf3856ad364e35~amd64~en-US~6.1.7601.17514');
    assert.notEqual(c.templateId, a.templateId);
    const d = line('Microsoft-Windows-Help-Package~31bf3856ad364e35~amd64~de-DE~6.1.7601.17514');
    const e = line('KB2533552_RTM~31bf3856ad364e35~amd64~~6.1.1.0');
    assert.equal(miner.resolve(c.templateId), a.templateId);
    assert.equal(miner.resolve(d.templateId), a.templateId);
    assert.equal(e.templateId, a.templateId);
  });

  it('does not merge words when the message is mostly the varying word', () => {
    const miner = new TemplateMiner();
    const ids = ['boot', 'wait', 'halt', 'boot', 'wait'].map(
      (c, i) => miner.add(`${c} (command ${100 + i})`).templateId,
    );
    assert.equal(new Set(ids).size, 3);
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
    // Every line differs from the others in two words: no two of them are one template.
    for (const w of words) miner.add(`${w} happened to ${w}`);
    for (const w of words) miner.add(`${w} happened twice to ${w}`);
    assert.equal(miner.templates().length, 5);
    assert.equal(miner.stats().evicted, 15);
    assert.deepEqual(
      miner.templates().map((t) => t.template),
      ['foxtrot', 'golf', 'hotel', 'india', 'juliett'].map((w) => `${w} happened twice to ${w}`),
    );

    const leafBound = new TemplateMiner({ maxClustersPerLeaf: 2 });
    // Same token count: one leaf; the words differ in two places, so no merging.
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

/** Mines the lines in order and returns each line's id after the last line (merges followed). */
function finalIds(lines: readonly LabelledLine[]): { ids: string[]; miner: TemplateMiner } {
  const miner = new TemplateMiner();
  const arrival = lines.map((l) => miner.add(l.text).templateId);
  return { ids: arrival.map((id) => miner.resolve(id)!), miner };
}

// Synthetic logs of the failure classes found on public logs the miner was not developed on
// (issue 18), written from the descriptions: each must come out one template per event.
describe('TemplateMiner on the failure classes of unseen logs', () => {
  it('a proxy access log: program and host names vary, lifetimes come as `<1 sec` or `mm:ss`', () => {
    const lines = proxyAccessLog(800);
    const { ids, miner } = finalIds(lines);
    assert.deepEqual(groupsExactly(lines, ids), []);
    const texts = miner.templates().map((t) => t.template);
    assert.ok(texts.includes('<*>.exe - <*>:<*> open through proxy <*>:<*> HTTPS'), texts.join('\n'));
    assert.ok(texts.includes('<*>.exe - <*>:<*> close, <*> bytes sent, <*> bytes received, lifetime <*>'));
  });

  it('an API log: request lines in quotes keep their method, lifecycle verbs stay four events', () => {
    const lines = cloudApiLog(800);
    const { ids, miner } = finalIds(lines);
    assert.deepEqual(groupsExactly(lines, ids), []);
    const texts = miner.templates().map((t) => t.template);
    for (const method of ['GET', 'POST', 'DELETE'])
      assert.ok(
        texts.includes(`<*> "${method} <*> HTTP/<*>" status: <*> len: <*> time: <*>`),
        texts.join('\n'),
      );
    assert.ok(texts.includes('[instance: <*>] VM Paused (Lifecycle Event)'));
  });

  it('a syslog: a service name first, user fields with three values, comma-joined address lists', () => {
    const lines = serverSyslog(800);
    const { ids, miner } = finalIds(lines);
    assert.deepEqual(groupsExactly(lines, ids), []);
    const texts = miner.templates().map((t) => t.template);
    assert.deepEqual(texts.sort(), [
      '<*> startup succeeded',
      'authentication failure; logname= uid=<*> euid=<*> tty=NODEVssh ruser= rhost=<*> user=<*>',
      'connected to replicas <*>:<*> in <*> ms',
      'session opened for user <*> by (uid=<*>)',
    ]);
  });

  it('a variable spanning tokens joins the template that has one `<*>` there, whichever came first', () => {
    for (const order of [
      ['lifetime <1 sec', 'lifetime 00:01'],
      ['lifetime 00:01', 'lifetime <1 sec'],
    ]) {
      const miner = new TemplateMiner();
      const ids = [...order, ...order].map(
        (l) =>
          miner.add(`chrome.exe - api.example.com:443 close, 0 bytes sent, 8 bytes received, ${l}`)
            .templateId,
      );
      assert.equal(new Set(ids.map((id) => miner.resolve(id))).size, 1, order.join(' then '));
    }
  });

  it('bounds a template: at most MAX_TEMPLATE_TOKENS tokens, long tokens are one variable', () => {
    const miner = new TemplateMiner();
    const words = Array.from({ length: 100_000 }, (_, i) => `w${i % 7}x`).join(' ');
    const blob = 'A'.repeat(1_000_000);
    const a = miner.add(`payload ${words}`);
    assert.equal(a.template.split(' ').length, MAX_TEMPLATE_TOKENS);
    assert.ok(a.template.endsWith(' <*>'));
    const b = miner.add(`payload ${blob} end`);
    assert.equal(b.template, 'payload <*> end');
    assert.ok(MAX_TEMPLATE_TOKENS * (MAX_TOKEN_CHARS + 1) < 40_000);
  });
});

describe('mergeToken', () => {
  it('keeps the common prefix and suffix that end at punctuation', () => {
    assert.equal(mergeToken('MININT-A1', 'MININT-B2'), 'MININT-<*>');
    assert.equal(mergeToken("'x_1'", "'y_2'"), '<*>');
    assert.equal(mergeToken('root_domain', 'cluster_root_backup'), '<*>');
    assert.equal(mergeToken('org.apache.x.EventType', 'org.apache.x.v2.JobEventType'), 'org.apache.x.<*>');
    assert.equal(mergeToken('<*>:<*>', 'MININT-<*>:<*>'), '<*>:<*>');
    assert.equal(mergeToken('same', 'same'), 'same');
  });
});
