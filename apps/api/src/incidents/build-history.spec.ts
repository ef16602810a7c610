import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Incident } from '#contracts';
import { anIncident, MINUTE, T0 } from '#testing';
import { buildHistory } from './incidents.service.js';

const v = (version: number, overrides: Partial<Incident> = {}) => anIncident({ version, ...overrides });
const step = (
  version: number,
  status: Incident['status'],
  event: Incident['event'],
  at: number,
  actor: string | null = null,
) => ({
  version,
  event,
  status,
  severity: 'critical' as const,
  at,
  actor,
  comment: null,
  topSuspect: 'chg-1',
});

describe('buildHistory', () => {
  it('keeps recorded versions and fills merged-away ones from the timeline onto the next recorded version', () => {
    const current = v(3, {
      status: 'resolved',
      event: 'resolved',
      resolvedAt: T0 + 30 * MINUTE,
      updatedAt: T0 + 30 * MINUTE,
    });
    const history = buildHistory(
      current,
      [v(1, { title: 'first title' })],
      [
        step(1, 'open', 'opened', T0 + 5 * MINUTE),
        step(2, 'acknowledged', 'acknowledged', T0 + 10 * MINUTE, 'ana'),
        step(3, 'resolved', 'resolved', T0 + 30 * MINUTE),
      ],
    );
    assert.deepEqual(
      history.map((i) => [i.version, i.status, i.event, i.actor, i.resolvedAt, i.title]),
      [
        [1, 'open', 'opened', null, null, 'first title'],
        [2, 'acknowledged', 'acknowledged', 'ana', null, current.title],
        [3, 'resolved', 'resolved', null, T0 + 30 * MINUTE, current.title],
      ],
    );
    assert.equal(history[1]!.updatedAt, T0 + 10 * MINUTE);
  });

  it('never shows a version newer than the current one', () => {
    const history = buildHistory(
      v(1),
      [],
      [step(1, 'open', 'opened', T0), step(2, 'open', 'updated', T0 + MINUTE)],
    );
    assert.deepEqual(
      history.map((i) => i.version),
      [1],
    );
  });
});
