// Responder actions, one scenario each: assign, snooze (ended by a person or by event time),
// merge (in one book and across partitions) and split, on the incident book and the correlator.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Incident, IncidentCommand, Suspect } from '#contracts';
import { anAlert, anIncident, anIncidentCommand, MINUTE, T0 } from '#testing';
import { Correlator, type CorrelatorOutput } from './correlator.js';
import { IncidentBook } from './incidents.js';
import { alert, applied, refusedBy } from './incidents.spec-support.js';
import {
  combineSuspects,
  commandFieldProblem,
  mergeTargetRefusal,
  splitSelection,
} from './responder-actions.js';

const suspect = (changeId: string | null, probability: number, service = 'payments'): Suspect => ({
  changeId,
  service: changeId ? service : null,
  kind: changeId ? 'deployment' : null,
  component: null,
  probability,
  evidence: [{ factor: 'timing', detail: `onset soon after ${changeId ?? 'nothing'}`, weight: 1 }],
});

/** A correlator with a verifier that judges nothing and no anomaly detector: incidents from alerts alone. */
const unverifiedCorrelator = () =>
  new Correlator(
    { observeChange: () => [], observeTelemetry: () => [], advanceWatermark: () => [] },
    undefined,
  );

let commands = 0;
/** A person's command on `incidentId`, each with its own id. */
const act = (incidentId: string, c: Partial<IncidentCommand>): IncidentCommand =>
  anIncidentCommand({ id: `cmd-${++commands}`, incidentId, actor: 'ana', at: T0 + 5 * MINUTE, ...c });

describe('assign', () => {
  it('names who is responsible as a versioned event; unassigning clears it; the same assignee twice is refused', () => {
    const book = new IncidentBook();
    const { id } = book.onSignal(alert(), [])[0]!;
    const assigned = applied(book.command(act(id, { action: 'assign', assignee: 'bob' })));
    assert.deepEqual(
      [assigned.version, assigned.event, assigned.assignee, assigned.actor, assigned.status],
      [2, 'reassigned', 'bob', 'ana', 'open'],
    );
    assert.equal(
      refusedBy(book.command(act(id, { action: 'assign', assignee: 'bob' }))),
      'the incident is already assigned to bob',
    );
    // Later versions keep the assignee: a signal joining does not drop it.
    const joined = book.onSignal(alert({ ref: 'fp-2', at: T0 + 6 * MINUTE }), [])[0]!;
    assert.equal(joined.assignee, 'bob');
    const cleared = applied(book.command(act(id, { action: 'assign', assignee: null, at: T0 + 7 * MINUTE })));
    assert.equal(cleared.assignee, null);
    assert.equal(
      refusedBy(book.command(act(id, { action: 'assign', assignee: null }))),
      'the incident is not assigned',
    );
  });
});

describe('snooze', () => {
  it('holds an incident until a time; the snooze ends by itself when event time reaches it', () => {
    const book = new IncidentBook();
    const { id } = book.onSignal(alert(), [])[0]!;
    const until = T0 + 40 * MINUTE;
    const snoozed = applied(
      book.command(act(id, { action: 'snooze', until, comment: 'waiting on the vendor' })),
    );
    assert.deepEqual(
      [snoozed.event, snoozed.status, snoozed.snoozedUntil, snoozed.comment],
      ['snoozed', 'open', until, 'waiting on the vendor'],
    );
    // The alert keeps firing: nothing resolves it, and the snooze outlasts joins.
    assert.equal(book.onSignal(alert({ ref: 'fp-2', at: T0 + 10 * MINUTE }), [])[0]!.snoozedUntil, until);
    assert.deepEqual(book.advance(until - 1), [], 'event time short of the end: still snoozed');
    const [woke] = book.advance(until + 5 * MINUTE);
    assert.deepEqual(
      [woke!.event, woke!.snoozedUntil, woke!.updatedAt, woke!.actor],
      ['unsnoozed', null, until, null],
      'ended at the time asked for, whenever event time passed it',
    );
    assert.deepEqual(book.advance(until + 6 * MINUTE), [], 'once');
  });

  it('a person ends it early; resolving ends it too; a time in the past or a resolved incident is refused', () => {
    const book = new IncidentBook();
    const { id } = book.onSignal(alert(), [])[0]!;
    assert.equal(refusedBy(book.command(act(id, { action: 'unsnooze' }))), 'the incident is not snoozed');
    assert.deepEqual(commandFieldProblem(book.get(id)!, act(id, { action: 'snooze', until: T0 })), {
      field: 'until',
      reason: 'the snooze must end after the time it is asked for',
    });
    assert.equal(commandFieldProblem(book.get(id)!, act(id, { action: 'snooze' }))?.field, 'until');
    applied(book.command(act(id, { action: 'snooze', until: T0 + HOUR })));
    const early = applied(book.command(act(id, { action: 'unsnooze', at: T0 + 6 * MINUTE })));
    assert.deepEqual([early.event, early.snoozedUntil, early.actor], ['unsnoozed', null, 'ana']);
    applied(book.command(act(id, { action: 'snooze', until: T0 + HOUR, at: T0 + 7 * MINUTE })));
    const resolved = applied(book.command(act(id, { action: 'resolve', at: T0 + 8 * MINUTE })));
    assert.deepEqual([resolved.status, resolved.snoozedUntil], ['resolved', null]);
    assert.match(
      refusedBy(book.command(act(id, { action: 'snooze', until: T0 + HOUR, at: T0 + 9 * MINUTE }))),
      /resolved: only an open or acknowledged incident can be snoozed/,
    );
  });

  it('through the correlator: the watermark (event time of the input), not a wall clock, ends it', () => {
    const correlator = unverifiedCorrelator();
    const opened = incidentsOf(
      correlator.process({ type: 'alert', alert: anAlert({ startsAt: T0, fingerprint: 'fp-a' }) }),
    )[0]!;
    const until = T0 + 20 * MINUTE;
    const out = correlator.process({
      type: 'command',
      command: act(opened.id, { action: 'snooze', until, at: T0 + MINUTE }),
    });
    assert.equal(incidentsOf(out)[0]!.snoozedUntil, until);
    assert.deepEqual(incidentsOf(correlator.advanceTo(until)), [], 'the watermark lags event time');
    const woke = incidentsOf(correlator.advanceTo(until + MINUTE));
    assert.deepEqual(
      woke.map((i) => [i.id, i.event, i.snoozedUntil]),
      [[opened.id, 'unsnoozed', null]],
    );
  });
});

describe('merge', () => {
  it('in one book: the merged incident resolves as a duplicate, the target takes its members, services and suspects', () => {
    const book = new IncidentBook();
    const a = book.onSignal(alert({ ref: 'fp-a', service: 'checkout' }), [
      suspect('chg-1', 0.6),
      suspect(null, 0.4),
    ])[0]!;
    const b = book.onSignal(
      alert({ ref: 'fp-b', service: 'cart', signature: 'Latency', name: 'Latency', at: T0 + MINUTE }),
      [suspect('chg-2', 0.7, 'cart'), suspect(null, 0.3)],
    )[0]!;
    const merged = applied(
      book.command(act(a.id, { action: 'merge', relatedIncidentId: b.id, comment: 'same outage' })),
    );
    assert.deepEqual(
      [merged.event, merged.status, merged.duplicateOf, merged.resolvedAt, merged.comment],
      ['merged', 'resolved', b.id, T0 + 5 * MINUTE, 'same outage'],
    );
    const target = applied(book.command(act(b.id, { action: 'absorb', relatedIncidentId: a.id })));
    assert.deepEqual(
      [
        target.event,
        target.status,
        target.mergedFrom,
        target.services,
        target.members.map((m) => m.ref).sort(),
      ],
      ['merged', 'open', [a.id], ['cart', 'checkout'], ['fp-a', 'fp-b']],
    );
    assert.equal(target.blastRadius, 2);
    // Both changes stay suspects, renormalised: chg-2 .7, chg-1 .6, no change .4 → / 1.7.
    assert.deepEqual(
      target.suspects.map((s) => [s.changeId, Number(s.probability.toFixed(3))]),
      [
        ['chg-2', 0.412],
        ['chg-1', 0.353],
        [null, 0.235],
      ],
    );
    assert.equal(
      refusedBy(book.command(act(b.id, { action: 'absorb', relatedIncidentId: a.id }))),
      `${a.id} was already merged into this incident`,
    );
    // The merged incident's alert fires again: it joins the target, it does not reopen the duplicate.
    const again = book.onSignal(alert({ ref: 'fp-a', service: 'checkout', at: T0 + 20 * MINUTE }), []);
    assert.deepEqual(
      again.map((i) => [i.id, i.status]),
      [],
      'already a firing member of the target: nothing a person sees changed',
    );
    // Each alert's end comes ranked as its start was.
    book.onSignal(alert({ ref: 'fp-a', firing: false, at: T0 + 21 * MINUTE }), [suspect('chg-1', 0.6)]);
    book.onSignal(
      alert({ ref: 'fp-b', service: 'cart', signature: 'Latency', firing: false, at: T0 + 21 * MINUTE }),
      [suspect('chg-2', 0.7, 'cart')],
    );
    const [closed] = book.advance(T0 + 40 * MINUTE);
    assert.deepEqual([closed!.id, closed!.status], [b.id, 'resolved'], 'quiet only once both alerts ended');
    assert.equal(book.get(a.id)!.status, 'resolved');
  });

  it('across partitions: the target book takes the merged incident as the api read it, its members quiet', () => {
    const target = new IncidentBook();
    const b = target.onSignal(alert({ ref: 'fp-b', service: 'cart' }), [])[0]!;
    const stored = anIncident({ id: 'inc-a', services: ['checkout', 'payments'], labels: { team: 'pay' } });
    assert.match(
      refusedBy(target.command(act(b.id, { action: 'absorb', relatedIncidentId: 'inc-a' }))),
      /not held here and the command does not carry it/,
    );
    const grown = applied(
      target.command(act(b.id, { action: 'absorb', relatedIncidentId: 'inc-a' }), undefined, stored),
    );
    assert.deepEqual(grown.members.map((m) => m.ref).sort(), ['fp-1', 'fp-b']);
    assert.deepEqual(grown.mergedFrom, ['inc-a']);
    assert.equal(grown.suspects[0]!.changeId, 'chg-1');
    // Its own alert ends; the absorbed member is quiet: the target resolves after the quiet period.
    target.onSignal(alert({ ref: 'fp-b', service: 'cart', firing: false, at: T0 + MINUTE }), []);
    assert.equal(target.advance(T0 + 30 * MINUTE)[0]?.status, 'resolved');
  });

  it('refuses what cannot be merged: itself, a resolved incident, into a resolved or merged one', () => {
    const incident = anIncident();
    assert.deepEqual(
      commandFieldProblem(incident, act(incident.id, { action: 'merge', relatedIncidentId: incident.id })),
      {
        field: 'into',
        reason: 'an incident cannot be merged into itself',
      },
    );
    assert.equal(commandFieldProblem(incident, act(incident.id, { action: 'merge' }))?.field, 'into');
    assert.match(mergeTargetRefusal(anIncident({ id: 'x', status: 'resolved' }))!, /x is resolved/);
    assert.match(
      mergeTargetRefusal(anIncident({ id: 'x', duplicateOf: 'y' }))!,
      /merged into y: merge into that one/,
    );
    assert.equal(mergeTargetRefusal(anIncident({ status: 'acknowledged' })), null);
    const book = new IncidentBook();
    const { id } = book.onSignal(alert(), [])[0]!;
    applied(book.command(act(id, { action: 'resolve' })));
    assert.match(
      refusedBy(book.command(act(id, { action: 'merge', relatedIncidentId: 'other' }))),
      /resolved: only an open/,
    );
  });

  it('combined suspects: each change once at its higher ranking, summing to one', () => {
    const combined = combineSuspects(
      [suspect('a', 0.5), suspect(null, 0.5)],
      [suspect('a', 0.8), suspect(null, 0.2)],
    );
    assert.deepEqual(
      combined.map((s) => [s.changeId, Number(s.probability.toFixed(3))]),
      [
        ['a', 0.615],
        [null, 0.385],
      ],
    );
    assert.deepEqual(combineSuspects([], []), []);
  });
});

describe('split', () => {
  /** One change-centric incident over checkout and cart (the same change convicts both alerts). */
  function twoServiceIncident(book: IncidentBook): Incident {
    const suspects = [suspect('chg-1', 0.9), suspect(null, 0.1)];
    book.onSignal(alert({ ref: 'fp-checkout', service: 'checkout' }), suspects);
    return book.onSignal(
      alert({ ref: 'fp-cart', service: 'cart', name: 'Latency', at: T0 + MINUTE }),
      suspects,
    )[0]!;
  }

  it('takes a service out into a new incident; the members signals follow it there', () => {
    const book = new IncidentBook();
    const both = twoServiceIncident(book);
    assert.deepEqual(both.services, ['cart', 'checkout']);
    const command = act(both.id, {
      action: 'split',
      splitService: 'cart',
      comment: 'cart is its own problem',
    });
    const outcome = book.command(command);
    const left = applied(outcome);
    const [opened] = 'others' in outcome ? (outcome.others ?? []) : [];
    assert.ok(opened, 'a new incident');
    assert.deepEqual(
      [left.event, left.services, left.splitInto, left.members.map((m) => m.ref)],
      ['split', ['checkout'], [opened.id], ['fp-checkout']],
    );
    assert.deepEqual(
      [
        opened.event,
        opened.version,
        opened.status,
        opened.services,
        opened.splitFrom,
        opened.service,
        opened.actor,
      ],
      ['opened', 1, 'open', ['cart'], both.id, 'cart', 'ana'],
    );
    assert.equal(opened.title, 'Latency on cart (likely deployment on payments)');
    assert.deepEqual(
      opened.members.map((m) => m.ref),
      ['fp-cart'],
    );
    assert.equal(opened.openedAt, T0 + MINUTE, 'opened when its member began');
    assert.equal(opened.suspects[0]!.changeId, 'chg-1', 'the ranking so far comes along');
    // The same split replayed gives the same id.
    const replay = new IncidentBook();
    twoServiceIncident(replay);
    const again = replay.command(command);
    assert.equal('others' in again ? again.others?.[0]?.id : undefined, opened.id);
    // The cart alert fires worse: it updates the split-off incident, not the one it left.
    const worse = book.onSignal(
      alert({ ref: 'fp-cart', service: 'cart', name: 'Latency', severity: 'critical', at: T0 + 9 * MINUTE }),
      [suspect('chg-1', 0.9), suspect(null, 0.1)],
    );
    assert.deepEqual(
      worse.map((i) => [i.id, i.severity]),
      [[opened.id, 'critical']],
    );
  });

  it('takes named members out; refuses unknown members, all of them, or both ways at once', () => {
    const book = new IncidentBook();
    const both = twoServiceIncident(book);
    const left = applied(book.command(act(both.id, { action: 'split', refs: ['fp-checkout'] })));
    assert.deepEqual(
      left.members.map((m) => m.ref),
      ['fp-cart'],
    );
    assert.match(left.title, /^Latency on cart/, 'named after the member that stays');
    const members = both.members;
    assert.deepEqual(splitSelection(members, { refs: ['fp-x'], splitService: null }).problem, {
      field: 'refs',
      reason: 'not members of the incident: fp-x',
    });
    assert.equal(
      splitSelection(members, { refs: ['fp-cart', 'fp-checkout'], splitService: null }).problem?.reason,
      'a split must leave at least one member in the incident',
    );
    assert.equal(splitSelection(members, { refs: [], splitService: 'search' }).problem?.field, 'service');
    assert.equal(splitSelection(members, { refs: ['fp-cart'], splitService: 'cart' }).problem?.field, 'refs');
    assert.equal(splitSelection(members, { refs: [], splitService: null }).problem?.field, 'refs');
  });

  it('through the correlator: the new incident carries on with the members symptoms', () => {
    const correlator = unverifiedCorrelator();
    const first = incidentsOf(
      correlator.process({
        type: 'alert',
        alert: anAlert({ startsAt: T0, fingerprint: 'fp-a', service: 'checkout' }),
      }),
    )[0]!;
    correlator.process({
      type: 'alert',
      alert: anAlert({
        id: 'al-2',
        startsAt: T0 + MINUTE,
        fingerprint: 'fp-b',
        service: 'checkout',
        name: 'HighErrorRate',
      }),
    });
    const out = incidentsOf(
      correlator.process({
        type: 'command',
        command: act(first.id, { action: 'split', refs: ['fp-b'], at: T0 + 2 * MINUTE }),
      }),
    );
    const opened = out.find((i) => i.splitFrom === first.id)!;
    assert.deepEqual(
      opened.members.map((m) => m.ref),
      ['fp-b'],
    );
    assert.ok(correlator.activeIncidents().some((i) => i.id === opened.id));
    // Both alerts end; each incident resolves on its own after the quiet period.
    correlator.process({
      type: 'alert',
      alert: anAlert({ startsAt: T0, fingerprint: 'fp-a', status: 'resolved', endsAt: T0 + 3 * MINUTE }),
    });
    correlator.process({
      type: 'alert',
      alert: anAlert({
        id: 'al-2',
        startsAt: T0 + MINUTE,
        fingerprint: 'fp-b',
        status: 'resolved',
        endsAt: T0 + 3 * MINUTE,
      }),
    });
    const resolved = incidentsOf(correlator.advanceTo(T0 + 30 * MINUTE)).filter(
      (i) => i.status === 'resolved',
    );
    assert.deepEqual(resolved.map((i) => i.id).sort(), [first.id, opened.id].sort());
  });
});

const HOUR = 60 * MINUTE;

function incidentsOf(out: readonly CorrelatorOutput[]): Incident[] {
  return out.flatMap((o) => (o.type === 'incident' ? [o.incident] : []));
}
