// Tests that reach the real engine or broker must not build their data on a fixed date: the
// engine's retention (and the broker's) runs on the real clock, so such a test turns red on the
// day its date ages out — main was red from 2026-12-02 for that reason. The clock-ahead run
// (AFTERSHOCK_TEST_CLOCK_AHEAD) moves only JavaScript's clock, so this scan guards the engine side.
// A fixed date that never meets retention (a value round-tripped through a query, a hostile value a
// decoder refuses) is allowed where a `calendar-independent:` comment says why: on its line, on
// the line that opens its block, or as a comment line heading the lines indented like it.
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { projectPath, projectRoot } from '#config';

const ENGINE_FACING = [
  'libs/**/*.int-spec.ts',
  'apps/**/*.int-spec.ts',
  'test/**/*.ts',
  'libs/testing/src/**/*.ts',
  'libs/*/src/**/*conformance*.ts',
  'libs/*/src/testing/**/*.ts',
];
const FIXED_DATE = /Date\.UTC\(\s*(19|20)\d\d\b|['"`](19|20)\d\d-[01]\d-[0-3]\d/;

describe('engine-facing tests are calendar-free', () => {
  it('build their instants relative to the run (T0, Date.now()), never on a fixed date', () => {
    const root = projectRoot();
    const files = [...new Set(ENGINE_FACING.flatMap((pattern) => globSync(pattern, { cwd: root })))];
    assert.ok(files.length > 20, `found the engine-facing tests (${files.length})`);
    const offenders = files.flatMap((file) => fixedDates(readFileSync(projectPath(file), 'utf8'), file));
    assert.deepEqual(offenders, [], 'build these on T0 or Date.now(), or mark them calendar-independent:');
  });
});

/** Lines with a fixed date not excused by a `calendar-independent:` comment. */
function fixedDates(source: string, file: string): string[] {
  const indent = (line: string) => line.length - line.trimStart().length;
  const found: string[] = [];
  let block: number | undefined; // indentation of the line whose marker excuses the block it opens
  source.split('\n').forEach((line, i, lines) => {
    if (block !== undefined && line.trim() !== '' && indent(line) <= block) block = undefined;
    const marked = /calendar-independent:|FIXTURE_T0/.test(line);
    if (marked && /[[{(]\s*(\/\/.*)?$/.test(line)) block = indent(line);
    if (marked && line.trimStart().startsWith('//')) block = indent(line) - 1; // the lines it heads
    const excused = marked || block !== undefined || /calendar-independent:/.test(lines[i - 1] ?? '');
    if (FIXED_DATE.test(line) && !excused) found.push(`${file}:${i + 1}: ${line.trim()}`);
  });
  return found;
}
