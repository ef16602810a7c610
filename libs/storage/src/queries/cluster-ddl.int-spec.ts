// The cluster form of the migrations on a real cluster: only where one is configured
// (CLICKHOUSE_URL of a node and CLICKHOUSE_CLUSTER, the name in its remote_servers with the
// {shard}/{replica} macros set; deploy/clickhouse/cluster is such a cluster). Applies every
// generated migration to a fresh database the way `aftershock migrate --cluster` does, changes
// retention on every node, writes through the Distributed tables and reads back through the
// repositories.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkClusterName, HttpStore, runClusterMigrations } from '#storage';
import { anIncident } from '#testing';
import { TABLES, toIncidentRow, toTelemetryPointRows } from '../records/index.js';
import { IncidentsRepository } from './incidents.repository.js';
import { applyTelemetryRetention } from './retention.js';
import { TelemetryRepository } from './telemetry.repository.js';

const url = process.env.CLICKHOUSE_URL?.trim();
const cluster = process.env.CLICKHOUSE_CLUSTER?.trim();
const skip =
  url && cluster ? false : 'set CLICKHOUSE_URL and CLICKHOUSE_CLUSTER to test the cluster form on a cluster';

// The skip sits on the test, not the suite: the runner counts skipped tests, never skipped suites.
describe('cluster migrations on a ClickHouse cluster', () => {
  it('creates replicated and distributed tables the repositories read through', { skip }, async () => {
    // ON CLUSTER takes no query parameter: the name is checked, then written in.
    const clusterName = checkClusterName(cluster!);
    const database = `aftershock_cluster_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const credentials = {
      url: url!,
      username: process.env.CLICKHOUSE_USER ?? 'default',
      password: process.env.CLICKHOUSE_PASSWORD ?? '',
    };
    const admin = await HttpStore.open({ ...credentials, database: 'default' });
    try {
      const store = await HttpStore.open({ ...credentials, database });
      try {
        await runClusterMigrations(store, { cluster: clusterName, database });
        const changed = await applyTelemetryRetention(
          store,
          { rawMs: 14 * 86_400_000 },
          undefined,
          clusterName,
        );
        assert.deepEqual(
          changed.map((c) => [c.table, c.toSeconds]),
          [['telemetry_points', 14 * 86_400]],
        );
        const [engine] = await store.query<{ engine: string }>(
          `SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = 'telemetry_points_local'`,
        );
        assert.equal(engine?.engine, 'ReplicatedMergeTree');
        const now = Date.now();
        await store.insert(
          TABLES.telemetryPoints,
          toTelemetryPointRows({
            id: 'b',
            service: 'api',
            environment: 'production',
            resource: {},
            points: [{ metric: 'm', value: 1, timestamp: now - 60_000, unit: null, labels: {} }],
          }),
        );
        await store.insert(TABLES.incidents, [toIncidentRow(anIncident())]);
        // Distributed inserts may be forwarded in the background: wait for them to land.
        for (let i = 0; i < 100; i++) {
          const got = await new TelemetryRepository(store).series({
            service: 'api',
            metric: 'm',
            from: now - 3_600_000,
            to: now,
          });
          if (got.series.length === 1 && (await new IncidentsRepository(store).get('inc-1'))) return;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        assert.fail('rows written through the Distributed tables did not come back');
      } finally {
        await store.close();
      }
    } finally {
      await admin.command(`DROP DATABASE IF EXISTS {db:Identifier} ON CLUSTER '${clusterName}' SYNC`, {
        db: database,
      });
      await admin.close();
    }
  });
});
