import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onCluster } from '../queries/retention.js';
import { checkClusterName } from './cluster-migrations.js';

describe('cluster migrations', () => {
  it('accept cluster names and macros that can be written into ON CLUSTER', () => {
    for (const name of ['aftershock', 'prod-eu.1', '{cluster}']) assert.equal(checkClusterName(name), name);
  });

  it("refuse names that could leave the quotes (ON CLUSTER '…' takes no parameter)", () => {
    for (const name of ["x' SETTINGS a=1 --", 'two words', '', 'a;b']) {
      assert.throws(() => checkClusterName(name), /may hold only letters, digits and _ . - \{ \}/);
    }
  });

  it('change retention on the local tables of every node, with the seconds written in', () => {
    const statement =
      'ALTER TABLE telemetry_points MODIFY TTL toDateTime(ts) + toIntervalSecond({seconds:UInt64})';
    assert.equal(
      onCluster(statement, 1_209_600, { cluster: 'aftershock' }),
      "ALTER TABLE telemetry_points_local ON CLUSTER 'aftershock' MODIFY TTL toDateTime(ts) + toIntervalSecond(1209600)",
    );
    assert.throws(() => onCluster(statement, 1.5, { cluster: 'aftershock' }), /not a whole number/);
  });
});
