// Every query that reads whole incident, problem or change rows must select every column of the
// row: a column added by a migration and missed by one query broke the api's risk history once
// (`fromIncidentRow` read a column the query had not selected). The queries name their columns
// through one part each (sql/parts/*-columns.sql); this reads them as they are sent, parts expanded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aChange, anIncident, aProblem } from '#testing';
import { sqlFile, sqlFileNames } from '../queries/sql-files.js';
import { toChangeRow } from './change.record.js';
import { toIncidentRow } from './incident.record.js';
import { toProblemRow } from './problem.record.js';

const files = () => sqlFileNames().queries;

/** The SELECT list of each query reading rows of `table` (directly or through merge()) that names every `markers` column. */
function rowQueries(table: string, markers: readonly string[]): { file: string; select: string }[] {
  const from = new RegExp(`\\bFROM (?:${table}\\b|merge\\(.*\\b${table}\\b)`);
  return files().flatMap((file) => {
    const sql = sqlFile(file).replace(/--.*$/gm, '');
    if (!from.test(sql) || !markers.every((m) => new RegExp(`\\b${m}\\b`).test(sql))) return [];
    return [{ file, select: sql.split(from)[0]! }];
  });
}

describe('queries of incident, problem and change rows', () => {
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
    {
      table: 'changes',
      columns: Object.keys(toChangeRow(aChange(), { topic: 't', partition: 0, offset: '0', timestamp: 0 })),
      markers: ['has_pipeline'],
      least: 3,
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
