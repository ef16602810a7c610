import { ConfigError, loadSettings, storeSettings } from '#config';
import { createLogger } from '#observability';
import { CONFIG_ERROR_EXIT_CODE } from '#platform';
import { checkClusterName, createClickHouseStore, runClusterMigrations, runMigrations } from '#storage';
import { defineCommand } from '../command.js';

export const migrateCommand = defineCommand({
  name: 'migrate',
  summary: 'apply pending ClickHouse migrations (run as exactly one step, never from every replica)',
  usage:
    'aftershock migrate [--data-dir DIR] [--cluster NAME]   (CLICKHOUSE_URL selects a server, unset = embedded chDB; ' +
    '--cluster or CLICKHOUSE_CLUSTER: replicated tables behind Distributed ones on that cluster)',
  options: { 'data-dir': { type: 'string' }, cluster: { type: 'string' } },
  maxPositionals: 0,
  async run(args) {
    if (args.options['data-dir']) process.env.AFTERSHOCK_DATA_DIR = args.options['data-dir'];
    if (args.options.cluster) process.env.CLICKHOUSE_CLUSTER = args.options.cluster;
    let config;
    try {
      config = loadSettings(storeSettings);
      if (config.clickhouseCluster !== undefined)
        checkCluster(config.clickhouseCluster, config.clickhouseUrl);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`aftershock migrate: ${error.message}\n`);
      return CONFIG_ERROR_EXIT_CODE;
    }
    const logger = createLogger({ level: 'warn', fields: { app: 'migrate' } });
    const store = await createClickHouseStore(config, logger);
    try {
      const options = { logger, onProgress: (name: string) => process.stderr.write(`  applying ${name}\n`) };
      const cluster = config.clickhouseCluster;
      const result = cluster
        ? await runClusterMigrations(store, { ...options, cluster, database: config.clickhouseDatabase })
        : await runMigrations(store, options);
      const applied = result.applied.length ? ` (${result.applied.join(', ')})` : '';
      const where = cluster ? ` on cluster ${cluster}` : '';
      process.stdout.write(
        `migrations${where}: ${result.applied.length} applied${applied}, ${result.skipped.length} already in place\n`,
      );
      return 0;
    } finally {
      await store.close();
    }
  },
});

/** A cluster needs a server, and a name that can be written into ON CLUSTER. */
function checkCluster(cluster: string, url: string | undefined): void {
  const problems = [];
  if (!url)
    problems.push({
      setting: 'CLICKHOUSE_URL',
      problem: 'is required with a cluster (embedded chDB has none)',
    });
  try {
    checkClusterName(cluster);
  } catch (error) {
    problems.push({ setting: 'CLICKHOUSE_CLUSTER', problem: (error as Error).message });
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
