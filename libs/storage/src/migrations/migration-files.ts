// Migration files: `NNNN_name.sql` in one directory, applied in version order. Each is read,
// checksummed and split into statements up front, so a bad file stops the run before any
// statement of it (or of a later file) reaches the database.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectPath } from '#config';
import { migrationProblems } from './migration-rules.js';
import { splitSqlStatements, SqlSplitError, type SqlStatement } from './sql-split.js';

export interface Migration {
  readonly version: number;
  /** The file name, e.g. `0001_init.sql`: what errors and the ledger name. */
  readonly file: string;
  /** sha256 of the text with line endings normalised, so a checkout on Windows does not drift. */
  readonly checksum: string;
  readonly statements: readonly SqlStatement[];
}

export class MigrationError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
    this.name = 'MigrationError';
  }
}

/** `libs/storage/migrations`, found from the project root (SQL files are not copied to dist/). */
export function defaultMigrationsDir(): string {
  return projectPath('libs', 'storage', 'migrations');
}

const FILE_NAME = /^(\d{4})_([a-z0-9][a-z0-9_]*)\.sql$/;

/** Parses one file; throws a MigrationError naming the file (and line) at fault. */
export function parseMigration(file: string, text: string): Migration {
  const match = FILE_NAME.exec(file);
  if (!match) throw new MigrationError(file, 'name must look like 0001_lower_snake_case.sql');
  const normalised = text.replace(/\r\n?/g, '\n');
  let statements: SqlStatement[];
  try {
    statements = splitSqlStatements(normalised);
  } catch (error) {
    if (error instanceof SqlSplitError) throw new MigrationError(file, error.message, { cause: error });
    throw error;
  }
  if (statements.length === 0) throw new MigrationError(file, 'holds no statement');
  for (const statement of statements) {
    const problems = migrationProblems(statement);
    if (problems.length > 0) throw new MigrationError(file, `line ${statement.line}: ${problems.join('; ')}`);
  }
  const checksum = createHash('sha256').update(normalised).digest('hex');
  return { version: Number(match[1]), file, checksum, statements };
}

/** Sorts by version and refuses two files with one version. */
export function orderMigrations(migrations: readonly Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.version === sorted[i - 1]!.version) {
      throw new MigrationError(sorted[i]!.file, `has the same version as ${sorted[i - 1]!.file}`);
    }
  }
  return sorted;
}

/** Every `*.sql` file of the directory, parsed and in order. */
export async function loadMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.sql'));
  const parsed = await Promise.all(
    files.map(async (file) => parseMigration(file, await readFile(join(dir, file), 'utf8'))),
  );
  return orderMigrations(parsed);
}
