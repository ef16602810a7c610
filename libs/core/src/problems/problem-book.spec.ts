import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anIncident, aProblemCommand, T0 } from '#testing';
import { TemplateMiner } from '../templates/template-miner.js';
import { ProblemBook } from './problem-book.js';

const DAY = 86_400_000;

describe('problem book', () => {
  it("keeps a problem manager's comment on the version their action makes, and only there", () => {
    const book = new ProblemBook(new TemplateMiner());
    const nightly = (n: number) =>
      anIncident({
        id: `inc-${n}`,
        title: 'BatchJobFailed on reporting',
        summary: `job nightly-export failed after ${n} retries`,
        service: 'reporting',
        services: ['reporting'],
        openedAt: T0 + n * DAY,
        updatedAt: T0 + n * DAY,
        resolvedAt: null,
        status: 'open',
      });
    for (const n of [0, 1, 2]) book.onIncident(nightly(n));
    const [candidate] = book.problems();
    assert.equal(candidate?.status, 'candidate');
    const [confirmed] = book.act(
      aProblemCommand({
        problemId: candidate.id,
        action: 'confirm',
        actor: 'pm@example.com',
        comment: 'the export host runs out of disk',
        at: T0 + 3 * DAY,
      }),
    );
    assert.deepEqual(
      [confirmed?.status, confirmed?.actor, confirmed?.comment],
      ['problem', 'pm@example.com', 'the export host runs out of disk'],
    );
    const [repeat] = book.onIncident(nightly(4));
    assert.deepEqual([repeat?.actor, repeat?.comment], [null, null]);
  });
});
