// Linking an incident to a problem, or unlinking it, by hand: the clustering abides by it, and a
// restored book (a restart of the problems app) reaches the same conclusion.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Incident, Problem, ProblemCommand } from '#contracts';
import { anIncident, aProblemCommand, T0 } from '#testing';
import { TemplateMiner } from '../templates/template-miner.js';
import { ProblemBook } from './problem-book.js';
import { restoreProblemBook } from './restore.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Two kinds of repeat failure on different services, `n` of each a day apart. */
function failure(kind: 'export' | 'checkout', n: number, version = 1): Incident {
  const opened = T0 + n * DAY + (kind === 'export' ? 0 : HOUR);
  const service = kind === 'export' ? 'reporting' : 'checkout';
  const base = {
    id: `${kind}-${n}`,
    title: kind === 'export' ? 'BatchJobFailed on reporting' : 'HighErrorRate on checkout',
    summary:
      kind === 'export'
        ? `job nightly-export failed after ${n} retries`
        : `payment provider answered 503 for ${n} percent of calls`,
    service,
    services: [service],
    openedAt: opened,
  };
  return version === 1
    ? anIncident({ ...base, version, updatedAt: opened, resolvedAt: null, status: 'open' })
    : anIncident({
        ...base,
        version,
        event: 'reopened',
        status: 'open',
        updatedAt: opened + version * HOUR,
        resolvedAt: null,
      });
}

function setUp(): { book: ProblemBook; incidents: Incident[]; exportId: string; checkoutId: string } {
  const book = new ProblemBook(new TemplateMiner());
  const incidents = [0, 1, 2].flatMap((n) => [failure('export', n), failure('checkout', n)]);
  for (const i of incidents) book.onIncident(i);
  const problems = book.problems();
  assert.equal(problems.length, 2, 'two problems from two kinds of failure');
  const of = (id: string) => problems.find((p) => p.members.includes(id))!.id;
  return { book, incidents, exportId: of('export-0'), checkoutId: of('checkout-0') };
}

const command = (overrides: Partial<ProblemCommand>): ProblemCommand =>
  aProblemCommand({ actor: 'oncall@example.com', at: T0 + 3 * DAY, ...overrides });

describe('linking and unlinking incidents by hand', () => {
  it('links an incident the clustering put elsewhere: it moves, both problems say so, and it stays', () => {
    const { book, exportId, checkoutId } = setUp();
    const out = book.act(
      command({
        id: 'pcmd-link',
        problemId: exportId,
        action: 'link',
        incidentId: 'checkout-1',
        comment: 'the export starves checkout',
      }),
    );
    assert.deepEqual(
      out.map((p) => [p.id, p.members.includes('checkout-1'), p.actor, p.comment]),
      [
        [exportId, true, 'oncall@example.com', 'the export starves checkout'],
        [checkoutId, false, 'oncall@example.com', 'the export starves checkout'],
      ],
    );
    assert.equal(book.get(exportId)?.count, 4);
    assert.equal(book.get(checkoutId)?.count, 2);
    // A later version of the linked incident stays where the person put it.
    book.onIncident(failure('checkout', 1, 2));
    assert.ok(book.get(exportId)?.members.includes('checkout-1'));
    assert.ok(!book.get(checkoutId)?.members.includes('checkout-1'));
  });

  it('unlinks an incident: a later recurrence of it is not put back, new repeats still join', () => {
    const { book, exportId } = setUp();
    const [unlinked] = book.act(
      command({ id: 'pcmd-unlink', problemId: exportId, action: 'unlink', incidentId: 'export-1' }),
    );
    assert.deepEqual(unlinked?.members, ['export-0', 'export-2']);
    assert.equal(unlinked?.count, 2);
    const recurrence = book.onIncident(failure('export', 1, 2));
    assert.deepEqual(recurrence, [], 'the unlinked incident does not come back');
    assert.ok(!book.get(exportId)?.members.includes('export-1'));
    assert.ok(book.problems().every((p) => !p.members.includes('export-1')));
    // Another repeat of the failure is still clustered into the problem.
    book.onIncident(failure('export', 4));
    assert.deepEqual(book.get(exportId)?.members, ['export-0', 'export-2', 'export-4']);
  });

  it('links an unlinked incident back, and links one the book has not seen when it arrives', () => {
    const { book, exportId } = setUp();
    book.act(command({ id: 'c1', problemId: exportId, action: 'unlink', incidentId: 'export-1' }));
    book.act(
      command({ id: 'c2', problemId: exportId, action: 'link', incidentId: 'export-1', at: T0 + 4 * DAY }),
    );
    assert.deepEqual(book.get(exportId)?.members, ['export-0', 'export-1', 'export-2']);
    book.act(
      command({ id: 'c3', problemId: exportId, action: 'link', incidentId: 'checkout-7', at: T0 + 5 * DAY }),
    );
    book.onIncident(failure('checkout', 7));
    assert.ok(book.get(exportId)?.members.includes('checkout-7'));
  });

  it('does nothing on a rejected problem or without an incident', () => {
    const { book, exportId } = setUp();
    book.act(command({ id: 'c1', problemId: exportId, action: 'reject' }));
    assert.deepEqual(
      book.act(command({ id: 'c2', problemId: exportId, action: 'link', incidentId: 'checkout-1' })),
      [],
    );
    const { book: other, checkoutId } = setUp();
    assert.deepEqual(other.act(command({ id: 'c3', problemId: checkoutId, action: 'unlink' })), []);
  });

  it('linking an incident opened after the fix reopens a resolved problem', () => {
    const { book, exportId } = setUp();
    book.act(command({ id: 'c1', problemId: exportId, action: 'resolve', fixChangeId: 'chg-1' }));
    book.onIncident(failure('checkout', 5));
    const [linked] = book.act(
      command({ id: 'c2', problemId: exportId, action: 'link', incidentId: 'checkout-5', at: T0 + 6 * DAY }),
    );
    assert.deepEqual([linked?.status, linked?.reopened], ['problem', true]);
  });

  it('a restored book keeps both: the linked incident stays, the unlinked one stays out', () => {
    const { book, incidents, exportId, checkoutId } = setUp();
    const commands = [
      command({ id: 'c1', problemId: exportId, action: 'link', incidentId: 'checkout-1' }),
      command({
        id: 'c2',
        problemId: exportId,
        action: 'unlink',
        incidentId: 'export-2',
        at: T0 + 3 * DAY + 1,
      }),
    ];
    const published: Problem[] = [...book.problems()];
    for (const c of commands) published.push(...book.act(c));
    // Later versions of both, after the commands (a restore replays only the newest version).
    const later = [failure('checkout', 1, 80), failure('export', 2, 80)];
    for (const i of later) published.push(...book.onIncident(i));

    const successor = new ProblemBook(new TemplateMiner());
    const restored = restoreProblemBook(successor, {
      incidents: [...incidents, ...later],
      commands,
      problems: published,
    });
    assert.deepEqual(restored.publish, [], 'the replay concludes what was published');
    for (const id of [exportId, checkoutId])
      assert.deepEqual(successor.get(id)?.members, book.get(id)?.members, id);
    assert.ok(successor.get(exportId)?.members.includes('checkout-1'));
    assert.ok(successor.problems().every((p) => !p.members.includes('export-2')));
    // And it goes on abiding by them.
    assert.deepEqual(successor.onIncident(failure('export', 2, 90)), []);
    successor.onIncident(failure('checkout', 1, 90));
    assert.ok(successor.get(exportId)?.members.includes('checkout-1'));
  });
});
