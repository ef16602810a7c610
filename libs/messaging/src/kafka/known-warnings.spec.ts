import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

describe('silenceKafkajsTimeoutWarning', () => {
  it("drops kafkajs's negative-timeout warning and nothing else", () => {
    const module = new URL('./known-warnings.js', import.meta.url).href;
    const script = `
      const { silenceKafkajsTimeoutWarning } = await import(${JSON.stringify(module)});
      silenceKafkajsTimeoutWarning();
      setTimeout(() => {}, -1795671563673);
      process.emitWarning('another warning');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /TimeoutNegativeWarning/);
    assert.match(run.stderr, /another warning/);
  });
});
