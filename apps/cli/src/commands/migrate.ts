import { ConfigError, loadSettings, storeSettings } from '#config';
import { createLogger } from '#observability';
import { CONFIG_ERROR_EXIT_CODE } from '#platform';
import { createClickHouseStore, runMigrations } from '#storage';
import { defineCommand } from '../command.js';

export const migrateCommand = defineCommand({
  name: 'migrate',
  summary: 'apply pending ClickHouse migrations (run as exactly one step, never from every replica)',
  usage: 'aftershock migrate [--data-dir DIR]   (CLICKHOUSE_URL selects a server; unset = embedded chDB)',
  options: { 'data-dir': { type: 'string' } },
  maxPositionals: 0,
  async run(args) {
    if (args.options['data-dir']) process.env.AFTERSHOCK_DATA_DIR = args.options['data-dir'];
    let config;
    try {
      config = loadSettings(storeSettings);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`aftershock migrate: ${error.message}\n`);
      return CONFIG_ERROR_EXIT_CODE;
    }
    const logger = createLogger({ level: 'warn', fields: { app: 'migrate' } });
    const store = await createClickHouseStore(config, logger);
    try {
      const result = await runMigrations(store, {
        logger,
        onProgress: (name: string) => process.stderr.write(`  applying ${name}\n`),
      });
      const applied = result.applied.length ? ` (${result.applied.join(', ')})` : '';
      process.stdout.write(
        `migrations: ${result.applied.length} applied${applied}, ${result.skipped.length} already in place\n`,
      );
      return 0;
    } finally {
      await store.close();
    }
  },
});
