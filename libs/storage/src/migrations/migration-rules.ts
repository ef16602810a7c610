// Rules every migration statement follows, checked before anything runs. Each statement must be
// safe to run twice (a migrator that dies half-way through a file re-runs it from the top), and
// no statement may rewrite parts (ALTER UPDATE/DELETE mutations are slow, heavy and not undone).
import type { SqlStatement } from './sql-split.js';

interface Rule {
  readonly test: RegExp;
  readonly problem: string;
}

const RULES: readonly Rule[] = [
  {
    test: /^CREATE (?!OR REPLACE\b)(?:TEMPORARY )?(?:TABLE|DATABASE|VIEW|MATERIALIZED VIEW|LIVE VIEW|WINDOW VIEW|DICTIONARY|FUNCTION|ROW POLICY|ROLE|USER|QUOTA|SETTINGS PROFILE)\b(?! IF NOT EXISTS\b)/i,
    problem: 'CREATE must say IF NOT EXISTS (or OR REPLACE) so the file can run again',
  },
  {
    test: /^DROP (?:TEMPORARY )?(?:TABLE|DATABASE|VIEW|DICTIONARY|FUNCTION)\b(?! IF EXISTS\b)/i,
    problem: 'DROP must say IF EXISTS so the file can run again',
  },
  {
    test: /\bADD (?:COLUMN|INDEX|PROJECTION|CONSTRAINT|STATISTICS)\b(?! IF NOT EXISTS\b)/i,
    problem: 'ALTER … ADD must say IF NOT EXISTS so the file can run again',
  },
  {
    test: /\b(?:DROP|CLEAR|RENAME|MODIFY|COMMENT) (?:COLUMN|INDEX|PROJECTION|CONSTRAINT)\b(?! IF EXISTS\b)/i,
    problem: 'ALTER … DROP/CLEAR/RENAME/MODIFY/COMMENT COLUMN must say IF EXISTS so the file can run again',
  },
  {
    test: /^ALTER TABLE \S+(?: ON CLUSTER \S+)? (?:.*, ?)?(?:UPDATE|DELETE)\b/i,
    problem: 'no ALTER UPDATE/DELETE mutations in migrations: write new rows (ReplacingMergeTree) or use TTL',
  },
  {
    test: /^(?:DELETE FROM|UPDATE \S+ SET)\b/i,
    problem: 'no DELETE/UPDATE in migrations: they rewrite parts; write new rows or use TTL',
  },
];

/** The problems of one statement, empty when it follows every rule. */
export function migrationProblems(statement: SqlStatement): string[] {
  return RULES.filter((rule) => rule.test.test(statement.shape)).map((rule) => rule.problem);
}
