// Picks the driver from configuration: a ClickHouse server when CLICKHOUSE_URL is set, else the
// embedded engine under the data directory (all-in-one mode, laptops, tests).
import type { StoreConfig } from '#config';
import type { Logger } from '#observability';
import { ChdbStore } from './chdb/chdb-store.js';
import { HttpStore } from './http/http-store.js';
import type { ClickHouseStore } from './port.js';

export async function createClickHouseStore(config: StoreConfig, logger: Logger): Promise<ClickHouseStore> {
  const database = config.clickhouseDatabase;
  if (config.clickhouseUrl) {
    const store = await HttpStore.open({
      url: config.clickhouseUrl,
      username: config.clickhouseUser,
      password: config.clickhousePassword,
      database,
      ...(config.clickhouseCluster ? { cluster: config.clickhouseCluster } : {}),
    });
    logger.info('clickhouse store ready', { driver: 'http', url: redact(config.clickhouseUrl), database });
    return store;
  }
  const store = await ChdbStore.open({ dataDir: config.dataDir, database });
  logger.info('clickhouse store ready', { driver: 'chdb', dataDir: config.dataDir, database });
  return store;
}

/** The URL without credentials someone may have put into it. */
function redact(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}
