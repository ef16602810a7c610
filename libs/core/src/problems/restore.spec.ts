import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Incident, Problem } from '#contracts';
import { anIncident, aProblemCommand } from '#testing';
import { TemplateMiner } from '../templates/template-miner.js';
import { ProblemBook } from './problem-book.js';
import { restoreProblemBook } from './restore.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2, 2, 0);

/** A nightly job failing every night: versions opened then resolved, one cluster. */
function nightlyFailures(nights: number): Incident[] {
  return Array.from({ length: nights }, (_, n) => {
    const opened = T0 + n * DAY;
    const base = {
      id: `inc-${n}`,
      title: `BatchJobFailed on reporting`,
      summary: `job nightly-export failed after ${3 + (n % 3)} retries on host batch-${n}`,
      service: 'reporting',
      services: ['reporting'],
      openedAt: opened,
    };
    return [
      anIncident({ ...base, version: 1, updatedAt: opened }),
      anIncident({
        ...base,
        version: 2,
        event: 'resolved',
        status: 'resolved',
        updatedAt: opened + 30 * 60_000,
        resolvedAt: opened + 30 * 60_000,
      }),
    ];
  }).flat();
}

const run = (book: ProblemBook, incidents: readonly Incident[]) =>
  incidents.flatMap((i) => book.onIncident(i));
const newest = (problems: readonly Problem[]) => problems.reduce((a, b) => (b.version > a.version ? b : a));

describe('restoring a problem book', () => {
  it('carries on as if never stopped: same conclusion, versions contiguous across the restart', () => {
    const incidents = nightlyFailures(6);
    const uninterrupted = new ProblemBook(new TemplateMiner());
    const all = run(uninterrupted, incidents);
    // The first owner stopped after 7 incident events; everything up to there was published.
    const firstOwner = new ProblemBook(new TemplateMiner());
    const published = run(firstOwner, incidents.slice(0, 7));
    assert.ok(published.length > 0, 'a candidate was published before the stop');

    const successor = new ProblemBook(new TemplateMiner());
    const restored = restoreProblemBook(successor, {
      incidents: incidents.slice(0, 7),
      commands: [],
      problems: published,
    });
    assert.deepEqual(restored.publish, [], 'nothing to catch up: the first owner published its conclusions');
    const after = run(successor, incidents.slice(7));
    const versions = [...published, ...after].map((p) => p.version);
    assert.deepEqual(
      versions,
      versions.map((_, i) => i + 1),
      'versions 1..n without gaps or repeats',
    );
    assert.equal(newest(after).count, newest(all).count);
    assert.equal(newest(after).status, newest(all).status);
  });

  it('publishes what the previous owner concluded too late to publish, and ignores redelivered versions', () => {
    const incidents = nightlyFailures(4);
    const firstOwner = new ProblemBook(new TemplateMiner());
    const published = run(firstOwner, incidents.slice(0, 3)); // it died before the third night was published
    const successor = new ProblemBook(new TemplateMiner());
    // The store already holds all four nights (the recorder was ahead of the problems group).
    const restored = restoreProblemBook(successor, { incidents, commands: [], problems: published });
    assert.equal(restored.publish.length, 1);
    const caughtUp = restored.publish[0]!;
    assert.equal(caughtUp.version, (published.at(-1)?.version ?? 0) + 1);
    assert.equal(caughtUp.count, 4);
    assert.deepEqual(
      run(successor, incidents.slice(3)),
      [],
      'the redelivered incident versions change nothing',
    );
  });

  it('replays problem managers’ commands in their place', () => {
    const incidents = nightlyFailures(3);
    const book = new ProblemBook(new TemplateMiner());
    const published = run(book, incidents);
    const id = published[0]!.id;
    const confirm = aProblemCommand({ id: 'c1', problemId: id, action: 'confirm', at: T0 + 3 * DAY });
    published.push(...book.act(confirm));
    const successor = new ProblemBook(new TemplateMiner());
    const restored = restoreProblemBook(successor, { incidents, commands: [confirm], problems: published });
    assert.deepEqual(restored.publish, []);
    assert.equal(successor.get(id)?.status, 'problem');
    assert.equal(successor.get(id)?.version, published.at(-1)!.version);
  });
});
