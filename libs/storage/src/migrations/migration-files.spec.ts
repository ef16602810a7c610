import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  defaultMigrationsDir,
  loadMigrations,
  MigrationError,
  orderMigrations,
  parseMigration,
} from './migration-files.js';

const CREATE = 'CREATE TABLE IF NOT EXISTS t (x UInt8) ENGINE = MergeTree ORDER BY x;';

function rejects(file: string, text: string, pattern: RegExp): void {
  assert.throws(
    () => parseMigration(file, text),
    (error: unknown) => error instanceof MigrationError && error.file === file && pattern.test(error.message),
  );
}

describe('parseMigration', () => {
  it('reads version, statements and a checksum that ignores line endings', () => {
    const unix = parseMigration('0007_add_things.sql', `${CREATE}\nSELECT 1;\n`);
    const windows = parseMigration('0007_add_things.sql', `${CREATE}\r\nSELECT 1;\r\n`);
    assert.equal(unix.version, 7);
    assert.equal(unix.statements.length, 2);
    assert.match(unix.checksum, /^[0-9a-f]{64}$/);
    assert.equal(windows.checksum, unix.checksum);
  });

  it('changes the checksum when the text changes', () => {
    const a = parseMigration('0001_a.sql', CREATE);
    const b = parseMigration('0001_a.sql', CREATE.replace('UInt8', 'UInt16'));
    assert.notEqual(a.checksum, b.checksum);
  });

  it('refuses badly named and empty files', () => {
    rejects('1_init.sql', CREATE, /name must look like 0001_lower_snake_case\.sql/);
    rejects('0001-Init.sql', CREATE, /name must look like/);
    rejects('0001_empty.sql', '-- nothing here\n', /holds no statement/);
  });

  it('names file and line of a statement that could not run twice', () => {
    rejects(
      '0002_x.sql',
      `${CREATE}\n\nCREATE TABLE t2 (x UInt8) ENGINE = Memory;`,
      /line 3: CREATE must say IF NOT EXISTS/,
    );
    rejects('0002_x.sql', 'DROP TABLE t;', /DROP must say IF EXISTS/);
    rejects('0002_x.sql', 'ALTER TABLE t ADD COLUMN y UInt8;', /ADD must say IF NOT EXISTS/);
    rejects('0002_x.sql', 'ALTER TABLE t DROP COLUMN y;', /must say IF EXISTS/);
  });

  it('refuses mutations', () => {
    rejects('0003_m.sql', 'ALTER TABLE t UPDATE x = 1 WHERE 1;', /no ALTER UPDATE\/DELETE/);
    rejects('0003_m.sql', 'ALTER TABLE db.t ON CLUSTER c DELETE WHERE x = 1;', /no ALTER UPDATE\/DELETE/);
    rejects(
      '0003_m.sql',
      'ALTER TABLE t ADD COLUMN IF NOT EXISTS y UInt8, DELETE WHERE 1;',
      /no ALTER UPDATE\/DELETE/,
    );
    rejects('0003_m.sql', 'DELETE FROM t WHERE x = 1;', /no DELETE\/UPDATE/);
  });

  it('accepts idempotent statements and TTL … DELETE clauses', () => {
    const ok = [
      CREATE,
      'CREATE OR REPLACE VIEW v AS SELECT 1;',
      'CREATE MATERIALIZED VIEW IF NOT EXISTS mv TO t AS SELECT 1 AS x;',
      'ALTER TABLE t ADD COLUMN IF NOT EXISTS y UInt8, MODIFY COLUMN IF EXISTS y UInt16;',
      'ALTER TABLE t MODIFY TTL toDateTime(ts) + INTERVAL 1 DAY DELETE;',
      'DROP TABLE IF EXISTS old;',
    ].join('\n');
    assert.equal(parseMigration('0004_ok.sql', ok).statements.length, 6);
  });
});

describe('orderMigrations', () => {
  it('orders by version, not by name or arrival', () => {
    const files = ['0010_c.sql', '0002_b.sql', '0001_a.sql'].map((f) => parseMigration(f, CREATE));
    assert.deepEqual(
      orderMigrations(files).map((m) => m.file),
      ['0001_a.sql', '0002_b.sql', '0010_c.sql'],
    );
  });

  it('refuses two files with one version', () => {
    const files = ['0001_a.sql', '0001_b.sql'].map((f) => parseMigration(f, CREATE));
    assert.throws(() => orderMigrations(files), /0001_b\.sql: has the same version as 0001_a\.sql/);
  });
});

describe('loadMigrations', () => {
  it('loads *.sql files of a directory in order and ignores other files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aftershock-migrations-'));
    try {
      await writeFile(join(dir, '0002_second.sql'), CREATE);
      await writeFile(join(dir, '0001_first.sql'), CREATE);
      await writeFile(join(dir, 'README.md'), '# notes');
      assert.deepEqual(
        (await loadMigrations(dir)).map((m) => m.file),
        ['0001_first.sql', '0002_second.sql'],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('parses the migrations shipped with the project', async () => {
    const shipped = await loadMigrations(defaultMigrationsDir());
    assert.equal(shipped[0]?.file, '0001_init.sql');
  });
});
