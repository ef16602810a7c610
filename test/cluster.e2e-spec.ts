// `aftershock migrate --cluster` as an operator runs it. The cluster path itself runs against a
// real cluster in libs/storage/src/queries/cluster-ddl.int-spec.ts where one is configured;
// here, what the command says when it cannot run it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshDataDir, startProcess } from './support/app-process.js';

const CONFIG_ERROR_EXIT = 78;

describe('aftershock migrate --cluster', () => {
  it('needs a ClickHouse server: embedded chDB has no cluster', async () => {
    const proc = startProcess(
      'bin/aftershock.js',
      ['migrate', '--cluster', 'aftershock', '--data-dir', freshDataDir()],
      {},
    );
    assert.equal((await proc.exited()).code, CONFIG_ERROR_EXIT);
    assert.match(proc.stderr(), /CLICKHOUSE_URL: is required with a cluster/);
  });

  it('refuses a cluster name that cannot be written into ON CLUSTER, before connecting', async () => {
    const proc = startProcess('bin/aftershock.js', ['migrate'], {
      CLICKHOUSE_URL: 'http://127.0.0.1:1',
      CLICKHOUSE_CLUSTER: "prod' --",
    });
    assert.equal((await proc.exited()).code, CONFIG_ERROR_EXIT);
    assert.match(proc.stderr(), /CLICKHOUSE_CLUSTER: cluster name "prod' --" may hold only/);
  });
});
