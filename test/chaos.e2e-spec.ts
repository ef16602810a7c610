// The short form of the fault-injection suite, run with every test run: the all-in-one app
// restarted on its data directory, stopped with SIGTERM under load and killed with SIGKILL under
// load, while writers keep sending. Every acknowledged change, alert and telemetry point must be
// in ClickHouse exactly once, incidents with contiguous versions, every acknowledged change with
// its final verdict. (`npm run test:chaos` is the long form: 20+ random kill points.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeVerdict } from './chaos/verify.js';
import { runChaos, type Fault } from './chaos/scenario.js';

async function expectNothingLost(faults: Fault[]): Promise<void> {
  const run = await runChaos({
    faults,
    services: 8,
    writers: 4,
    env: { AFTERSHOCK_BUS: process.env.CHAOS_BUS ?? 'embedded' },
  });
  const report = describeVerdict(run.verdict);
  assert.equal(run.faults.length, faults.length, `every fault happened during the run\n${report}`);
  assert.ok(run.verdict.kinds.telemetry.acked > 0, report);
  assert.ok(run.verdict.ok, report);
}

describe('all-in-one under faults: every acknowledged event stored exactly once', () => {
  it('restarts on the same data directory keep new events (SIGTERM, restart, twice)', async () => {
    await expectNothingLost(['SIGTERM', 'SIGTERM']);
  });

  it('SIGKILL under load loses no acknowledged event and duplicates nothing', async () => {
    await expectNothingLost(['SIGKILL', 'SIGKILL']);
  });
});
