import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitSqlStatements, SqlSplitError } from './sql-split.js';

const sqls = (text: string) => splitSqlStatements(text).map((s) => s.sql);

describe('splitSqlStatements', () => {
  it('splits on semicolons and drops empty statements', () => {
    assert.deepEqual(sqls('SELECT 1;\n\nSELECT 2 ;;\n SELECT 3'), ['SELECT 1', 'SELECT 2', 'SELECT 3']);
  });

  it('keeps semicolons inside strings, quoted identifiers and heredocs', () => {
    const text = [
      "INSERT INTO t VALUES ('a;b', 'it''s; fine', 'back\\'slash;')",
      'SELECT `weird;name`, "other;name" FROM t',
      'SELECT $$a;b$$, $tag$c;d$tag$',
    ].join(';\n');
    assert.deepEqual(sqls(text), [
      "INSERT INTO t VALUES ('a;b', 'it''s; fine', 'back\\'slash;')",
      'SELECT `weird;name`, "other;name" FROM t',
      'SELECT $$a;b$$, $tag$c;d$tag$',
    ]);
  });

  it('ignores semicolons in line and nested block comments, and drops comment-only tails', () => {
    const text =
      '-- header; not a statement\nSELECT 1 /* a; /* nested; */ still; */ + 1;\n-- trailing; comment\n';
    const statements = splitSqlStatements(text);
    assert.equal(statements.length, 1);
    assert.equal(
      statements[0]!.sql,
      '-- header; not a statement\nSELECT 1 /* a; /* nested; */ still; */ + 1',
    );
    assert.equal(statements[0]!.shape, 'SELECT 1 + 1');
  });

  it('reports the line each statement starts on, skipping comments and blank lines', () => {
    const statements = splitSqlStatements(
      '-- intro\n\nCREATE TABLE a (x UInt8)\nENGINE = Memory;\n\n/* b */\nSELECT\n1;',
    );
    assert.deepEqual(
      statements.map((s) => s.line),
      [3, 7],
    );
  });

  it('blanks string contents in the shape so rules never match data', () => {
    const [statement] = splitSqlStatements("SELECT 'ALTER TABLE t DELETE WHERE 1' AS s");
    assert.equal(statement!.shape, "SELECT '' AS s");
  });

  it('fails on an unterminated string, naming its line', () => {
    assert.throws(
      () => splitSqlStatements("SELECT 1;\nSELECT 'oops;\n"),
      (error: unknown) =>
        error instanceof SqlSplitError && error.line === 2 && /unterminated string/.test(error.message),
    );
  });

  it('fails on an unterminated block comment', () => {
    assert.throws(() => splitSqlStatements('SELECT 1 /* open'), /unterminated \/\* comment/);
  });
});
