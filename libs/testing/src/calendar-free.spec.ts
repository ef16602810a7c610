// Tests that reach the real engine or broker must not build their data on a fixed date: the
// engine's retention (and the broker's) runs on the real clock, so such a test turns red on the
// day its date ages out — main was red from 2026-12-02 for that reason. The clock-ahead run
// (AFTERSHOCK_TEST_CLOCK_AHEAD) moves only JavaScript's clock, so this scan guards the engine side.
// A fixed date that never meets retention (a value round-tripped through a query) is allowed on a
// line that says why with `calendar-independent:`.
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { projectPath, projectRoot } from '#config';

const ENGINE_FACING = [
  'libs/**/*.int-spec.ts',
  'apps/**/*.int-spec.ts',
  'test/**/*.ts',
  'libs/testing/src/*.ts',
  'libs/*/src/**/*conformance*.ts',
  'libs/*/src/testing/**/*.ts',
];
const FIXED_DATE = /Date\.UTC\(\s*(19|20)\d\d\b|['"`](19|20)\d\d-[01]\d-[0-3]\d/;

describe('engine-facing tests are calendar-free', () => {
  it('build their instants relative to the run (T0, Date.now()), never on a fixed date', () => {
    const root = projectRoot();
    const files = [...new Set(ENGINE_FACING.flatMap((pattern) => globSync(pattern, { cwd: root })))];
    assert.ok(files.length > 20, `found the engine-facing tests (${files.length})`);
    const offenders = files.flatMap((file) =>
      readFileSync(projectPath(file), 'utf8')
        .split('\n')
        .flatMap((line, i, lines) =>
          FIXED_DATE.test(line) && !/calendar-independent:|FIXTURE_T0/.test(line + (lines[i - 1] ?? ''))
            ? [`${file}:${i + 1}: ${line.trim()}`]
            : [],
        ),
    );
    assert.deepEqual(offenders, [], 'build these on T0 or Date.now(), or mark them calendar-independent:');
  });
});
