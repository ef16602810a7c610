import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { projectPath, projectRoot } from '#config';

const fixtures = projectPath('libs', 'core', 'src', 'slo', 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'aftershock-slo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real CLI. */
function slo(...args: string[]): { code: number | null; lines: string[]; err: string } {
  const run = spawnSync(process.execPath, [join(projectRoot(), 'bin', 'aftershock.js'), 'slo', ...args]);
  return { code: run.status, lines: run.stdout.toString().trimEnd().split('\n'), err: run.stderr.toString() };
}

describe('aftershock slo validate', () => {
  it('exits 0 when every file is valid OpenSLO v1 and computable, one line per file', () => {
    const run = slo('validate', join(fixtures, 'aftershock'));
    assert.equal(run.code, 0, run.err);
    assert.deepEqual(run.lines, [
      `${join(fixtures, 'aftershock', 'checkout.yaml')}: valid OpenSLO v1; computable by Aftershock (7 objects)`,
    ]);
  });

  it('reports the OpenSLO examples valid but not computable, naming the field, and exits 1', () => {
    const run = slo('validate', join(fixtures, 'openslo'));
    assert.equal(run.code, 1);
    assert.equal(run.lines.length, 8, 'one line per file');
    const line = (name: string) => run.lines.find((l) => l.startsWith(join(fixtures, 'openslo', name)))!;
    assert.match(line('services.yaml'), /: valid OpenSLO v1; computable by Aftershock \(1 object\)$/);
    const text = readFileSync(join(fixtures, 'openslo', 'slos.yaml'), 'utf8').split('\n');
    const at = text.findIndex((l) => l.includes('type: Prometheus')) + 1;
    assert.match(
      line('slos.yaml'),
      new RegExp(
        `: valid OpenSLO v1; not computable by Aftershock: SLO web-availability: spec\\.indicator\\.spec\\.ratioMetric\\.good\\.metricSource\\.type \\(line ${at}\\): "Prometheus" cannot be queried.* \\(\\+1 more\\)$`,
      ),
    );
  });

  it('reads a single file, and names the field and line of an invalid one', () => {
    const text = readFileSync(join(fixtures, 'aftershock', 'checkout.yaml'), 'utf8').replace(
      'targetPercent: 99',
      'targetPercent: 199',
    );
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, text);
    const run = slo('validate', file);
    assert.equal(run.code, 1);
    const line = text.split('\n').findIndex((l) => l.includes('targetPercent: 199')) + 1;
    assert.deepEqual(run.lines, [
      `${file}: not valid OpenSLO v1: SLO checkout-latency: spec.objectives[0].targetPercent (line ${line}): expected number to be less than 100 (got 199); computability not checked`,
    ]);
  });

  it('resolves references across the files of a directory, and fails the file whose reference is missing', () => {
    const set = join(dir, 'set');
    mkdirSync(set);
    const text = readFileSync(join(fixtures, 'aftershock', 'checkout.yaml'), 'utf8');
    const cut = text.indexOf('---\napiVersion: openslo/v1\nkind: SLO\n');
    writeFileSync(join(set, 'a-sli.yaml'), text.slice(0, cut));
    writeFileSync(join(set, 'b-slo.yml'), text.slice(cut + 4));
    assert.equal(slo('validate', set).code, 0);
    const alone = slo('validate', join(set, 'b-slo.yml'));
    assert.equal(alone.code, 1);
    assert.match(alone.lines[0]!, /spec\.indicatorRef .*no SLI named "checkout-availability"/);
  });

  it('exits 2 for an unknown action or a path it cannot read', () => {
    const unknown = slo('check', fixtures);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown action "check"/);
    const missing = slo('validate', join(dir, 'nowhere.yaml'));
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read .*nowhere\.yaml/);
  });
});
