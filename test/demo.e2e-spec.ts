// The README's first command, run to completion: the bundled demo day through the whole
// all-in-one engine, and the conclusions a person should see.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Incident, Problem, Verdict } from '#contracts';
import { projectPath } from '#config';
import { freshDataDir, startProcess } from './support/app-process.js';

/** What differs between runs: the date, how long it took, the speed, the port and the token. */
function normalised(text: string): string[] {
  return text
    .replace(/\d{4}-\d\d-\d\d/g, '<day>')
    .replace(/streamed in \d+ s/g, 'streamed in <n> s')
    .replace(/at [\d,]+× \(a day in \d+ s\)/g, 'at <speed>')
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, '<url>')
    .replace(/\(token: [^)]*\)/g, '(token: …)')
    .trimEnd()
    .split('\n');
}

/** The README's excerpt of what the first command prints: the code block that holds the summary. */
function readmeExcerpt(): string {
  const blocks: string[][] = [];
  let open: string[] | undefined;
  for (const line of readFileSync(projectPath('README.md'), 'utf8').split('\n')) {
    if (line.startsWith('```')) {
      if (open) blocks.push(open);
      open = open ? undefined : [];
    } else open?.push(line);
  }
  const excerpt = blocks.find((b) => b.some((line) => line.startsWith('Demo day ')));
  assert.ok(excerpt, 'the README shows what the demo prints');
  return excerpt.join('\n');
}

interface Summary {
  readonly incidents: Incident[];
  readonly budgets: Record<string, { slo: string; spent: number }[]>;
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
    // What it printed is what the README says it prints — and nothing else (no JSON log lines).
    const printed = proc.lines
      .map((l) => ('nonJson' in l ? String(l.nonJson) : JSON.stringify(l)))
      .join('\n');
    assert.deepEqual(normalised(printed), normalised(readmeExcerpt()));
    const { incidents, budgets, verdicts, problems } = JSON.parse(readFileSync(file, 'utf8')) as Summary;
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

    // The shop's SLOs: the bad deploy spent checkout's availability budget; the config change
    // payments' latency budget; the flapping alert touches no service with an SLO.
    const spent = (i: Incident, slo: string) => budgets[i.id]?.find((b) => b.slo === slo)?.spent ?? 0;
    assert.ok(
      spent(regression[0]!, 'checkout-availability') > 0.1,
      JSON.stringify(budgets[regression[0]!.id]),
    );
    assert.ok(
      spent(configIncidents[0]!, 'payments-latency') > 1,
      JSON.stringify(budgets[configIncidents[0]!.id]),
    );
    assert.deepEqual(budgets[flapping[0]!.id], []);

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

describe('the plain server (`aftershock start --port N`)', () => {
  it('with no token configured, creates one and prints it with the URL of the UI once it is ready', async () => {
    const dir = freshDataDir();
    const proc = startProcess('bin/aftershock.js', ['start', '--port', '0', '--data-dir', dir], {});
    try {
      const ui = await proc.waitForLog((l) => String(l.nonJson ?? '').includes('Open the UI: '));
      const [, url, token] = /Open the UI: (http:\/\/[^ ]+)\/ {2}\(token: ([^)]+)\)/.exec(
        String(ui.nonJson),
      )!;
      assert.ok(
        proc.lines.some((l) => l.nonJson === 'Aftershock all-in-one is ready.'),
        'says it is ready, not not-ready',
      );
      const answer = await fetch(`${url}/api/v1/incidents`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(answer.status, 200);
      assert.equal((await fetch(`${url}/api/v1/incidents`)).status, 401);
    } finally {
      proc.child.kill('SIGTERM');
      assert.equal((await proc.exited()).code, 0, proc.stderr());
    }
  });
});
