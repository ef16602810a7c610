import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { projectRoot } from '#config';
import { TemplateMiner } from '#core';

const dir = mkdtempSync(join(tmpdir(), 'aftershock-templates-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Runs the real CLI; stdout as bytes. */
function cli(args: string[], input?: Buffer | string): { code: number | null; out: Buffer; err: string } {
  const run = spawnSync(
    process.execPath,
    [join(projectRoot(), 'bin', 'aftershock.js'), 'templates', ...args],
    {
      input,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return { code: run.status, out: run.stdout, err: run.stderr.toString() };
}

// Three user names arrive before the position is judged a variable: the first lines' templates
// are merged only later, which is where final and arrival ids differ.
const LOG = [
  'session opened for user cyrus by (uid=0)',
  'Accepted publickey for root from 10.0.0.7 port 51234 ssh2',
  'session opened for user news by (uid=0)',
  'session opened for user cyrus by (uid=0)',
  'session opened for user test by (uid=509)',
  'Accepted publickey for root from 10.0.0.9 port 40022 ssh2',
  'session opened for user news by (uid=0)',
];

/** What the evaluation scores: arrival ids resolved after the last line. */
function finalIds(lines: readonly string[]): string[] {
  const miner = new TemplateMiner();
  const arrival = lines.map((l) => miner.add(l).templateId);
  return arrival.map((id) => miner.resolve(id)!);
}

const idsOf = (out: Buffer) =>
  out
    .toString()
    .trimEnd()
    .split('\n')
    .map((l) => l.split('  ')[0]!);

describe('aftershock templates', () => {
  it('prints the final grouping by default: the ids the evaluation scores', () => {
    const run = cli([file('auth.log', LOG.join('\n') + '\n')]);
    assert.equal(run.code, 0, run.err);
    const ids = idsOf(run.out);
    assert.deepEqual(ids, finalIds(LOG));
    assert.equal(new Set(ids).size, 2, 'one template for the sessions, one for the logins');
    assert.match(run.out.toString().split('\n')[0]!, /session opened for user <\*> by \(uid=<\*>\)$/);
  });

  it('--stream prints arrival ids, and with --json names the templates a line merged', () => {
    const run = cli(['--stream', '--json', file('auth-stream.log', LOG.join('\n'))]);
    assert.equal(run.code, 0, run.err);
    const rows = run.out
      .toString()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { templateId: string; merged?: string[] });
    const [first, , second, , third] = rows;
    assert.notEqual(first!.templateId, second!.templateId, 'two names are still two templates on arrival');
    assert.equal(third!.templateId, first!.templateId, 'the third name merges them into the oldest');
    assert.deepEqual(third!.merged, [second!.templateId]);
    assert.notDeepEqual(
      rows.map((r) => r.templateId),
      finalIds(LOG),
    );
  });

  it('counts lines as wc -l does and echoes each message byte for byte in CSV', () => {
    const invalid = Buffer.from([0x63, 0xff, 0xfe, 0x20, 0x32]); // "c", two bytes that are not UTF-8, " 2"
    const input = Buffer.concat([Buffer.from('a\rb 1\n'), invalid, Buffer.from('\r\nsay "hi", x 3\n')]);
    const run = cli(['--csv', file('bytes.log', input)]);
    assert.equal(run.code, 0, run.err);
    const expected = Buffer.concat([
      Buffer.from('1,'),
      Buffer.from(`${finalIds(['a\rb 1'])[0]},a b <*>,"a\rb 1"\n`),
    ]);
    const rows = run.out.subarray(run.out.indexOf(10) + 1);
    assert.ok(rows.subarray(0, expected.length).equals(expected), rows.toString());
    assert.ok(rows.includes(invalid), 'the invalid bytes are echoed as they were');
    assert.equal(rows.filter((b) => b === 10).length, 3, 'three lines, as wc -l counts them');
    assert.ok(rows.toString().endsWith(',"say ""hi"", x 3"\n'));
  });

  it('reads stdin, and bounds the template of a huge line', () => {
    const huge = `start ${'x'.repeat(1_000_000)} ${Array.from({ length: 5000 }, (_, i) => `w${i}x`).join(' ')}`;
    const run = cli([], `${huge}\nshort line 1\n`);
    assert.equal(run.code, 0, run.err);
    const [first, second] = run.out.toString().trimEnd().split('\n');
    assert.ok(first!.length < 40_000, `template of ${first!.length} characters`);
    assert.match(first!, /^[0-9a-f]{16} {2}start <\*> w0x /);
    assert.match(second!, /short line <\*>$/);
  });

  it('says in --help that --stream keeps arrival ids', () => {
    const run = cli(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.out.toString(), /--stream {3}arrival ids/);
    assert.match(run.out.toString(), /final ids/);
  });
});
