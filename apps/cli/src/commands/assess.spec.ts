import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EventCodec, type Change } from '#contracts';
import { aChange, aVerdict, MINUTE } from '#testing';
import { parseCommandLine } from '../command.js';
import { parseEventLines } from '#ingestion';
import { assessCommand } from './assess.js';

const DAY = 86_400_000;
/** Friday 2026-11-06 23:00 Berlin. */
const FRIDAY_23 = Date.UTC(2026, 10, 6, 22, 0);
/** Wednesday 2026-11-04 11:00 Berlin. */
const WEDNESDAY = Date.UTC(2026, 10, 4, 10, 0);

const dir = mkdtempSync(join(tmpdir(), 'aftershock-assess-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function run(argv: string[]): Promise<{ code: number | undefined; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
  try {
    return { code: await assessCommand.run(parseCommandLine(assessCommand, argv)), out, err };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}

const risky = aChange({
  id: 'risky',
  service: 'search',
  team: 'search',
  kind: 'database_migration',
  automated: false,
  pipeline: null,
  rollout: 'all_at_once',
  sizeLines: 2400,
  startedAt: FRIDAY_23,
  finishedAt: null,
});
const routine: Change = aChange({
  id: 'routine',
  service: 'inventory',
  team: 'core',
  startedAt: WEDNESDAY,
  finishedAt: null,
});

/** Sixty days of a small fleet: inventory never failed, the others sometimes. */
function historyLines(): string {
  const lines: string[] = [];
  const failures: Record<string, number> = { inventory: 0, search: 12, catalog: 4, shipping: 8 };
  for (const [service, failed] of Object.entries(failures)) {
    for (let d = 0; d < 60; d++) {
      const id = `${service}-${d}`;
      const startedAt = WEDNESDAY - (d + 1) * DAY;
      lines.push(
        JSON.stringify({
          type: 'change',
          value: aChange({ id, service, team: 'core', startedAt, finishedAt: startedAt + 5 * MINUTE }),
        }),
      );
      const outcome = d % 5 === 0 && d / 5 < failed ? 'fail' : 'pass';
      lines.push(
        JSON.stringify(
          aVerdict({ id: `${id}/1`, changeId: id, service, outcome, decidedAt: startedAt + 20 * MINUTE }),
        ),
      );
    }
  }
  return lines.join('\n') + '\n';
}

describe('aftershock assess', () => {
  it('blocks a risky change at 23:00 on a Friday inside the freeze window (exit 2)', async () => {
    const { code, out } = await run([file('risky.json', risky), '--now', String(FRIDAY_23 - MINUTE)]);
    assert.equal(code, 2);
    assert.match(
      out,
      /^decision {2}BLOCKED by rule block-risky-in-freeze \(rules\[\d\] of .*standard-changes\.yaml\)$/m,
    );
    assert.match(
      out,
      /inside freeze window weekend-freeze \(Fri 18:00–Mon 06:00 Europe\/Berlin; starts Fri 23:00 Europe\/Berlin\)/,
    );
    assert.match(out, /^ {2}\+\d\.\d\d {2}change-kind +a database migration$/m);
    assert.match(out, /^exit 2 /m);
  });

  it('pre-approves a routine automated canary deploy of a stable service, given the history (exit 0)', async () => {
    const history = file('history.ndjson', historyLines());
    const { code, out } = await run([
      file('routine.json', routine),
      '--history',
      history,
      '--now',
      String(WEDNESDAY),
      '--json',
    ]);
    const result = JSON.parse(out) as {
      assessment: { riskClass: string; policyRule: string; decision: string };
      model: { fitted: boolean };
    };
    assert.equal(code, 0, out);
    assert.equal(result.assessment.riskClass, 'standard');
    assert.equal(result.assessment.decision, 'approved');
    assert.equal(result.assessment.policyRule, 'standard-automated-canary');
  });

  it('sends the same change to review without history: the model cannot call it standard yet (exit 1)', async () => {
    const { code, out } = await run([file('routine.json', routine), '--now', String(WEDNESDAY)]);
    assert.equal(code, 1);
    assert.match(out, /REVIEW by rule default/);
    assert.match(out, /no history yet: prior fleet change failure rate 10\.0%/);
  });

  it('rejects bad input with exit 3 and names the field or line at fault', async () => {
    const { service: _service, ...noService } = routine;
    const missing = await run([file('bad.json', noService), '--now', String(WEDNESDAY)]);
    assert.equal(missing.code, 3);
    assert.match(missing.err, /bad\.json: service: is required/);

    const policy = file(
      'policy.yaml',
      'default: review\nrules:\n  - id: a\n    match: { rollout: [canry] }\n    decision: approved\n',
    );
    const badPolicy = await run([
      file('routine.json', routine),
      '--policy',
      policy,
      '--now',
      String(WEDNESDAY),
    ]);
    assert.equal(badPolicy.code, 3);
    assert.match(badPolicy.err, /policy\.yaml:4: rules\[0\]\.match\.rollout\[0\]: "canry" is not one of/);

    const history = file(
      'bad.ndjson',
      `${JSON.stringify(aVerdict())}\n{"type":"change","value":{"id":"x"}}\n`,
    );
    const badHistory = await run([
      file('routine.json', routine),
      '--history',
      history,
      '--now',
      String(WEDNESDAY),
    ]);
    assert.equal(badHistory.code, 3);
    assert.match(badHistory.err, /bad\.ndjson:2: change: (source|kind|service|startedAt): is required/);

    assert.equal((await run(['/nonexistent/change.json'])).code, 3);
  });

  it('reads NDJSON history in replay’s envelope, the older envelopes or bare, in event-time order', () => {
    const codec = new EventCodec({ now: () => WEDNESDAY });
    const events = parseEventLines(
      [
        JSON.stringify({ topic: 'aftershock.verdicts.v1', value: aVerdict({ decidedAt: WEDNESDAY - DAY }) }),
        '',
        JSON.stringify(aChange({ id: 'bare', startedAt: WEDNESDAY - 2 * DAY })),
        JSON.stringify({ type: 'assessment', value: {} }),
        JSON.stringify({
          type: 'change',
          event: aChange({ id: 'enveloped', startedAt: WEDNESDAY - 3 * DAY }),
        }),
        JSON.stringify({ type: 'change', value: aChange({ id: 'old', startedAt: WEDNESDAY - 4 * DAY }) }),
      ].join('\n'),
      codec,
    );
    assert.deepEqual(
      events.map((e) => (e.type === 'change' ? e.value.id : e.type)),
      ['old', 'enveloped', 'bare', 'verdict'],
    );
  });
});
