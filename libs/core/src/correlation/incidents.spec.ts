import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Incident, IncidentCommand, Suspect } from '#contracts';
import { anIncident, anIncidentCommand, MINUTE, T0 } from '#testing';
import { DEFAULT_INCIDENT_SETTINGS, IncidentBook, rollUpSeverity, type Signal } from './incidents.js';
import { alert, applied, refusedBy } from './incidents.spec-support.js';

const suspect = (changeId: string | null, probability: number): Suspect => ({
  changeId,
  service: changeId ? 'payments' : null,
  kind: changeId ? 'config' : null,
  component: null,
  probability,
  evidence: [],
});

describe('incident lifecycle', () => {
  it('alerts on five services sharing a likely suspect change become one incident', () => {
    const book = new IncidentBook();
    const ids = new Set<string>();
    ['frontend', 'checkout', 'cart', 'shipping', 'email'].forEach((service, i) => {
      const events = book.onSignal(alert({ ref: `fp-${service}`, service, at: T0 + i * MINUTE }), [
        suspect('cfg-1', 0.8),
        suspect(null, 0.2),
      ]);
      events.forEach((e) => ids.add(e.id));
    });
    assert.equal(ids.size, 1);
    const incident = book.get([...ids][0]!)!;
    assert.equal(incident.blastRadius, 5);
    assert.equal(incident.severity, 'high', 'warning raised to high by the blast radius');
    assert.equal(incident.suspects[0]!.changeId, 'cfg-1');
    assert.match(incident.title, /5 services affected/);
    assert.equal(incident.version, 5);
  });

  it('is named after its earliest symptom, at one instant the one on the suspected service, whatever order they arrive in', () => {
    const payments = alert({ ref: 'p95-payments', service: 'payments', name: 'p95', at: T0 + MINUTE });
    const frontend = alert({ ref: 'p95-frontend', service: 'frontend', name: 'p95', at: T0 + MINUTE });
    const gateway = alert({ ref: 'p95-gateway', service: 'gateway', name: 'p95', at: T0 + 2 * MINUTE });
    const orders = [
      [payments, frontend, gateway],
      [frontend, payments, gateway],
      [gateway, frontend, payments],
    ];
    const named = orders.map((signals) => {
      const book = new IncidentBook();
      for (const s of signals) book.onSignal(s, [suspect('cfg-1', 0.95)]);
      const [incident] = book.active();
      return [incident!.title, incident!.service];
    });
    for (const n of named)
      assert.deepEqual(n, ['p95 on payments (likely config on payments) — 3 services affected', 'payments']);
  });

  it('resolves with the ranking on all the evidence, not the last update that passed the bar', () => {
    const book = new IncidentBook();
    book.onSignal(alert({ at: T0 }), [suspect('cfg-1', 0.97)]);
    book.onSignal(alert({ ref: 'fp-2', service: 'frontend', at: T0 + MINUTE }), [suspect('cfg-1', 0.99)]);
    assert.equal(book.active()[0]!.suspects[0]!.probability, 0.97, 'a 2-point move is not news');
    for (const ref of ['fp-1', 'fp-2'])
      book.onSignal(alert({ ref, firing: false, at: T0 + 2 * MINUTE }), [suspect('cfg-1', 0.97)]);
    const [resolved] = book.advance(T0 + 3 * 3_600_000, () => [suspect('cfg-1', 0.985)]);
    assert.equal(resolved!.status, 'resolved');
    assert.equal(resolved!.suspects[0]!.probability, 0.985);
  });

  it('an alert names the incident rather than an earlier anomaly: it is what paged someone', () => {
    const book = new IncidentBook();
    const anomaly = alert({ kind: 'anomaly', ref: 'a-1', name: 'http.server.errors', at: T0 });
    book.onSignal(anomaly, [suspect('cfg-1', 0.95)]);
    book.onSignal(alert({ at: T0 + 4 * MINUTE }), [suspect('cfg-1', 0.95)]);
    book.onSignal({ ...anomaly, ref: 'a-2', at: T0 + MINUTE }, [suspect('cfg-1', 0.95)]);
    assert.equal(book.active()[0]!.title, 'HighErrorRate on checkout (likely config on payments)');
  });

  it('keeps the labels its alerts agree on, without per-instance ones', () => {
    const book = new IncidentBook();
    const labels = (pod: string, region: string) => ({
      pod,
      instance: `10.0.3.${pod.length}:9090`,
      route: '/api/checkout',
      region,
      build: `sha-${pod}9f3a2b7c1d`,
    });
    const [opened] = book.onSignal(alert({ ref: 'fp-a', labels: labels('checkout-7f9c', 'eu-west-1') }), [
      suspect('cfg-1', 0.8),
    ]);
    assert.deepEqual(opened!.labels, { region: 'eu-west-1', route: '/api/checkout' });
    const anomaly = book.addMember(opened!.id, alert({ kind: 'anomaly', ref: 'an-1', at: T0 + MINUTE }));
    assert.deepEqual(anomaly[0]!.labels, opened!.labels, 'an anomaly has no labels to disagree with');
    const [joined] = book.onSignal(
      alert({ ref: 'fp-b', at: T0 + 2 * MINUTE, labels: labels('checkout-2c11', 'us-east-1') }),
      [suspect('cfg-1', 0.8)],
    );
    assert.equal(joined!.id, opened!.id);
    assert.deepEqual(joined!.labels, { route: '/api/checkout' }, 'the regions disagree');
  });

  it('a flapping alert stays one incident and resolves only after a quiet period', () => {
    const book = new IncidentBook();
    const opened = book.onSignal(alert(), []);
    for (let i = 1; i <= 6; i++) {
      book.onSignal(alert({ at: T0 + i * 2 * MINUTE, firing: i % 2 === 0 }), []);
      assert.deepEqual(book.advance(T0 + i * 2 * MINUTE), [], 'no resolution while flapping');
    }
    const all = book.active();
    assert.equal(all.length, 1);
    assert.equal(all[0]!.id, opened[0]!.id);
    book.onSignal(alert({ at: T0 + 13 * MINUTE, firing: false }), []);
    const resolved = book.advance(T0 + 13 * MINUTE + 15 * MINUTE);
    assert.deepEqual(
      resolved.map((e) => [e.event, e.status]),
      [['resolved', 'resolved']],
    );
  });

  it('a recurrence soon after resolution reopens; a much later one opens a new incident', () => {
    const book = new IncidentBook();
    const first = book.onSignal(alert(), [])[0]!;
    book.onSignal(alert({ at: T0 + MINUTE, firing: false }), []);
    book.advance(T0 + 20 * MINUTE);
    assert.equal(book.get(first.id)!.status, 'resolved');
    const again = book.onSignal(alert({ at: T0 + 40 * MINUTE }), []);
    assert.equal(again[0]!.id, first.id);
    assert.equal(again[0]!.event, 'reopened');
    book.onSignal(alert({ at: T0 + 41 * MINUTE, firing: false }), []);
    book.advance(T0 + 60 * MINUTE);
    const later = book.onSignal(alert({ at: T0 + 5 * 3_600_000 }), []);
    assert.notEqual(later[0]!.id, first.id);
    assert.equal(later[0]!.event, 'opened');
  });

  it('forgets each incident once, a reopen window after its last resolution: memory stays bounded', () => {
    const forgotten: string[] = [];
    const book = new IncidentBook(DEFAULT_INCIDENT_SETTINGS, (id) => forgotten.push(id));
    const { quietPeriodMs, reopenWindowMs } = DEFAULT_INCIDENT_SETTINGS;
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const at = T0 + i * MINUTE;
      const signal = alert({ ref: `fp-${i}`, signature: `S${i}`, at });
      ids.push(book.onSignal(signal, [])[0]!.id);
      book.onSignal({ ...signal, firing: false }, []);
      if (i === 30) {
        // The first one recurs after resolving: it reopens, and is forgotten only after its second resolution.
        const recurrence = alert({ ref: 'fp-0', signature: 'S0', at });
        assert.equal(book.onSignal(recurrence, [])[0]!.event, 'reopened');
        book.onSignal({ ...recurrence, firing: false }, []);
      }
      book.advance(at);
    }
    const secondResolution = T0 + 30 * MINUTE + quietPeriodMs;
    for (let t = T0 + 200 * MINUTE; t <= T0 + 200 * MINUTE + reopenWindowMs + quietPeriodMs; t += MINUTE) {
      book.advance(t);
      for (const [i, id] of ids.entries()) {
        const resolvedAt = i === 0 ? secondResolution : T0 + i * MINUTE + quietPeriodMs;
        assert.equal(book.get(id) === undefined, t - resolvedAt > reopenWindowMs, `incident ${i} at ${t}`);
      }
    }
    assert.deepEqual([...forgotten].sort(), [...ids].sort(), 'each forgotten exactly once');
    assert.equal(book.active().length, 0);
  });

  it('ids are deterministic: the same signals give the same incidents', () => {
    const run = () => {
      const book = new IncidentBook();
      return [alert(), alert({ ref: 'fp-2', service: 'cart', signature: 'Latency' })].flatMap((s) =>
        book.onSignal(s, []),
      );
    };
    assert.deepEqual(run(), run());
  });

  it('acknowledge, comment, severity and resolve by a person are versioned events', () => {
    const book = new IncidentBook();
    const { id } = book.onSignal(alert(), [])[0]!;
    const command = (c: Partial<IncidentCommand>) =>
      book.command(anIncidentCommand({ incidentId: id, actor: 'ana', ...c }));
    const ack = applied(command({ action: 'acknowledge', at: T0 + MINUTE }));
    assert.deepEqual(
      [ack.version, ack.event, ack.status, ack.actor],
      [2, 'acknowledged', 'acknowledged', 'ana'],
    );
    const sev = applied(command({ action: 'severity', at: T0 + 2 * MINUTE, severity: 'critical' }));
    assert.equal(sev.severity, 'critical');
    const res = applied(command({ action: 'resolve', at: T0 + 3 * MINUTE, comment: 'restarted the pool' }));
    assert.deepEqual(
      [res.version, res.status, res.comment, res.resolvedAt],
      [4, 'resolved', 'restarted the pool', T0 + 3 * MINUTE],
    );
    assert.deepEqual(command({ action: 'acknowledge', actor: 'bob', at: T0 + 4 * MINUTE }), {
      refused: 'the incident is resolved: only an open incident can be acknowledged',
    });
    assert.deepEqual(command({ action: 'severity', severity: 'critical', at: T0 + 5 * MINUTE }), {
      refused: "the incident's severity is already critical",
    });
  });

  it('a comment or severity change on an incident resolved long ago is its next version, from the stored one', () => {
    const book = new IncidentBook();
    const opened = book.onSignal(alert({ severity: 'critical' }), [])[0]!;
    book.onSignal(alert({ firing: false, at: T0 + MINUTE }), []);
    const [resolved] = book.advance(T0 + 20 * MINUTE);
    const days = 3 * 86_400_000;
    book.advance(T0 + days); // forgotten: resolved far longer ago than the reopen window
    assert.equal(book.get(opened.id), undefined);
    const note = (at: number, c: Partial<IncidentCommand>) =>
      anIncidentCommand({ incidentId: opened.id, actor: 'ana', action: 'comment', at, ...c });

    assert.match(
      refusedBy(book.command(note(T0 + days, { comment: 'postmortem: pool too small' }))),
      /not held here and the command carries no stored version/,
    );
    const comment = applied(
      book.command(note(T0 + days, { comment: 'postmortem: pool too small' }), resolved),
    );
    assert.deepEqual(
      [comment.version, comment.event, comment.status, comment.comment, comment.members.length],
      [resolved!.version + 1, 'commented', 'resolved', 'postmortem: pool too small', 1],
    );
    // The store has not recorded the comment yet: the next command still numbers after it.
    const lowered = applied(
      book.command(
        note(T0 + days + MINUTE, { action: 'severity', severity: 'warning', comment: null }),
        resolved,
      ),
    );
    assert.deepEqual(
      [lowered.version, lowered.severity, lowered.status],
      [comment.version + 1, 'warning', 'resolved'],
    );
    const again = applied(
      book.command(note(T0 + days + 2 * MINUTE, { comment: 'action items filed' }), resolved),
    );
    assert.deepEqual([again.version, again.severity], [lowered.version + 1, 'warning']);
    assert.match(
      refusedBy(book.command(note(T0 + days, { action: 'resolve', comment: null }), resolved)),
      /already resolved/,
    );
    assert.equal(book.active().length, 0, 'a settled incident does not come back to life');
  });

  it('after a restart, settled incidents published lately are known: commands number after them', () => {
    const book = new IncidentBook();
    const published = { ...anIncident({ id: 'inc-old', status: 'resolved', resolvedAt: T0, version: 7 }) };
    book.reconcile([published]);
    const storedLate = { ...published, version: 5 }; // the store lagged behind the topic
    const outcome = applied(
      book.command(
        anIncidentCommand({ incidentId: 'inc-old', action: 'comment', comment: 'note', at: T0 }),
        storedLate,
      ),
    );
    assert.equal(outcome.version, 8);
  });

  it('caps size and duration', () => {
    const book = new IncidentBook({
      ...DEFAULT_INCIDENT_SETTINGS,
      maxMembers: 3,
      maxDurationMs: 60 * MINUTE,
    });
    const suspects = [suspect('cfg-1', 0.9)];
    for (let i = 0; i < 5; i++)
      book.onSignal(alert({ ref: `fp-${i}`, service: `s${i}`, at: T0 + i * MINUTE }), suspects);
    const [incident] = book.active();
    assert.equal(incident!.members.length, 3);
    for (const comment of ['looking', 'still looking'])
      book.command(anIncidentCommand({ incidentId: incident!.id, action: 'comment', comment }));
    assert.match(book.get(incident!.id)!.summary, /^errors above 5% \(\+2 signals over the member cap\)$/);
    const late = book.onSignal(alert({ ref: 'fp-late', service: 's9', at: T0 + 2 * 3_600_000 }), suspects);
    assert.deepEqual(
      late.map((e) => e.event),
      ['resolved', 'opened'],
    );
  });

  it('severity rolls up to the worst member, and to high at a blast radius of three', () => {
    assert.equal(rollUpSeverity(['info', 'critical'], 1), 'critical');
    assert.equal(rollUpSeverity(['info'], 3), 'high');
    assert.equal(rollUpSeverity(['warning'], 2), 'warning');
  });
});

describe('reconciling a rebuilt book with what was published', () => {
  /** What the original instance published: its book's incidents after the same signals in its own order. */
  const publishedAfter = (signals: [Signal, Suspect[]][]) => {
    const original = new IncidentBook();
    const latest = new Map<string, Incident>();
    for (const [signal, suspects] of signals)
      for (const incident of original.onSignal(signal, suspects)) latest.set(incident.id, incident);
    return [...latest.values()];
  };

  it('an incident the replay opened under another id carries on under the published one', () => {
    // Originally the alert came before its change was known: grouped by signature.
    const published = publishedAfter([[alert(), []]]);
    // The replay, in event-time order, knew the change: grouped by change, another id.
    const book = new IncidentBook();
    const [replayed] = book.onSignal(alert(), [suspect('cfg-1', 0.9)]);
    assert.notEqual(replayed!.id, published[0]!.id);
    const result = book.reconcile(published);
    assert.deepEqual([...result.renamed], [[replayed!.id, published[0]!.id]]);
    assert.equal(book.get(replayed!.id), undefined);
    const [next] = result.catchUp;
    assert.equal(next!.id, published[0]!.id);
    assert.equal(next!.version, published[0]!.version + 1);
    // A later signal of the same change joins it: no second incident.
    const later = book.onSignal(alert({ ref: 'fp-2', service: 'cart', at: T0 + MINUTE }), [
      suspect('cfg-1', 0.9),
    ]);
    assert.deepEqual(
      later.map((i) => i.id),
      [published[0]!.id],
    );
  });

  it('a replayed incident sharing members with one the replay also has joins it', () => {
    const published = publishedAfter([
      [alert(), [suspect('cfg-1', 0.9)]],
      [alert({ ref: 'fp-2', at: T0 + MINUTE }), [suspect('cfg-1', 0.9)]],
    ]);
    const book = new IncidentBook();
    book.onSignal(alert(), [suspect('cfg-1', 0.9)]);
    // In the replay the second alert ranked another change first and opened its own incident.
    const [stray] = book.onSignal(alert({ ref: 'fp-2', at: T0 + MINUTE }), [suspect('cfg-2', 0.9)]);
    const result = book.reconcile(published);
    assert.equal(book.get(stray!.id), undefined, 'the stray incident is gone');
    assert.deepEqual(
      book.active().map((i) => i.id),
      [published[0]!.id],
    );
    assert.deepEqual(result.catchUp[0]!.members.map((m) => m.ref).sort(), ['fp-1', 'fp-2']);
  });

  it('continues version numbers, publishes a status the replay ended in, and takes over what it could not replay', () => {
    const published = publishedAfter([
      [alert(), []],
      [alert({ ref: 'fp-old', name: 'Old', signature: 'Old', at: T0 - 20 * 3_600_000 }), []],
    ]);
    const [current, old] = published;
    const book = new IncidentBook();
    book.onSignal(alert(), []);
    book.advance(T0 + 3_600_000); // the alert is still firing: stays open
    const bumped = { ...current!, version: 7, status: 'acknowledged' as const };
    const result = book.reconcile([bumped, old!]);
    assert.equal(result.continued, 1);
    assert.equal(result.catchUp[0]!.version, 8, 'after the published version');
    assert.equal(result.catchUp[0]!.status, 'open', 'the status the replay ended in');
    assert.deepEqual(result.takenOver, [old!.id]);
    const resolved = book.advance(T0 - 20 * 3_600_000 + 16 * MINUTE);
    assert.deepEqual(
      resolved.map((i) => [i.id, i.status]),
      [[old!.id, 'resolved']],
      'a taken-over incident resolves after a quiet period unless its signals come back',
    );
  });
});

describe('reconciling a replay that lacks an input the previous owner had consumed but not committed', () => {
  it('keeps the published member until its input is delivered again: no version without it', () => {
    const original = new IncidentBook();
    original.onSignal(alert(), [suspect('cfg-1', 0.9)]);
    const [published] = original.onSignal(alert({ ref: 'fp-2', service: 'cart', at: T0 + MINUTE }), [
      suspect('cfg-1', 0.9),
    ]);
    // The replay reads only up to the committed offsets: it has the first alert, not the second.
    const book = new IncidentBook();
    book.onSignal(alert(), [suspect('cfg-1', 0.9)]);
    book.reconcile([published!]);
    const next = book.command(
      anIncidentCommand({ incidentId: published!.id, action: 'comment', comment: 'on it' }),
    );
    assert.deepEqual(
      applied(next)
        .members.map((m) => m.ref)
        .sort(),
      ['fp-1', 'fp-2'],
    );
    // Delivered again, it joins the same incident once.
    const again = book.onSignal(alert({ ref: 'fp-2', service: 'cart', at: T0 + MINUTE }), [
      suspect('cfg-1', 0.9),
    ]);
    assert.deepEqual(
      again.map((i) => [i.id, i.members.length]),
      [[published!.id, 2]],
    );
  });
});

describe('reconciling: one incident per member', () => {
  it('a member the replay placed in one incident leaves a published one it was also in', () => {
    // The replay put the alert in an incident of its own, which was published too; the original
    // order had also put it in another incident, which the replay did not reproduce (taken over).
    const book = new IncidentBook();
    const [replayed] = book.onSignal(alert({ ref: 'fp-1', at: T0 + MINUTE }), [suspect('cfg-1', 0.9)]);
    const original = new IncidentBook();
    const [other] = original.onSignal(alert({ ref: 'fp-other', service: 'cart', at: T0 }), [
      suspect('cfg-9', 0.9),
    ]);
    const alsoHoldingIt = { ...other!, version: 2, members: [...other!.members, ...replayed!.members] };
    const result = book.reconcile([replayed!, alsoHoldingIt]);
    assert.deepEqual(result.takenOver, [other!.id]);
    const holders = book.active().filter((i) => i.members.some((m) => m.ref === 'fp-1'));
    assert.deepEqual(
      holders.map((i) => i.id),
      [replayed!.id],
    );
    const left = result.catchUp.find((i) => i.id === other!.id)!;
    assert.deepEqual(
      left.members.map((m) => m.ref),
      ['fp-other'],
    );
    assert.equal(left.version, 3);
  });
});

describe('reconciling a replay that counted more versions than were published', () => {
  it('carries on right after the last published version, leaving no gap', () => {
    const book = new IncidentBook();
    // The replay met three signals one by one (versions 1–3); the live run had published only
    // version 2 of the same incident before it stopped, and the incident stays open.
    book.onSignal(alert(), [suspect('cfg-1', 0.9)]);
    book.onSignal(alert({ ref: 'fp-2', service: 'cart', at: T0 + MINUTE }), [suspect('cfg-1', 0.9)]);
    book.onSignal(alert({ ref: 'fp-3', service: 'email', at: T0 + 2 * MINUTE }), [suspect('cfg-1', 0.9)]);
    const [replayed] = book.active();
    assert.equal(replayed!.version, 3);
    book.reconcile([{ ...replayed!, version: 2, status: 'acknowledged' }]);
    const next = book.command(
      anIncidentCommand({ incidentId: replayed!.id, action: 'comment', comment: 'on it' }),
    );
    assert.equal(applied(next).version, 4, 'the catch-up was 3, so the next is 4');
  });
});
