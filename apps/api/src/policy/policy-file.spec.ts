import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Policy } from '#core';
import { decide, PolicyError } from '#core';
import { aChange } from '#testing';
import { PolicyFile } from './policy-file.js';

const dir = mkdtempSync(join(tmpdir(), 'aftershock-policy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const policyText = (ruleId: string) =>
  `version: 1\ndefault: review\nrules:\n  - id: ${ruleId}\n    match: { kind: [config] }\n    decision: approved\n`;
const INVALID =
  'version: 1\ndefault: review\nrules:\n  - id: broken\n    match: { rollout: [canry] }\n    decision: approved\n';

/** Events of a watched file, awaited one at a time (the test's timeout bounds the wait). */
function events() {
  const queue: ({ type: 'reload'; policy: Policy } | { type: 'error'; error: Error })[] = [];
  let wake: (() => void) | undefined;
  const push = (e: (typeof queue)[number]) => {
    queue.push(e);
    wake?.();
  };
  return {
    onReload: (policy: Policy) => push({ type: 'reload', policy }),
    onError: (error: Error) => push({ type: 'error', error }),
    async next() {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      return queue.shift()!;
    },
  };
}

describe('the policy file', () => {
  it('names itself by its file name only: decisions never show the server’s directories', async () => {
    const path = join(dir, 'standard-changes.yaml');
    writeFileSync(path, policyText('config-ok'));
    const file = await PolicyFile.load(path);
    assert.equal(file.current().source, 'standard-changes.yaml');
    const outcome = decide(file.current(), {
      change: aChange({ kind: 'deployment' }),
      probability: 0.1,
      riskClass: 'standard',
    });
    assert.ok(!JSON.stringify(outcome).includes(dir), JSON.stringify(outcome));
    assert.deepEqual(outcome.reasons, ['no rule of standard-changes.yaml matched']);
  });

  it('refuses to start on an invalid file, naming the line', async () => {
    const path = join(dir, 'invalid.yaml');
    writeFileSync(path, INVALID);
    await assert.rejects(
      PolicyFile.load(path),
      (e: Error) =>
        e instanceof PolicyError && /invalid\.yaml:5: rules\[0\]\.match\.rollout\[0\]/.test(e.message),
    );
  });

  it(
    'reloads on change without a restart, and keeps the previous policy when the new file is invalid',
    { timeout: 20_000 },
    async () => {
      const path = join(dir, 'standard-changes.yaml');
      writeFileSync(path, policyText('first'));
      const seen = events();
      const file = (await PolicyFile.load(path, { debounceMs: 20, ...seen })).watch();
      try {
        const first = file.current();
        assert.equal(first.rules[0]!.id, 'first');

        writeFileSync(path, INVALID);
        let rejected = await seen.next();
        while (
          rejected.type === 'error' &&
          !(rejected.error instanceof PolicyError && /canry/.test(rejected.error.message))
        ) {
          rejected = await seen.next(); // e.g. a read between truncate and write
        }
        assert.equal(rejected.type, 'error');
        assert.match(
          (rejected as { error: Error }).error.message,
          /standard-changes\.yaml:5: rules\[0\]\.match\.rollout\[0\]: "canry"/,
        );
        assert.equal(file.current(), first, 'the previous policy stays in force');

        writeFileSync(path, policyText('second'));
        let reloaded = await seen.next();
        while (reloaded.type === 'error') reloaded = await seen.next();
        assert.equal(file.current().rules[0]!.id, 'second');

        // Editors that save by renaming a new file over the old one.
        writeFileSync(join(dir, 'tmp-save'), policyText('third'));
        renameSync(join(dir, 'tmp-save'), path);
        let next = await seen.next();
        while (next.type === 'error') next = await seen.next(); // a read mid-rename may fail
        assert.equal(file.current().rules[0]!.id, 'third');
      } finally {
        file.close();
      }
    },
  );

  it('reload() on demand reports unchanged, reloaded or rejected', async () => {
    const path = join(dir, 'on-demand.yaml');
    writeFileSync(path, policyText('a'));
    const file = await PolicyFile.load(path);
    assert.equal((await file.reload()).status, 'unchanged');
    writeFileSync(path, INVALID);
    const rejected = await file.reload();
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.value.rules[0]!.id, 'a');
    writeFileSync(path, policyText('b'));
    assert.equal((await file.reload()).status, 'reloaded');
    assert.equal(file.current().rules[0]!.id, 'b');
  });
});
