// The reviewed query files: every one is used by a repository, every part by a query, and values
// reach them only as {name:Type} parameters.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectPath } from '#config';
import { expandParts, queriesDir, sqlFile, sqlFileNames } from './sql-files.js';
import { pickResolution, resolutionFor } from './telemetry.repository.js';

describe('query files', () => {
  const { queries: files, parts } = sqlFileNames();
  const raw = (name: string) => readFileSync(join(queriesDir(), `${name}.sql`), 'utf8');
  const sources = readdirSync(projectPath('libs', 'storage', 'src', 'queries'))
    .filter((f) => f.endsWith('.ts') && !f.includes('spec'))
    .map((f) => readFileSync(projectPath('libs', 'storage', 'src', 'queries', f), 'utf8'))
    .join('\n');

  it('are all used by a repository', () => {
    assert.ok(files.length > 20);
    for (const name of files) assert.ok(sources.includes(`'${name}'`), `${name}.sql is not used`);
  });

  it('parts are each used by a query, and every part a query names exists and is expanded', () => {
    assert.ok(parts.length >= 5);
    for (const part of parts) {
      assert.ok(
        files.some((name) => raw(name).includes(`{{${part}}}`)),
        `${part}.sql is used by no query`,
      );
    }
    for (const name of files) assert.doesNotMatch(sqlFile(name), /\{\{|\}\}/, name);
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

describe('expandParts', () => {
  const parts: Record<string, string> = {
    cols: '-- the columns\na, b,\nc',
    where: 'WHERE x = 1\n  AND {{cols2}} IS NOT NULL',
    cols2: 'tuple(a, b)',
    loop: 'SELECT {{loop}}',
  };
  const read = (name: string) => {
    const text = parts[name];
    if (text === undefined) throw new Error(`no part ${name}`);
    return text;
  };

  it('puts a part in without its comments, its lines indented as the line it stands in', () => {
    assert.equal(expandParts('SELECT\n    {{cols}}\nFROM t', read), 'SELECT\n    a, b,\n    c\nFROM t');
  });

  it('expands parts within parts', () => {
    assert.equal(
      expandParts('SELECT 1 FROM t\n{{ where }}', read),
      'SELECT 1 FROM t\nWHERE x = 1\n  AND tuple(a, b) IS NOT NULL',
    );
  });

  it('leaves {name:Type} parameters alone, and refuses a part missing or including itself', () => {
    assert.equal(expandParts('WHERE id = {id:String}', read), 'WHERE id = {id:String}');
    assert.throws(() => expandParts('{{nope}}', read), /no part nope/);
    assert.throws(() => expandParts('{{loop}}', read), /includes itself/);
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

describe('resolutionFor', () => {
  const now = Date.UTC(2026, 10, 26);
  const H = 3_600_000;
  it('as pickResolution without maxPoints; with it, the finest that fits (raw taken at 10 s)', () => {
    assert.equal(resolutionFor(now - 3 * H, now, now, undefined), 'raw');
    assert.equal(resolutionFor(now - 3 * H, now, now, 1080), 'raw', '1,080 raw points fit');
    assert.equal(resolutionFor(now - 3 * H, now, now, 800), '1m', '180 minutes');
    assert.equal(resolutionFor(now - 3 * H, now, now, 100), '1h');
    assert.equal(resolutionFor(now - 3 * 24 * H, now, now, 100_000), '1m', 'never finer than the pick');
    assert.equal(resolutionFor(now - 30 * 24 * H, now, now, 10), '1h', 'the coarsest when none fits');
  });
});
