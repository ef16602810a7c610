// Every query that reads whole incident or problem rows (the repositories' and the api's own) must
// select every column of the row: a column added by a migration and missed by one query broke the
// api's risk history once (`fromIncidentRow` read a column the query had not selected).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectPath } from '#config';
import { anIncident, aProblem } from '#testing';
import { toIncidentRow } from './incident.record.js';
import { toProblemRow } from './problem.record.js';

function sqlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.sql'))
    .map((e) => join(e.parentPath, e.name));
}

const files = () => [
  ...sqlFilesUnder(projectPath('libs', 'storage', 'src', 'queries', 'sql')),
  ...sqlFilesUnder(projectPath('apps', 'api', 'src', 'queries', 'sql')),
];

/** The SELECT list of each query reading rows of `table` (directly or through merge()) that names every `markers` column. */
function rowQueries(table: string, markers: readonly string[]): { file: string; select: string }[] {
  const from = new RegExp(`\\bFROM (?:${table}\\b|merge\\(.*\\b${table}\\b)`);
  return files().flatMap((file) => {
    const sql = readFileSync(file, 'utf8').replace(/--.*$/gm, '');
    if (!from.test(sql) || !markers.every((m) => new RegExp(`\\b${m}\\b`).test(sql))) return [];
    return [{ file, select: sql.split(from)[0]! }];
  });
}

describe('queries of incident and problem rows', () => {
  for (const { table, columns, markers, least } of [
    {
      table: 'incidents',
      columns: Object.keys(toIncidentRow(anIncident())),
      markers: ['members', 'suspects'],
      least: 5,
    },
    {
      table: 'problems',
      columns: Object.keys(toProblemRow(aProblem())),
      markers: ['members', 'shared_factors'],
      least: 5,
    },
  ]) {
    it(`select every column the ${table} row mapping reads`, () => {
      const queries = rowQueries(table, markers);
      assert.ok(queries.length >= least, `found ${queries.length} ${table} row queries`);
      for (const { file, select } of queries) {
        const selected = new Set(select.match(/\b[a-z_]+\b/g));
        const missing = columns.filter((c) => !selected.has(c));
        assert.deepEqual(missing, [], `${file} does not select ${missing.join(', ')}`);
      }
    });
  }
});
