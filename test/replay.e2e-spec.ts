// `aftershock replay`: recorded canonical events in, verdicts and incidents out as NDJSON;
// the same input gives the same output, byte for byte.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { aChange, anAlert, MINUTE, T0 } from '#testing';
import { freshDataDir, startProcess } from './support/app-process.js';

function recording(): string {
  const lines: unknown[] = [];
  const service = 'checkout';
  for (let minute = T0 - 40 * MINUTE; minute < T0 + 25 * MINUTE; minute += MINUTE) {
    const points = [];
    for (let t = minute; t < minute + MINUTE; t += 10_000) {
      const wobble = ((t / 10_000) % 5) / 5;
      const bad = t >= T0 + MINUTE && t < T0 + 20 * MINUTE;
      points.push({
        metric: 'http.server.error.ratio',
        value: bad ? 0.04 + 0.01 * wobble : 0.002 + 0.001 * wobble,
        timestamp: t,
      });
    }
    lines.push({ type: 'telemetry', event: { id: `tb-${minute}`, service, points } });
    if (minute === T0)
      lines.push({ type: 'change', event: aChange({ id: 'checkout-v2', service, startedAt: T0 }) });
    if (minute === T0 + 5 * MINUTE)
      lines.push({ type: 'alert', event: anAlert({ id: 'a1', service, startsAt: T0 + 5 * MINUTE }) });
  }
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

async function replay(file: string): Promise<{ code: number | null; stdout: string }> {
  const proc = startProcess('bin/aftershock.js', ['replay', file], {});
  const { code } = await proc.exited();
  return {
    code,
    stdout: proc.lines.map((l) => ('nonJson' in l ? String(l.nonJson) : JSON.stringify(l))).join('\n'),
  };
}

describe('aftershock replay', () => {
  it('names the bad deploy, and is deterministic byte for byte', async () => {
    const file = join(freshDataDir(), 'recording.ndjson');
    writeFileSync(file, recording());
    const first = await replay(file);
    const second = await replay(file);
    assert.equal(first.code, 0);
    assert.equal(first.stdout, second.stdout);
    const out = first.stdout
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; event: Record<string, unknown> });
    const verdicts = out.filter((o) => o.type === 'verdict').map((o) => o.event);
    assert.ok(verdicts.some((v) => v.changeId === 'checkout-v2' && v.outcome === 'fail'));
    const incidents = out
      .filter((o) => o.type === 'incident')
      .map((o) => o.event as { suspects: { changeId: string }[]; version: number });
    assert.ok(incidents.length > 0);
    assert.equal(incidents.at(-1)!.suspects[0]!.changeId, 'checkout-v2');
  });

  it('reports a bad line with its file and line number and exits non-zero', async () => {
    const file = join(freshDataDir(), 'bad.ndjson');
    writeFileSync(file, '{"type":"alert","event":{"id":"x"}}\n');
    const proc = startProcess('bin/aftershock.js', ['replay', file], {});
    assert.equal((await proc.exited()).code, 1);
    assert.match(proc.stderr(), /bad\.ndjson:1: fingerprint: is required/);
  });
});
