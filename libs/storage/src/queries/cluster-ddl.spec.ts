import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultMigrationsDir } from '../migrations/migration-files.js';
import { parseMigration } from '../migrations/migration-files.js';
import { splitSqlStatements } from '../migrations/sql-split.js';
import { clusterMigration, createdTables, stripComments } from './cluster-ddl.js';

const SOURCE = `
-- points
CREATE TABLE IF NOT EXISTS points
(
    service LowCardinality(String),
    ts      DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (service, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS things (id String, version UInt32)
ENGINE = ReplacingMergeTree(version) ORDER BY id
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS points_mv TO things AS
SELECT service AS id, toUInt32(1) AS version FROM points;

ALTER TABLE things ADD COLUMN IF NOT EXISTS note String DEFAULT '';
`;

describe('clusterMigration', () => {
  const tables = createdTables([SOURCE]);
  const out = clusterMigration(SOURCE, tables, {
    shardingKeys: { points: 'cityHash64(service)', things: 'cityHash64(id)' },
  });
  const statements = splitSqlStatements(out).map((s) => s.sql);

  it('replicates each table under a local name and puts a Distributed table under the original one', () => {
    assert.deepEqual([...tables], ['points', 'things']);
    assert.equal(statements.length, 7);
    const [pointsLocal, points, thingsLocal, things] = statements;
    assert.match(pointsLocal!, /^CREATE TABLE IF NOT EXISTS points_local ON CLUSTER '\{cluster\}'\n\(/);
    assert.match(
      pointsLocal!,
      /ENGINE = ReplicatedMergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\{table\}', '\{replica\}'\)\nPARTITION BY/,
    );
    assert.match(
      pointsLocal!,
      /SETTINGS ttl_only_drop_parts = 1$/,
      'replicated tables deduplicate by themselves',
    );
    assert.match(pointsLocal!, /TTL toDateTime\(ts\) \+ INTERVAL 30 DAY/);
    assert.equal(
      points,
      "CREATE TABLE IF NOT EXISTS points ON CLUSTER '{cluster}' AS points_local\n" +
        "ENGINE = Distributed('{cluster}', currentDatabase(), points_local, cityHash64(service))",
    );
    assert.match(
      thingsLocal!,
      /ENGINE = ReplicatedReplacingMergeTree\('[^']+', '\{replica\}', version\) ORDER BY id$/,
    );
    assert.match(
      things!,
      /Distributed\('\{cluster\}', currentDatabase\(\), things_local, cityHash64\(id\)\)$/,
    );
  });

  it('points views at the local tables and alters local and distributed tables alike', () => {
    assert.equal(
      statements[4],
      "CREATE MATERIALIZED VIEW IF NOT EXISTS points_mv ON CLUSTER '{cluster}' TO things_local AS " +
        'SELECT service AS id, toUInt32(1) AS version FROM points_local',
    );
    assert.equal(
      statements[5],
      "ALTER TABLE things_local ON CLUSTER '{cluster}' ADD COLUMN IF NOT EXISTS note String DEFAULT ''",
    );
    assert.equal(
      statements[6],
      "ALTER TABLE things ON CLUSTER '{cluster}' ADD COLUMN IF NOT EXISTS note String DEFAULT ''",
    );
  });

  it('changes storage (codecs, TTL) on the local table only', () => {
    const alter = 'ALTER TABLE points MODIFY COLUMN IF EXISTS ts DateTime64(3) CODEC(Delta, ZSTD(1));';
    assert.equal(
      clusterMigration(alter, tables),
      "ALTER TABLE points_local ON CLUSTER '{cluster}' MODIFY COLUMN IF EXISTS ts DateTime64(3) CODEC(Delta, ZSTD(1));\n",
    );
  });

  it('takes the cluster, paths and suffix as options', () => {
    const custom = clusterMigration(SOURCE, tables, {
      cluster: 'prod',
      zooPath: '/ch/{shard}/{table}',
      replica: 'r1',
      localSuffix: '_shard',
    });
    assert.match(custom, /CREATE TABLE IF NOT EXISTS points_shard ON CLUSTER 'prod'/);
    assert.match(custom, /ReplicatedMergeTree\('\/ch\/\{shard\}\/\{table\}', 'r1'\)/);
    assert.match(custom, /Distributed\('prod', currentDatabase\(\), points_shard, rand\(\)\)/);
  });

  it('turns every real migration into statements the migrator accepts (idempotent, no mutations)', () => {
    const dir = defaultMigrationsDir();
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    const texts = files.map((f) => readFileSync(join(dir, f), 'utf8'));
    const all = createdTables(texts);
    assert.ok(all.has('telemetry_points') && all.has('incidents') && all.has('dead_letters'));
    for (const [i, file] of files.entries()) {
      const migration = parseMigration(file, clusterMigration(texts[i]!, all));
      for (const { sql } of migration.statements) {
        assert.doesNotMatch(sql, /non_replicated_deduplication_window/, file);
        assert.match(sql, /ON CLUSTER '\{cluster\}'/, `${file}: ${sql.slice(0, 60)}`);
        assert.doesNotMatch(
          sql,
          /ENGINE = (?:Replacing|Aggregating)?MergeTree\b/,
          `${file}: every MergeTree replicated`,
        );
        if (/MATERIALIZED VIEW/.test(sql)) assert.match(sql, /TO \w+_local AS .*\sFROM \w+_local\b/s, file);
      }
    }
  });

  it('strips comments but not what looks like one inside a string', () => {
    assert.equal(stripComments("SELECT '--x' -- gone\n, 1 /* gone */"), "SELECT '--x' \n, 1  ");
  });
});
