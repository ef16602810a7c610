// Every query that reads whole incident rows (the repositories' and the api's own) must select
// every column of the row: a column added by a migration and missed by one query broke the api's
// risk history once (`fromIncidentRow` read a column the query had not selected).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectPath } from '#config';
import { anIncident } from '#testing';
import { toIncidentRow } from './incident.record.js';

function sqlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.sql'))
    .map((e) => join(e.parentPath, e.name));
}

describe('queries of incident rows', () => {
  it('select every column fromIncidentRow reads', () => {
    const columns = Object.keys(toIncidentRow(anIncident()));
    const files = [
      ...sqlFilesUnder(projectPath('libs', 'storage', 'src', 'queries', 'sql')),
      ...sqlFilesUnder(projectPath('apps', 'api', 'src', 'queries', 'sql')),
    ];
    const rowQueries = files.filter((f) => {
      const sql = readFileSync(f, 'utf8');
      return /\bFROM incidents\b/.test(sql) && /\bmembers\b/.test(sql) && /\bsuspects\b/.test(sql);
    });
    assert.ok(rowQueries.length >= 5, `found ${rowQueries.length} incident row queries`);
    for (const file of rowQueries) {
      const select = readFileSync(file, 'utf8')
        .replace(/--.*$/gm, '')
        .split(/\bFROM incidents\b/)[0]!;
      const selected = new Set(select.match(/\b[a-z_]+\b/g));
      const missing = columns.filter((c) => !selected.has(c));
      assert.deepEqual(missing, [], `${file} does not select ${missing.join(', ')}`);
    }
  });
});
