// Every query that reads whole incident or change rows (the repositories' and the api's own) must
// select every column of the row: a column added by a migration and missed by one query broke the
// api's risk history once (`fromIncidentRow` read a column the query had not selected).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectPath } from '#config';
import { aChange, anIncident } from '#testing';
import { toChangeRow } from './change.record.js';
import { toIncidentRow } from './incident.record.js';

function sqlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.sql'))
    .map((e) => join(e.parentPath, e.name));
}

function assertSelectsEveryColumn(
  table: string,
  columns: readonly string[],
  isRowQuery: (sql: string) => boolean,
) {
  const files = [
    ...sqlFilesUnder(projectPath('libs', 'storage', 'src', 'queries', 'sql')),
    ...sqlFilesUnder(projectPath('apps', 'api', 'src', 'queries', 'sql')),
  ];
  const from = new RegExp(`\\bFROM ${table}\\b`);
  const rowQueries = files.filter((f) => {
    const sql = readFileSync(f, 'utf8');
    return from.test(sql) && isRowQuery(sql);
  });
  for (const file of rowQueries) {
    const select = readFileSync(file, 'utf8').replace(/--.*$/gm, '').split(from)[0]!;
    const selected = new Set(select.match(/\b[a-z_]+\b/g));
    const missing = columns.filter((c) => !selected.has(c));
    assert.deepEqual(missing, [], `${file} does not select ${missing.join(', ')}`);
  }
  return rowQueries.length;
}

describe('queries of whole rows', () => {
  it('select every column fromIncidentRow reads', () => {
    const count = assertSelectsEveryColumn(
      'incidents',
      Object.keys(toIncidentRow(anIncident())),
      (sql) => /\bmembers\b/.test(sql) && /\bsuspects\b/.test(sql),
    );
    assert.ok(count >= 5, `found ${count} incident row queries`);
  });

  it('select every column fromChangeRow reads', () => {
    const source = { topic: 't', partition: 0, offset: '0', timestamp: 0 };
    const count = assertSelectsEveryColumn('changes', Object.keys(toChangeRow(aChange(), source)), (sql) =>
      /\bhas_pipeline\b/.test(sql),
    );
    assert.ok(count >= 4, `found ${count} change row queries`);
  });
});
