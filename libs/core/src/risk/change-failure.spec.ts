import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anIncident, aVerdict, MINUTE, T0 } from '#testing';
import { CHANGE_FAILURE_DEFINITION, FailureLedger } from './change-failure.js';

describe('the change-failure definition', () => {
  it('is written down for the README', () => {
    assert.match(CHANGE_FAILURE_DEFINITION, /fail verdict/);
    assert.match(CHANGE_FAILURE_DEFINITION, /top suspect/);
    assert.match(CHANGE_FAILURE_DEFINITION, /rollback/);
  });

  it('a fail verdict makes a failure from its decision on; a later passing look supersedes it', () => {
    const ledger = new FailureLedger();
    ledger.addVerdict(aVerdict({ id: 'chg-1/1', look: 1, outcome: 'fail', decidedAt: T0 + 10 * MINUTE }));
    assert.equal(ledger.failure('chg-1', T0 + 9 * MINUTE), undefined);
    assert.deepEqual(ledger.failure('chg-1', T0 + 10 * MINUTE)?.records, [
      { cause: 'verdict', ref: 'chg-1/1', at: T0 + 10 * MINUTE },
    ]);
    ledger.addVerdict(aVerdict({ id: 'chg-1/2', look: 2, outcome: 'pass', decidedAt: T0 + 20 * MINUTE }));
    assert.ok(ledger.failure('chg-1', T0 + 15 * MINUTE));
    assert.equal(ledger.failure('chg-1'), undefined);
  });

  it('an incident whose top suspect is the change at ≥ 0.5 makes a failure; a later version can clear it', () => {
    const ledger = new FailureLedger();
    const suspect = (changeId: string | null, probability: number) => ({
      changeId,
      service: 'checkout',
      kind: null,
      component: null,
      probability,
      evidence: [],
    });
    ledger.addIncident(anIncident({ id: 'weak', suspects: [suspect(null, 0.55), suspect('chg-1', 0.45)] }));
    assert.equal(ledger.failure('chg-1'), undefined, 'not the top suspect');
    ledger.addIncident(
      anIncident({ id: 'inc-1', version: 1, updatedAt: T0 + 5 * MINUTE, suspects: [suspect('chg-1', 0.5)] }),
    );
    assert.deepEqual(ledger.failure('chg-1')?.records, [
      { cause: 'incident', ref: 'inc-1', at: T0 + 5 * MINUTE },
    ]);
    assert.equal(ledger.attributedChange('inc-1'), 'chg-1');
    ledger.addIncident(
      anIncident({
        id: 'inc-1',
        version: 2,
        updatedAt: T0 + 30 * MINUTE,
        suspects: [suspect('chg-2', 0.7), suspect('chg-1', 0.2)],
      }),
    );
    assert.ok(ledger.failure('chg-1', T0 + 29 * MINUTE), 'as known before the revision');
    assert.equal(ledger.failure('chg-1'), undefined, 'cleared by the later version');
    assert.ok(ledger.failure('chg-2'));
  });

  it('a rollback of the change makes a failure; the earliest record dates it', () => {
    const ledger = new FailureLedger();
    ledger.addRollback('rb-1', 'chg-1', T0 + 40 * MINUTE);
    ledger.addVerdict(aVerdict({ outcome: 'fail', decidedAt: T0 + 20 * MINUTE }));
    const failure = ledger.failure('chg-1')!;
    assert.equal(failure.knownAt, T0 + 20 * MINUTE);
    assert.deepEqual(
      failure.records.map((r) => r.cause),
      ['verdict', 'rollback'],
    );
  });

  it('the threshold is a setting', () => {
    const ledger = new FailureLedger({ suspectThreshold: 0.9 });
    ledger.addIncident(anIncident());
    assert.equal(ledger.failure('chg-1'), undefined);
  });
});
