// The reviewed query files: every one is used by a repository, and values reach them only as
// {name:Type} parameters.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { projectPath } from '#config';
import { queriesDir, sqlFile } from './sql-files.js';
import { pickResolution } from './telemetry.repository.js';

function sqlFilesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sqlFilesIn(join(dir, e.name)) : e.name.endsWith('.sql') ? [join(dir, e.name)] : [],
  );
}

describe('query files', () => {
  const files = sqlFilesIn(queriesDir()).map((f) => relative(queriesDir(), f).replace(/\.sql$/, ''));
  const sources = readdirSync(projectPath('libs', 'storage', 'src', 'queries'))
    .filter((f) => f.endsWith('.ts') && !f.includes('spec'))
    .map((f) => readFileSync(projectPath('libs', 'storage', 'src', 'queries', f), 'utf8'))
    .join('\n');

  it('are all used by a repository', () => {
    assert.ok(files.length > 20);
    for (const name of files) assert.ok(sources.includes(`'${name}'`), `${name}.sql is not used`);
  });

  it('load without the closing semicolon and end in SQL, not a comment', () => {
    for (const name of files) {
      const text = sqlFile(name);
      assert.ok(!text.endsWith(';'), name);
      assert.doesNotMatch(
        text.split('\n').at(-1)!,
        /^\s*--/,
        `${name}: a driver appends FORMAT after the text`,
      );
    }
  });

  it('take values only as {name:Type} parameters', () => {
    for (const name of files) {
      const code = sqlFile(name)
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n');
      assert.doesNotMatch(code, /\$\{|\?\s*(AND|OR|$)/m, `${name}: no splicing or positional placeholders`);
      const braces = code.match(/\{[^}]*\}/g) ?? [];
      for (const b of braces) assert.match(b, /^\{\w+:[A-Za-z0-9(), ]+\}$/, `${name}: ${b}`);
    }
  });
});

describe('pickResolution', () => {
  const now = Date.UTC(2026, 10, 26);
  const H = 3_600_000;
  it('raw up to 6 hours, minutes up to a week, hours beyond', () => {
    assert.equal(pickResolution(now - 6 * H, now, now), 'raw');
    assert.equal(pickResolution(now - 6 * H - 1, now, now), '1m');
    assert.equal(pickResolution(now - 24 * H, now, now), '1m');
    assert.equal(pickResolution(now - 7 * 24 * H, now, now), '1m');
    assert.equal(pickResolution(now - 8 * 24 * H, now, now), '1h');
  });
  it('never a resolution whose retention no longer covers the start', () => {
    assert.equal(pickResolution(now - 31 * 24 * H, now - 31 * 24 * H + H, now), '1m');
    assert.equal(pickResolution(now - 91 * 24 * H, now - 91 * 24 * H + H, now), '1h');
  });
});
