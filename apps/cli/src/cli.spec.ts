// The `aftershock` command as a person or a pipeline runs it: a real process with its output
// going to pipes (not a terminal), so what it prints is what a CI log or a file would hold.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { projectPath } from '#config';

const dir = mkdtempSync(join(tmpdir(), 'aftershock-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function aftershock(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [projectPath('bin', 'aftershock.js'), ...args], {
    encoding: 'utf8',
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A node older than 24 on this machine (e.g. the distribution's), if there is one. */
function olderNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) {
    const version = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    if (version.status === 0 && Number(version.stdout.split('.')[0]) < 24) return candidate;
  }
  return undefined;
}

const EXAMPLE_CHANGE = projectPath('deploy', 'examples', 'change.json');

describe('the aftershock command line', () => {
  it('assess refuses a misspelt option with exit 3 and one line naming it, instead of deciding by the default policy', () => {
    const run = aftershock('assess', '--polcy', 'bad.yaml', EXAMPLE_CHANGE);
    assert.equal(run.code, 3);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, 'aftershock assess: unknown option --polcy (usage: aftershock assess --help)\n');
  });

  it('every other command refuses an unknown option with exit 2', () => {
    for (const command of ['start', 'run', 'migrate', 'replay', 'templates']) {
      const run = aftershock(command, '--nope');
      assert.equal(run.code, 2, command);
      assert.equal(
        run.stderr,
        `aftershock ${command}: unknown option --nope (usage: aftershock ${command} --help)\n`,
      );
    }
  });

  it('assess --json FILE reads the file as the change and prints JSON', () => {
    const run = aftershock('assess', '--json', EXAMPLE_CHANGE);
    assert.ok(run.code !== null && run.code <= 2, run.stderr);
    const printed = JSON.parse(run.stdout) as { assessment: { changeId: string } };
    assert.equal(printed.assessment.changeId, 'example-deploy-checkout-v2.15.0');
  });

  const older = olderNode();
  // setup.sh provisions .toolchain only when the node on PATH is older than 24.
  const local = existsSync(
    projectPath('.toolchain', 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node'),
  );
  it(
    'under a node older than 24, runs itself with the project-local Node 24',
    {
      skip: !older
        ? 'no node older than 24 on this machine'
        : !local && 'no project-local Node 24 (the node on PATH is 24 or newer)',
    },
    () => {
      const run = spawnSync(older!, [projectPath('bin', 'aftershock.js'), '--version'], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^\d+\.\d+\.\d+\n$/);
    },
  );

  it('replay of a missing file says so in one line, with no stack trace', () => {
    const run = aftershock('replay', 'nosuch.ndjson');
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'aftershock replay: nosuch.ndjson: no such file or directory\n');
  });

  it('replay --strict stops at the first bad line, and nothing it prints to a pipe holds escape codes', () => {
    const input = file(
      'bad.ndjson',
      '{"type":"alert","event":{"id":"x"}}\n' + '{"type":"alert","event":{"id":"y"}}\nnull\n',
    );
    const strict = aftershock('replay', '--strict', input);
    assert.equal(strict.code, 1);
    assert.equal(strict.stderr, `${input}:1: fingerprint: is required\n`);
    const lenient = aftershock('replay', input);
    assert.equal(lenient.code, 1);
    assert.equal(lenient.stderr.split('\n').length, 4, lenient.stderr);
    assert.match(lenient.stderr, /bad\.ndjson:3: \(root\): expected \{"type"/);
    for (const text of [strict.stdout, strict.stderr, lenient.stdout, lenient.stderr])
      assert.doesNotMatch(text, /\x1b/); // eslint-disable-line no-control-regex
  });
});
