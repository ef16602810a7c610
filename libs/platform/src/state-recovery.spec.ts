import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '#observability';
import { NotOwnerError, StateRecovery } from './state-recovery.js';

const quick = { initialMs: 1, maxMs: 5 };
const held = () => ({ current: true });

describe('StateRecovery', () => {
  it('publishes nothing before the first restore, and nothing once the assignment no longer holds', async () => {
    const recovery = new StateRecovery('test', {}, silentLogger, quick);
    const sent: string[] = [];
    await assert.rejects(
      recovery.step(() => recovery.publish(async () => void sent.push('early'))),
      NotOwnerError,
    );
    const membership = { current: true };
    await recovery.restore(new Map(), membership, async () => ({}));
    await recovery.step(() => recovery.publish(async () => void sent.push('owner')));
    membership.current = false; // the group handed the partitions on (a pause past the session timeout)
    await assert.rejects(
      recovery.step(() => recovery.publish(async () => void sent.push('zombie'))),
      NotOwnerError,
    );
    assert.deepEqual(sent, ['owner']);
    assert.equal(recovery.owner, false);
  });

  it('stays behind after a refused publish until the next restore, even if the assignment holds again', async () => {
    const recovery = new StateRecovery('test', {}, silentLogger, quick);
    const membership = { current: true };
    await recovery.restore(new Map(), membership, async () => ({}));
    membership.current = false;
    await assert.rejects(
      recovery.publish(async () => undefined),
      NotOwnerError,
    );
    membership.current = true;
    assert.equal(recovery.owner, false, 'its state is ahead of what was published');
    await recovery.restore(new Map(), held(), async () => ({}));
    assert.equal(recovery.owner, true);
  });

  it('retries a failing send with the same outputs while the assignment holds', async () => {
    const recovery = new StateRecovery('test', {}, silentLogger, quick);
    await recovery.restore(new Map(), held(), async () => ({}));
    let attempts = 0;
    await recovery.publish(async () => {
      if (++attempts < 4) throw new Error('broker unavailable');
    });
    assert.equal(attempts, 4);
  });

  it('stops retrying once the assignment is lost', async () => {
    const recovery = new StateRecovery('test', {}, silentLogger, quick);
    const membership = { current: true };
    await recovery.restore(new Map(), membership, async () => ({}));
    let attempts = 0;
    await assert.rejects(
      recovery.publish(async () => {
        if (++attempts === 3) membership.current = false;
        throw new Error('broker unavailable');
      }),
      NotOwnerError,
    );
    assert.equal(attempts, 3);
  });

  it('runs steps and restores one at a time, in call order', async () => {
    const recovery = new StateRecovery('test', {}, silentLogger, quick);
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = recovery.step(async () => {
      order.push('step 1 starts');
      await gate;
      order.push('step 1 ends');
    });
    const restore = recovery.restore(new Map(), held(), async () => {
      order.push('restore');
      return {};
    });
    const second = recovery.step(async () => void order.push('step 2'));
    release();
    await Promise.all([first, restore, second]);
    assert.deepEqual(order, ['step 1 starts', 'step 1 ends', 'restore', 'step 2']);
  });

  it('publishes nothing after a restore that failed, until one succeeds', async () => {
    const recovery = new StateRecovery('test', {}, silentLogger, quick);
    await assert.rejects(
      recovery.restore(new Map(), held(), async () => {
        throw new Error('store unavailable');
      }),
    );
    assert.equal(recovery.owner, false);
    await recovery.restore(new Map(), held(), async () => ({}));
    assert.equal(recovery.owner, true);
  });
});
