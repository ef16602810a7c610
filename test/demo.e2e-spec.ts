// The README's first command, run to completion: the bundled demo day through the whole
// all-in-one engine, and the conclusions a person should see.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Incident, Problem, Verdict } from '#contracts';
import { freshDataDir, startProcess } from './support/app-process.js';

interface Summary {
  readonly incidents: Incident[];
  readonly verdicts: Verdict[];
  readonly problems: Problem[];
}

describe('the demo (`aftershock start --demo`)', () => {
  it('finds the bad deploy, the config change behind four services, the flapping alert and the nightly problem', async () => {
    const dir = freshDataDir();
    const file = join(dir, 'summary.json');
    const proc = startProcess(
      'bin/aftershock.js',
      [
        'start',
        '--demo',
        '--speed',
        '200000',
        '--port',
        '0',
        '--data-dir',
        join(dir, 'data'),
        '--summary-json',
        file,
        '--exit',
      ],
      {},
    );
    assert.equal((await proc.exited()).code, 0, proc.stderr());
    const { incidents, verdicts, problems } = JSON.parse(readFileSync(file, 'utf8')) as Summary;
    const top = (i: Incident) => i.suspects[0]!;

    // 1. The bad code deploy: a fail verdict and a regression incident naming it.
    const badDeploy = 'demo-deploy-checkout-v2.14.0';
    assert.equal(verdicts.find((v) => v.changeId === badDeploy)?.outcome, 'fail');
    const regression = incidents.filter((i) => top(i).changeId === badDeploy);
    assert.equal(regression.length, 1, 'one incident for the bad deploy');
    assert.ok(top(regression[0]!).probability > 0.9);
    assert.ok(
      regression[0]!.members.some((m) => m.type === 'verdict'),
      'the failed verification is part of it',
    );

    // 2. The config change on payments: ONE incident across its callers, the change first.
    const config = 'demo-config-payments-fraud-timeout';
    const configIncidents = incidents.filter((i) => top(i).changeId === config);
    assert.equal(configIncidents.length, 1, JSON.stringify(configIncidents.map((i) => i.services)));
    for (const s of ['payments', 'checkout', 'frontend', 'gateway'])
      assert.ok(configIncidents[0]!.services.includes(s), s);

    // 3. The flapping alert: one incident, no likely change.
    const flapping = incidents.filter((i) => i.services.includes('recommendation'));
    assert.equal(flapping.length, 1);
    assert.equal(top(flapping[0]!).changeId, null);

    // 4. The nightly failure: a problem candidate repeating every day at 02:00.
    const nightly = problems.find((p) => p.services.includes('reporting'));
    assert.ok(nightly, 'a problem candidate on reporting');
    assert.equal(nightly.periodMs, 86_400_000);
    assert.ok(nightly.sharedFactors.some((f) => f.factor === 'hour-of-day' && f.value === '02:00 UTC'));

    // Most deploys are clean, and pass.
    assert.equal(verdicts.filter((v) => v.outcome === 'fail').length, 2);
    assert.ok(verdicts.filter((v) => v.outcome === 'pass').length >= 30);
  });
});
