// Run as its own process after the all-in-one app has stopped (chDB serves one data directory per
// process): prints what ClickHouse holds of a chaos workload, as JSON on stdout. Counts come
// without FINAL, so rows written twice show as such (telemetry_points never collapses them;
// the ReplacingMergeTree tables may already have merged some away).
//   argv: DATA_DIR TAG
import { ChdbStore } from '#storage';

export interface StoreCounts {
  readonly changes: Record<string, number>;
  readonly alerts: Record<string, number>;
  /** `service ts` → rows. */
  readonly points: Record<string, number>;
  /** Incident id → versions stored (each once per row). */
  readonly incidentVersions: Record<string, number[]>;
  /** Incident id → alert fingerprints in its newest version (incidents merged into another left out). */
  readonly incidentAlerts: Record<string, string[]>;
  /** Incident id → the change its newest version names as the top suspect ('' for none). */
  readonly topSuspects: Record<string, string>;
  /** Change id → final verdicts stored. */
  readonly finalVerdicts: Record<string, number>;
}

const [dataDir, tag] = process.argv.slice(2) as [string, string];
const store = await ChdbStore.open({ dataDir, database: 'aftershock' });
const like = `${tag}-%`;
const tally = async (sql: string) =>
  Object.fromEntries(
    (await store.query<{ k: string; n: string | number }>(sql, { like })).map((r) => [r.k, Number(r.n)]),
  );
const versions = await store.query<{ id: string; versions: number[] }>(
  `SELECT id, groupArray(version) AS versions FROM incident_events
   WHERE id IN (SELECT id FROM incidents WHERE service LIKE {like:String}) GROUP BY id`,
  { like },
);
// An incident merged into another keeps its members in its last version, marked resolved with a
// comment naming where they went: its alerts belong to the one it was merged into.
const members = await store.query<{ id: string; alerts: string[]; suspect: string | null }>(
  `SELECT id, arrayMap(m -> m.ref, arrayFilter(m -> m.type = 'alert', members)) AS alerts,
          arraySort(s -> -s.probability, suspects)[1].change_id AS suspect
   FROM incidents FINAL WHERE service LIKE {like:String}
     AND NOT (status = 'resolved' AND startsWith(ifNull(comment, ''), 'merged into'))`,
  { like },
);
const counts: StoreCounts = {
  changes: await tally(
    'SELECT id AS k, count() AS n FROM changes WHERE service LIKE {like:String} GROUP BY id',
  ),
  alerts: await tally(
    'SELECT fingerprint AS k, count() AS n FROM alerts WHERE service LIKE {like:String} GROUP BY fingerprint',
  ),
  points: await tally(
    `SELECT concat(service, ' ', toString(toUnixTimestamp64Milli(ts))) AS k, count() AS n
     FROM telemetry_points WHERE service LIKE {like:String} GROUP BY k`,
  ),
  incidentVersions: Object.fromEntries(versions.map((r) => [r.id, r.versions.map(Number)])),
  incidentAlerts: Object.fromEntries(members.map((r) => [r.id, r.alerts])),
  topSuspects: Object.fromEntries(members.map((r) => [r.id, r.suspect ?? ''])),
  finalVerdicts: await tally(
    'SELECT change_id AS k, count() AS n FROM verdicts WHERE service LIKE {like:String} AND final GROUP BY change_id',
  ),
};
process.stdout.write(JSON.stringify(counts) + '\n');
await store.close();
