// The incident lifecycle as an event-time state machine. Signals (alerts, anomalies, failed
// verifications) join incidents: those sharing a likely suspect change join one change-centric
// incident across services; the rest group by service and signature within a grouping window.
// open → acknowledged → resolved (by a person, or automatically after a quiet period) →
// reopened when the same group recurs soon after. Flapping alerts do not churn incidents: an
// incident resolves only after a whole quiet period. Caps on duration and size keep nothing
// open forever. Every state change is a new version of the incident, emitted as an event.
import { createHash } from 'node:crypto';
import { MinHeap } from '../stats/min-heap.js';
import type {
  Incident,
  IncidentCommand,
  IncidentEvent,
  IncidentKind,
  IncidentMember,
  Severity,
  Suspect,
} from '#contracts';
import { agreedLabels, stableLabels, type Labels } from './incident-labels.js';
import { combineSuspects, commandRefusal, NO_RESPONDER_STATE, splitSelection } from './responder-actions.js';

export interface Signal {
  readonly kind: 'alert' | 'anomaly' | 'verdict';
  /** Alert fingerprint, anomaly id or verdict id: one member per ref. */
  readonly ref: string;
  readonly service: string;
  readonly environment: string;
  readonly name: string;
  /** What makes two signals "the same problem" on one service (alert name + key labels). */
  readonly signature: string;
  readonly severity: Severity;
  /** Event time of this signal. */
  readonly at: number;
  /** False for an alert's resolved notification. */
  readonly firing: boolean;
  readonly summary: string;
  /** For verdict signals: the change that was verified. */
  readonly changeId?: string;
  readonly team?: string | null;
  /** An alert's labels (the incident keeps the stable ones its alerts agree on). */
  readonly labels?: Labels;
}

/** What IncidentBook.reconcile did. */
export interface Reconciliation {
  /** Published incidents the book carries on. */
  continued: number;
  /** Published incidents taken over as published. */
  readonly takenOver: string[];
  /** Replayed incident id → the published id it carries on under. */
  readonly renamed: Map<string, string>;
  /** Versions to publish: where the replay ended in another state than the published one. */
  readonly catchUp: Incident[];
}

/**
 * What a person's command did: the incident's next version (and, for a split, the incident it
 * opened), or why it cannot apply.
 */
export type CommandOutcome =
  { readonly incident: Incident; readonly others?: readonly Incident[] } | { readonly refused: string };

export interface IncidentSettings {
  /** A suspect change at or above this probability groups signals by change. */
  readonly changeGroupingThreshold: number;
  /**
   * A signal whose top suspect is change C joins an open incident already grouped by C at this
   * lower probability: opening a change-centric incident takes conviction, recognising one more
   * symptom of it (a caller two hops up, with other changes competing) takes less.
   */
  readonly changeJoinThreshold: number;
  /** Same service and signature within this gap join the same incident. */
  readonly groupingWindowMs: number;
  /** Auto-resolve after this long with no firing member. */
  readonly quietPeriodMs: number;
  /** A recurrence this soon after resolution reopens the incident instead of opening a new one. */
  readonly reopenWindowMs: number;
  readonly maxDurationMs: number;
  readonly maxMembers: number;
  /**
   * Settled incidents (resolved, then forgotten) that people acted on lately, kept so further
   * commands number their versions after the last one published without the store's help.
   */
  readonly maxSettledKept: number;
}

export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = {
  changeGroupingThreshold: 0.5,
  changeJoinThreshold: 0.25,
  groupingWindowMs: 30 * 60_000,
  quietPeriodMs: 15 * 60_000,
  reopenWindowMs: 60 * 60_000,
  maxDurationMs: 24 * 3_600_000,
  maxMembers: 500,
  maxSettledKept: 1_000,
};

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, high: 2, critical: 3 };
const SEVERITIES: Severity[] = ['info', 'warning', 'high', 'critical'];

interface MemberState {
  readonly member: IncidentMember;
  firing: boolean;
  severity: Severity;
  /** The signal it joined with (not for members taken over from a published version). */
  readonly signal?: Signal;
}

interface IncidentState {
  snapshot: Incident;
  /** Creation order: active() lists incidents in it. */
  readonly seq: number;
  readonly groupKey: string;
  readonly members: Map<string, MemberState>;
  /** byGroup keys that were pointed at this incident, to clear them when it is forgotten. */
  readonly indexKeys: string[];
  lastActivity: number;
  overflow: number;
  /** Severity set by a person overrides the roll-up. */
  severityOverride?: Severity;
  /** Whether an alert has joined yet: until then `labels` is not an agreement of anything. */
  labelled: boolean;
  /** The member the incident is named after (see precedes()); unknown for a rehydrated one. */
  lead?: string;
  /** Members whose signals are routed here by `redirects` (split out to, or merged into, this one). */
  redirected?: string[];
}

export class IncidentBook {
  private readonly incidents = new Map<string, IncidentState>();
  /** The incidents not resolved: the only ones per-event work (advance, active) looks at. */
  private readonly unresolved = new Set<IncidentState>();
  /** Resolutions by time, to forget incidents without scanning the book (entries go stale on reopen). */
  private readonly resolutions = new MinHeap<{ at: number; id: string }>((a, b) => a.at - b.at);
  private readonly byGroup = new Map<string, string>();
  private readonly byChange = new Map<string, string>();
  /**
   * Settled incidents people acted on since they were forgotten (least recently used first,
   * at most maxSettledKept): only commands reach them; signals open new incidents.
   */
  private readonly settled = new Map<string, IncidentState>();
  /**
   * Members a person moved (split out into another incident, or merged into one held here): their
   * next signals go to that incident while it is unresolved, not back where their group key leads.
   */
  private readonly redirects = new Map<string, string>();
  private created = 0;

  /** onForget: an incident left the book for good (e.g. to drop what the caller keeps about it). */
  constructor(
    private readonly settings: IncidentSettings = DEFAULT_INCIDENT_SETTINGS,
    private readonly onForget: (incidentId: string) => void = () => undefined,
  ) {}

  get(id: string): Incident | undefined {
    return this.incidents.get(id)?.snapshot;
  }

  /** Open or acknowledged incidents, for re-attribution and views. */
  active(): Incident[] {
    return [...this.unresolved].sort((a, b) => a.seq - b.seq).map((s) => s.snapshot);
  }

  /** Adds a signal with its ranked suspects; returns the incident events it causes. */
  onSignal(signal: Signal, suspects: readonly Suspect[]): Incident[] {
    const moved = this.redirectedFor(signal.ref);
    if (moved) {
      if (!signal.firing) return this.memberQuiet({ state: moved }, signal);
      const joined = this.join(moved, signal, suspects);
      return joined ? [joined] : [];
    }
    const groupKey = this.groupKeyOf(signal, suspects);
    const existing = this.current(groupKey, signal);
    if (!signal.firing) return existing ? this.memberQuiet(existing, signal) : [];
    const events: Incident[] = [];
    if (existing) {
      const { state, reopen } = existing;
      if (this.exceedsDuration(state, signal.at)) {
        events.push(
          this.transition(state, 'resolved', signal.at, {
            comment: 'closed at the maximum incident duration',
          }),
        );
      } else {
        if (reopen) events.push(this.transition(state, 'reopened', signal.at, {}));
        const joined = this.join(state, signal, suspects);
        if (joined) events.push(joined);
        return events;
      }
    }
    events.push(this.open(groupKey, signal, suspects));
    return events;
  }

  /**
   * After a rebuild from history, which replays the input in event-time order and so cannot
   * reproduce every choice the original processing order made:
   * - an incident the replay opened that was never published, but shares a member with an
   *   unresolved published one, is that incident (the original order gave it another id): it
   *   takes the published id, or joins it when the replay has that one too;
   * - the book's next version of a published incident comes after the published one;
   * - where the replay ended in another state (another status, members joined by the step
   *   above), that state is returned as the next version, to publish;
   * - an unresolved published incident the replay did not reproduce (its signals are older than
   *   what was replayed) is taken over as published, its members counted as quiet: it resolves
   *   after a quiet period unless signals join it again.
   * `published` holds the latest version of each incident.
   */
  reconcile(published: readonly Incident[]): Reconciliation {
    const result: Reconciliation = { continued: 0, takenOver: [], renamed: new Map(), catchUp: [] };
    const publishedIds = new Set(published.map((p) => p.id));
    const open = published.filter((p) => p.status !== 'resolved');
    const touched = new Set<IncidentState>();
    const settled: Incident[] = [];
    for (const state of [...this.unresolved]) {
      if (publishedIds.has(state.snapshot.id)) continue;
      const match = bestOverlap(state, open);
      if (!match) continue;
      const target = this.incidents.get(match.id);
      if (target) {
        this.absorb(state, target);
        touched.add(target);
      } else {
        result.renamed.set(state.snapshot.id, match.id);
        touched.add(this.rename(state, match));
      }
    }
    for (const p of published) {
      const known = this.incidents.get(p.id);
      if (known) {
        result.continued++;
        // Numbering carries on from the last version published, whichever way the replay counted:
        // a replay that met the same inputs in another order may have made more versions than
        // were published, and carrying on from its count would leave a gap.
        if (p.version !== known.snapshot.version) known.snapshot = { ...known.snapshot, version: p.version };
        // What people set (assignee, snooze, merges, splits) is as published: a replay meets their
        // commands without the other incidents some of them name.
        known.snapshot = { ...known.snapshot, ...responderState(p) };
        // A member published but not replayed came from an input consumed and not yet committed
        // when the previous owner stopped: it is delivered again, so it stays (quiet until then)
        // rather than vanish from the next version — unless the replay placed it elsewhere.
        for (const member of p.members)
          if (!known.members.has(member.ref) && !this.holderOf(member.ref))
            known.members.set(member.ref, { member, firing: false, severity: p.severity });
        if (known.snapshot.status !== p.status || touched.has(known)) {
          const { event, updatedAt } = known.snapshot;
          result.catchUp.push(this.next(known, event, updatedAt, {}));
        }
      } else if (p.status !== 'resolved') {
        this.takeOver(p);
        result.takenOver.push(p.id);
      } else settled.push(p);
    }
    result.catchUp.push(...this.onePlacePerMember());
    // Settled ones people may still act on, the most recently updated kept when they are many.
    settled.sort((a, b) => a.updatedAt - b.updatedAt);
    for (const p of settled) this.keepSettled(this.settledState(p));
    return result;
  }

  /**
   * After a reconcile a member may sit in two unresolved incidents: where the replay put it, and
   * in a published version taken over or kept (the original order placed it elsewhere). It stays
   * where the replay's own processing put it (a member that joined with its signal), else in the
   * most recently active; the others publish a version without it, or resolve, merged, if empty.
   */
  private onePlacePerMember(): Incident[] {
    const holders = new Map<string, IncidentState[]>();
    for (const state of this.unresolved)
      for (const ref of state.members.keys()) holders.set(ref, [...(holders.get(ref) ?? []), state]);
    const changed = new Map<IncidentState, IncidentState>();
    for (const [ref, states] of holders) {
      if (states.length < 2) continue;
      const keeper =
        states.find((state) => state.members.get(ref)!.signal) ??
        states.reduce((a, b) => (b.lastActivity > a.lastActivity ? b : a));
      for (const state of states) {
        if (state === keeper) continue;
        state.members.delete(ref);
        if (state.lead === ref) state.lead = undefined;
        changed.set(state, keeper);
      }
    }
    const out: Incident[] = [];
    for (const [state, keeper] of changed) {
      const at = state.snapshot.updatedAt;
      out.push(
        state.members.size === 0
          ? this.transition(state, 'resolved', at, {
              comment: `merged into ${keeper.snapshot.id}: the same signals`,
            })
          : this.next(state, 'updated', at, state.lead === undefined ? this.renamedAfterLead(state) : {}),
      );
    }
    return out;
  }

  /** The unresolved incident that holds a member, if any. */
  private holderOf(ref: string): IncidentState | undefined {
    for (const state of this.unresolved) if (state.members.has(ref)) return state;
    return undefined;
  }

  /** `from` (never published) is part of `into`: its members move there and it goes. */
  private absorb(from: IncidentState, into: IncidentState): void {
    for (const [ref, member] of from.members) if (!into.members.has(ref)) into.members.set(ref, member);
    into.lastActivity = Math.max(into.lastActivity, from.lastActivity);
    this.drop(from, into.snapshot.id);
  }

  /** `state` (never published) is the published incident `as`: it carries on under that id. */
  private rename(state: IncidentState, as: Incident): IncidentState {
    const members = new Map(state.members);
    for (const member of as.members) {
      if (!members.has(member.ref)) members.set(member.ref, { member, firing: false, severity: as.severity });
    }
    const renamed: IncidentState = {
      ...state,
      members,
      indexKeys: [...state.indexKeys],
      snapshot: {
        ...state.snapshot,
        id: as.id,
        version: as.version,
        openedAt: Math.min(as.openedAt, state.snapshot.openedAt),
      },
    };
    this.drop(state, as.id);
    this.incidents.set(as.id, renamed);
    this.unresolved.add(renamed);
    return renamed;
  }

  /** Removes an unresolved incident; the group and change keys that led to it lead to `successor`. */
  private drop(state: IncidentState, successor: string): void {
    const id = state.snapshot.id;
    this.incidents.delete(id);
    this.unresolved.delete(state);
    for (const [key, target] of this.byGroup) if (target === id) this.byGroup.set(key, successor);
    for (const [change, target] of this.byChange) if (target === id) this.byChange.set(change, successor);
  }

  private takeOver(published: Incident): void {
    const state = this.stateOf(published, this.publishedGroupKey(published));
    const groupKey = state.groupKey;
    this.incidents.set(published.id, state);
    this.unresolved.add(state);
    if (!this.activeFor(groupKey)) this.byGroup.set(groupKey, published.id);
    if (groupKey.startsWith('change:')) this.byChange.set(groupKey.slice('change:'.length), published.id);
  }

  /** The book's state of a published incident, its members counted as quiet. */
  private stateOf(published: Incident, groupKey: string): IncidentState {
    return {
      snapshot: published,
      seq: this.created++,
      groupKey,
      indexKeys: [groupKey],
      members: new Map(
        published.members.map((member) => [
          member.ref,
          { member, firing: false, severity: published.severity },
        ]),
      ),
      lastActivity: published.updatedAt,
      overflow: 0,
      labelled: published.members.some((m) => m.type === 'alert'),
    };
  }

  /** Keeps a settled incident for commands; the least recently used goes beyond maxSettledKept. */
  private keepSettled(state: IncidentState): void {
    this.settled.delete(state.snapshot.id);
    this.settled.set(state.snapshot.id, state);
    if (this.settled.size > this.settings.maxSettledKept)
      this.settled.delete(this.settled.keys().next().value!);
  }

  /** The group key a published incident was opened under, as far as the incident tells. */
  private publishedGroupKey(incident: Incident): string {
    const verdict = incident.members.find((m) => m.type === 'verdict');
    if (incident.kind === 'regression' && verdict) return `change:${verdict.ref.replace(/^verdict:/, '')}`;
    const top = incident.suspects[0];
    if (top?.changeId && top.probability >= this.settings.changeGroupingThreshold)
      return `change:${top.changeId}`;
    const first = incident.members[0];
    const signature = first?.type === 'alert' ? first.name : 'anomaly';
    return `signature:${incident.environment}:${incident.service}:${signature}`;
  }

  /** Adds a signal to a given open incident as evidence (e.g. an anomaly on one of its services). */
  addMember(incidentId: string, signal: Signal): Incident[] {
    const state = this.incidents.get(incidentId);
    if (!state || state.snapshot.status === 'resolved') return [];
    const joined = this.join(state, signal, []);
    return joined ? [joined] : [];
  }

  /** A momentary member (an anomaly, a verdict) stops counting as firing. */
  quiet(ref: string, at: number): void {
    for (const state of this.incidents.values()) {
      const member = state.members.get(ref);
      if (member?.firing) {
        member.firing = false;
        state.lastActivity = Math.max(state.lastActivity, at);
      }
    }
  }

  /**
   * A member that joined another incident before the evidence that ties it to `changeId` came
   * (an alert on a service, handled before its own change's failed verification) moves to that
   * change's incident: both publish a new version. The incident it leaves is named after its
   * next member when it was named after this one, and resolves, merged, when none is left.
   */
  moveToChange(changeId: string, ref: string, suspects: readonly Suspect[], at: number): Incident[] {
    const target = this.incidents.get(this.byChange.get(changeId) ?? '');
    if (!target || target.snapshot.status === 'resolved' || target.members.has(ref)) return [];
    const from = [...this.unresolved].find((state) => state.members.has(ref));
    const moving = from?.members.get(ref);
    if (!from || !moving?.signal) return [];
    from.members.delete(ref);
    const why = `${moving.member.name} on ${moving.member.service} belongs to the change ${changeId}`;
    const left =
      from.members.size === 0
        ? this.transition(from, 'resolved', at, { comment: `merged into ${target.snapshot.id}: ${why}` })
        : this.next(from, 'updated', at, {
            ...(from.lead === ref ? this.renamedAfterLead(from) : {}),
            comment: `${why}: moved to ${target.snapshot.id}`,
          });
    const joined = this.join(target, moving.signal, suspects);
    target.members.get(ref)!.firing = moving.firing;
    return joined ? [left, joined] : [left];
  }

  /** The member an incident is named after now (see precedes()), and what that names. */
  private renamedAfterLead(state: IncidentState): Partial<Incident> {
    const members = [...state.members.values()];
    const cause = state.snapshot.suspects[0]?.service ?? undefined;
    const lead = members.find((m) => members.every((o) => o === m || precedes(m.member, o.member, cause)));
    state.lead = lead?.member.ref;
    const signal = lead?.signal;
    return signal
      ? { title: titleOf(signal, state.snapshot.suspects), service: signal.service, summary: signal.summary }
      : {};
  }

  /** The member an incident is named after, when known. */
  leadOf(incidentId: string): string | undefined {
    return this.incidents.get(incidentId)?.lead;
  }

  /** Whether the incident is named after this member: its symptom is the one to attribute. */
  isLead(incidentId: string, ref: string): boolean {
    return this.incidents.get(incidentId)?.lead === ref;
  }

  /**
   * Resolves the incidents quiet for the quiet period. `finalSuspects` gives each its ranking on
   * all the evidence there is by then: which update last passed the "materially different" bar
   * depends on the order inputs arrived in, the ranking at resolution does not.
   */
  advance(
    watermark: number,
    finalSuspects?: (incidentId: string) => readonly Suspect[] | undefined,
  ): Incident[] {
    this.forgetSettled(watermark);
    const woken = this.endSnoozes(watermark);
    const quiet: IncidentState[] = [];
    for (const state of this.unresolved) {
      if (watermark - state.lastActivity >= this.settings.quietPeriodMs && !anyFiring(state))
        quiet.push(state);
    }
    const resolved = quiet
      .sort((a, b) => a.snapshot.id.localeCompare(b.snapshot.id))
      .map((state) => {
        const suspects = finalSuspects?.(state.snapshot.id);
        return this.transition(state, 'resolved', state.lastActivity + this.settings.quietPeriodMs, {
          comment: `resolved automatically after ${Math.round(this.settings.quietPeriodMs / 60_000)} quiet minutes`,
          ...(suspects && suspects.length > 0 ? { suspects: [...suspects] } : {}),
        });
      });
    return [...woken, ...resolved];
  }

  /** Snoozes whose time came by event time end by themselves: each incident publishes a version. */
  private endSnoozes(watermark: number): Incident[] {
    const due = [...this.unresolved].filter(
      (state) => state.snapshot.snoozedUntil !== null && state.snapshot.snoozedUntil <= watermark,
    );
    return due
      .sort(
        (a, b) =>
          a.snapshot.snoozedUntil! - b.snapshot.snoozedUntil! || a.snapshot.id.localeCompare(b.snapshot.id),
      )
      .map((state) =>
        this.next(state, 'unsnoozed', state.snapshot.snoozedUntil!, {
          snoozedUntil: null,
          comment: 'the snooze ended',
        }),
      );
  }

  /**
   * Bounded memory: an incident resolved longer ago than the reopen window no signal can change
   * again (a recurrence opens a new one), so it is forgotten — its history lives on in the topic
   * and in ClickHouse, and a person's command brings it back (see command()). Without this the
   * book, and the work per event, grew with every incident ever.
   */
  private forgetSettled(watermark: number): void {
    for (let next = this.resolutions.peek(); next; next = this.resolutions.peek()) {
      if (watermark - next.at <= this.settings.reopenWindowMs) return;
      this.resolutions.pop();
      const state = this.incidents.get(next.id);
      // Stale entry: reopened since (and maybe resolved again later), or already forgotten.
      if (!state || state.snapshot.status !== 'resolved' || state.snapshot.resolvedAt !== next.at) continue;
      this.incidents.delete(next.id);
      for (const key of state.indexKeys) if (this.byGroup.get(key) === next.id) this.byGroup.delete(key);
      const change = state.groupKey.startsWith('change:') ? state.groupKey.slice('change:'.length) : null;
      if (change !== null && this.byChange.get(change) === next.id) this.byChange.delete(change);
      for (const ref of state.redirected ?? [])
        if (this.redirects.get(ref) === next.id) this.redirects.delete(ref);
      this.onForget(next.id);
    }
  }

  /** New evidence (a verdict, a rollback) may re-rank the suspects of an active incident. */
  updateSuspects(incidentId: string, suspects: readonly Suspect[], at: number): Incident[] {
    const state = this.incidents.get(incidentId);
    if (!state || state.snapshot.status === 'resolved') return [];
    if (!materiallyDifferent(state.snapshot.suspects, suspects)) return [];
    const updated = this.next(state, 'updated', at, { suspects: [...suspects] });
    const top = suspects[0];
    if (!top?.changeId || state.groupKey.startsWith('change:')) return [updated];
    const key = `change:${top.changeId}`;
    const target = this.activeFor(key);
    if (target === state) return [updated];
    // Later evidence ties this incident to the change another incident is about: it joins that one
    // on the same terms as a new signal would (changeJoinThreshold), whatever order they came in.
    if (target && top.probability >= this.settings.changeJoinThreshold)
      return [updated, ...this.merge(state, target, at)];
    if (target || top.probability < this.settings.changeGroupingThreshold) return [updated];
    // Later evidence convicts a change: this incident is the one about it.
    this.byGroup.set(key, incidentId);
    state.indexKeys.push(key);
    return [updated];
  }

  /** Moves every member of `from` into `into`, which carries on; `from` resolves, saying where it went. */
  private merge(from: IncidentState, into: IncidentState, at: number): Incident[] {
    for (const [ref, member] of from.members) if (!into.members.has(ref)) into.members.set(ref, member);
    into.lastActivity = Math.max(into.lastActivity, from.lastActivity);
    const labels = from.labelled ? this.agreeOn(into, from.snapshot.labels) : into.snapshot.labels;
    const grown = this.next(into, 'updated', at, { labels });
    for (const member of from.members.values()) member.firing = false;
    const closed = this.transition(from, 'resolved', at, {
      comment: `merged into ${into.snapshot.id}: the same change caused both`,
    });
    return [grown, closed];
  }

  /**
   * A person's action (from the api): the next version, or why it cannot apply (acknowledging a
   * resolved incident, a severity it already has). An incident the book forgot — resolved
   * longer ago than the reopen window, or before a restart — is taken from `stored` (the latest
   * version the api read from the store), or from the settled incidents acted on lately when
   * those know a later version; comments and severity changes apply to it as to any other.
   * `related`: for an absorb, the merged incident as the api read it (used when this book does
   * not hold it: it may live on another partition).
   */
  command(command: IncidentCommand, stored?: Incident, related?: Incident): CommandOutcome {
    const state = this.incidents.get(command.incidentId) ?? this.rehydrate(command.incidentId, stored);
    if (!state) {
      return {
        refused: `incident ${command.incidentId} is not held here and the command carries no stored version of it`,
      };
    }
    const refused = commandRefusal(state.snapshot, command);
    if (refused) return { refused };
    const base = { actor: command.actor, comment: command.comment };
    switch (command.action) {
      case 'acknowledge':
        return { incident: this.transition(state, 'acknowledged', command.at, base) };
      case 'resolve':
        for (const m of state.members.values()) m.firing = false;
        return { incident: this.transition(state, 'resolved', command.at, base) };
      case 'comment':
        return { incident: this.next(state, 'commented', command.at, base) };
      case 'severity':
        state.severityOverride = command.severity!;
        return {
          incident: this.next(state, 'severity_changed', command.at, {
            ...base,
            severity: command.severity!,
          }),
        };
      case 'assign':
        return {
          incident: this.next(state, 'reassigned', command.at, { ...base, assignee: command.assignee }),
        };
      case 'snooze':
        return {
          incident: this.next(state, 'snoozed', command.at, { ...base, snoozedUntil: command.until }),
        };
      case 'unsnooze':
        return { incident: this.next(state, 'unsnoozed', command.at, { ...base, snoozedUntil: null }) };
      case 'merge':
        return { incident: this.mergeInto(state, command.relatedIncidentId!, command.at, base) };
      case 'absorb':
        return this.absorbMerged(state, command, related, base);
      case 'split':
        return this.splitOut(state, command, base);
    }
  }

  /**
   * A person's merge, on the merged incident's side: it resolves as a duplicate of the target.
   * Its signals no longer reopen it: they go to the target when this book holds it (the target
   * takes its members in with an absorb command), else they open a new incident.
   */
  private mergeInto(state: IncidentState, targetId: string, at: number, base: Partial<Incident>): Incident {
    const id = state.snapshot.id;
    const target = this.incidents.get(targetId);
    const live = target && target.snapshot.status !== 'resolved' ? target : undefined;
    for (const key of state.indexKeys) {
      if (this.byGroup.get(key) !== id) continue;
      if (live) this.byGroup.set(key, targetId);
      else this.byGroup.delete(key);
    }
    for (const [change, holder] of [...this.byChange]) {
      if (holder !== id) continue;
      if (live) this.byChange.set(change, targetId);
      else this.byChange.delete(change);
    }
    if (live) this.redirect([...state.members.keys()], live);
    return this.next(state, 'merged', at, {
      ...base,
      status: 'resolved',
      resolvedAt: at,
      duplicateOf: targetId,
    });
  }

  /**
   * A person's merge, on the target's side: the merged incident's members, services and
   * suspects join it, as live members when this book holds that incident (they keep firing),
   * else as published (quiet until their signals come again).
   */
  private absorbMerged(
    into: IncidentState,
    command: IncidentCommand,
    related: Incident | undefined,
    base: Partial<Incident>,
  ): CommandOutcome {
    const fromId = command.relatedIncidentId!;
    const held = this.incidents.get(fromId) ?? this.settled.get(fromId);
    const from = held?.snapshot ?? (related?.id === fromId ? related : undefined);
    if (!from)
      return { refused: `the merged incident ${fromId} is not held here and the command does not carry it` };
    if (into.snapshot.mergedFrom.includes(fromId))
      return { refused: `${fromId} was already merged into this incident` };
    const members = held
      ? [...held.members.values()]
      : from.members.map((member): MemberState => ({ member, firing: false, severity: from.severity }));
    for (const member of members)
      if (!into.members.has(member.member.ref)) into.members.set(member.member.ref, member);
    into.lastActivity = Math.max(into.lastActivity, held?.lastActivity ?? from.updatedAt);
    const labelled = held ? held.labelled : from.members.some((m) => m.type === 'alert');
    const labels = labelled ? this.agreeOn(into, from.labels) : into.snapshot.labels;
    return {
      incident: this.next(into, 'merged', command.at, {
        ...base,
        labels,
        suspects: combineSuspects(into.snapshot.suspects, from.suspects),
        mergedFrom: [...into.snapshot.mergedFrom, fromId],
      }),
    };
  }

  /**
   * A person's split: the members named (or every member on a service) leave the incident for a
   * new one, opened with them (id derived from the command, so a replay gives the same one) and
   * the suspects as ranked so far. Their next signals go to it while it is unresolved.
   */
  private splitOut(state: IncidentState, command: IncidentCommand, base: Partial<Incident>): CommandOutcome {
    const { refs } = splitSelection(state.snapshot.members, command);
    const source = state.snapshot;
    const id =
      'inc_' + createHash('sha256').update(`split\n${source.id}\n${command.id}`).digest('hex').slice(0, 16);
    const moved = new Map<string, MemberState>();
    for (const ref of refs) {
      moved.set(ref, state.members.get(ref)!);
      state.members.delete(ref);
    }
    const cause = source.suspects[0]?.service ?? undefined;
    const all = [...moved.values()];
    const lead = all.find((m) => all.every((o) => o === m || precedes(m.member, o.member, cause)))!;
    const kind: IncidentKind = lead.member.type === 'verdict' ? 'regression' : lead.member.type;
    const openedAt = Math.max(source.openedAt, Math.min(...all.map((m) => m.member.at)));
    const split: IncidentState = {
      snapshot: {
        ...source,
        ...NO_RESPONDER_STATE,
        id,
        version: 0,
        status: 'open',
        kind,
        title: lead.signal
          ? titleOf(lead.signal, source.suspects)
          : `${lead.member.name} on ${lead.member.service}`,
        summary: lead.signal?.summary ?? source.summary,
        service: lead.member.service,
        openedAt,
        updatedAt: openedAt,
        resolvedAt: null,
        splitFrom: source.id,
      },
      seq: this.created++,
      groupKey: `split:${id}`,
      indexKeys: [],
      members: moved,
      lastActivity: command.at,
      overflow: 0,
      labelled: source.members.some((m) => m.type === 'alert'),
      lead: lead.member.ref,
    };
    this.incidents.set(id, split);
    this.redirect(refs, split);
    const opened = this.next(split, 'opened', command.at, base);
    const left = this.next(state, 'split', command.at, {
      ...base,
      ...(state.lead !== undefined && moved.has(state.lead) ? this.renamedAfterLead(state) : {}),
      splitInto: [...source.splitInto, id],
    });
    return { incident: left, others: [opened] };
  }

  /** Routes these members' next signals to `to` (see `redirects`). */
  private redirect(refs: readonly string[], to: IncidentState): void {
    for (const ref of refs) this.redirects.set(ref, to.snapshot.id);
    to.redirected = [...(to.redirected ?? []), ...refs];
  }

  /** The unresolved incident a member was moved to by a person, if any. */
  private redirectedFor(ref: string): IncidentState | undefined {
    const id = this.redirects.get(ref);
    const state = id === undefined ? undefined : this.incidents.get(id);
    return state && state.snapshot.status !== 'resolved' ? state : undefined;
  }

  /** A forgotten incident back for a command: the latest version known here or carried by it. */
  private rehydrate(id: string, stored: Incident | undefined): IncidentState | undefined {
    const kept = this.settled.get(id);
    if (kept && (!stored || kept.snapshot.version >= stored.version)) {
      this.keepSettled(kept);
      return kept;
    }
    if (!stored || stored.id !== id) return kept;
    if (stored.status !== 'resolved') {
      // Open when the store last heard of it, yet not held here: carried on like any incident
      // taken over from what was published (it resolves after a quiet period).
      this.takeOver(stored);
      return this.incidents.get(id);
    }
    const state = this.settledState(stored);
    this.keepSettled(state);
    return state;
  }

  /** A settled incident's state: its severity as published stays unless a person changes it. */
  private settledState(incident: Incident): IncidentState {
    const state = this.stateOf(incident, 'settled');
    state.severityOverride = incident.severity;
    return state;
  }

  private groupKeyOf(signal: Signal, suspects: readonly Suspect[]): string {
    if (signal.kind === 'verdict' && signal.changeId) return `change:${signal.changeId}`;
    const top = suspects[0];
    if (top?.changeId) {
      const key = `change:${top.changeId}`;
      if (top.probability >= this.settings.changeGroupingThreshold) return key;
      if (top.probability >= this.settings.changeJoinThreshold && this.activeFor(key)) return key;
    }
    return `signature:${signal.environment}:${signal.service}:${signal.signature}`;
  }

  private activeFor(groupKey: string): IncidentState | undefined {
    const id = this.byGroup.get(groupKey);
    const state = id ? this.incidents.get(id) : undefined;
    return state && state.snapshot.status !== 'resolved' ? state : undefined;
  }

  /** The incident a signal with this group key belongs to, if any, and whether it reopens. */
  private current(groupKey: string, signal: Signal): { state: IncidentState; reopen: boolean } | undefined {
    const id = this.byGroup.get(groupKey);
    const state = id ? this.incidents.get(id) : undefined;
    if (!state) return undefined;
    if (state.snapshot.status !== 'resolved') {
      const gap = signal.at - state.lastActivity;
      const sameChange = groupKey.startsWith('change:');
      return sameChange || gap <= this.settings.groupingWindowMs || state.members.has(signal.ref)
        ? { state, reopen: false }
        : undefined;
    }
    const sinceResolved = signal.at - (state.snapshot.resolvedAt ?? signal.at);
    return sinceResolved <= this.settings.reopenWindowMs ? { state, reopen: true } : undefined;
  }

  private open(groupKey: string, signal: Signal, suspects: readonly Suspect[]): Incident {
    const id =
      'inc_' +
      createHash('sha256').update(`${groupKey}\n${signal.ref}\n${signal.at}`).digest('hex').slice(0, 16);
    const member = memberOf(signal);
    const kind: IncidentKind = signal.kind === 'verdict' ? 'regression' : signal.kind;
    const snapshot: Incident = {
      id,
      version: 1,
      event: 'opened',
      status: 'open',
      kind,
      title: titleOf(signal, suspects),
      summary: signal.summary,
      severity: signal.severity,
      service: signal.service,
      services: [signal.service],
      environment: signal.environment,
      openedAt: signal.at,
      updatedAt: signal.at,
      resolvedAt: null,
      members: [member],
      suspects: [...suspects],
      blastRadius: 1,
      actor: null,
      comment: null,
      team: signal.team ?? null,
      labels: signal.kind === 'alert' ? stableLabels(signal.labels) : {},
      ...NO_RESPONDER_STATE,
    };
    const state: IncidentState = {
      snapshot,
      seq: this.created++,
      groupKey,
      indexKeys: [groupKey],
      members: new Map([[signal.ref, { member, firing: true, severity: signal.severity, signal }]]),
      lastActivity: signal.at,
      overflow: 0,
      labelled: signal.kind === 'alert',
      lead: signal.ref,
    };
    this.incidents.set(id, state);
    this.unresolved.add(state);
    this.byGroup.set(groupKey, id);
    if (groupKey.startsWith('change:')) this.byChange.set(groupKey.slice('change:'.length), id);
    return snapshot;
  }

  /** Adds or refreshes a member; returns an event only when something a person sees changed. */
  private join(state: IncidentState, signal: Signal, suspects: readonly Suspect[]): Incident | undefined {
    state.lastActivity = Math.max(state.lastActivity, signal.at);
    const known = state.members.get(signal.ref);
    if (known) {
      const changed = !known.firing || SEVERITY_RANK[signal.severity] > SEVERITY_RANK[known.severity];
      known.firing = true;
      known.severity = signal.severity;
      return changed ? this.next(state, 'updated', signal.at, {}) : undefined;
    }
    if (state.members.size >= this.settings.maxMembers) {
      state.overflow++;
      return undefined;
    }
    const member = memberOf(signal);
    const better = signal.kind === 'verdict' || materiallyDifferent(state.snapshot.suspects, suspects);
    const ranked = better && suspects.length > 0 ? suspects : state.snapshot.suspects;
    const leads = [...state.members.values()].every((m) =>
      precedes(member, m.member, ranked[0]?.service ?? undefined),
    );
    state.members.set(signal.ref, { member, firing: true, severity: signal.severity, signal });
    if (leads) state.lead = signal.ref;
    return this.next(state, 'updated', signal.at, {
      ...(better && suspects.length > 0 ? { suspects: [...suspects] } : {}),
      ...(leads ? { title: titleOf(signal, ranked), service: signal.service, summary: signal.summary } : {}),
      ...(signal.kind === 'alert' ? { labels: this.agreeOn(state, signal.labels) } : {}),
    });
  }

  private agreeOn(state: IncidentState, labels: Labels | undefined): Record<string, string> {
    const stable = stableLabels(labels);
    const agreed = state.labelled ? agreedLabels(state.snapshot.labels, stable) : stable;
    state.labelled = true;
    return agreed;
  }

  private memberQuiet(found: { state: IncidentState }, signal: Signal): Incident[] {
    const member = found.state.members.get(signal.ref);
    if (member?.firing) {
      member.firing = false;
      found.state.lastActivity = Math.max(found.state.lastActivity, signal.at);
    }
    return [];
  }

  private exceedsDuration(state: IncidentState, at: number): boolean {
    return at - state.snapshot.openedAt > this.settings.maxDurationMs;
  }

  private transition(
    state: IncidentState,
    event: 'acknowledged' | 'resolved' | 'reopened',
    at: number,
    extra: Partial<Incident>,
  ): Incident {
    const status = event === 'reopened' ? 'open' : event;
    if (event === 'reopened') state.lastActivity = at;
    return this.next(state, event, at, { ...extra, status, resolvedAt: event === 'resolved' ? at : null });
  }

  /** Applies a change as the next version, with members, services and severity rolled up. */
  private next(state: IncidentState, event: IncidentEvent, at: number, changes: Partial<Incident>): Incident {
    const members = [...state.members.values()];
    const services = [...new Set(members.map((m) => m.member.service))].sort();
    const title =
      services.length > 1 && state.groupKey.startsWith('change:')
        ? titleWithBlastRadius(changes.title ?? state.snapshot.title, services)
        : (changes.title ?? state.snapshot.title);
    const wasResolved = state.snapshot.status === 'resolved';
    const built: Incident = {
      ...state.snapshot,
      actor: null,
      comment: null,
      ...changes,
      title,
      event,
      version: state.snapshot.version + 1,
      updatedAt: Math.max(state.snapshot.updatedAt, at),
      members: members.map((m) => m.member),
      services,
      blastRadius: services.length,
      severity:
        state.severityOverride ??
        rollUpSeverity(
          members.map((m) => m.severity),
          services.length,
        ),
      summary: withOverflow(changes.summary ?? state.snapshot.summary, state.overflow),
    };
    // A resolved incident is snoozed no more: nothing is left to hold back.
    const snapshot = built.status === 'resolved' ? { ...built, snoozedUntil: null } : built;
    state.snapshot = snapshot;
    if (snapshot.status === 'resolved') {
      this.unresolved.delete(state);
      if (!wasResolved || event === 'resolved')
        this.resolutions.push({ at: snapshot.resolvedAt!, id: snapshot.id });
    } else this.unresolved.add(state);
    return snapshot;
  }
}

/** The fields of an incident only people's commands set. */
function responderState(incident: Incident): Pick<Incident, keyof typeof NO_RESPONDER_STATE> {
  const { assignee, snoozedUntil, duplicateOf, mergedFrom, splitFrom, splitInto } = incident;
  return { assignee, snoozedUntil, duplicateOf, mergedFrom, splitFrom, splitInto };
}

/** The published incident sharing the most members with `state`, if any shares one. */
function bestOverlap(state: IncidentState, candidates: readonly Incident[]): Incident | undefined {
  let best: Incident | undefined;
  let most = 0;
  for (const candidate of candidates) {
    const shared = candidate.members.filter((m) => state.members.has(m.ref)).length;
    if (shared > most) {
      most = shared;
      best = candidate;
    }
  }
  return best;
}

function anyFiring(state: IncidentState): boolean {
  for (const m of state.members.values()) if (m.firing) return true;
  return false;
}

/** Highest member severity, raised to at least `high` when three or more services are hit. */
export function rollUpSeverity(severities: readonly Severity[], blastRadius: number): Severity {
  let rank = Math.max(0, ...severities.map((s) => SEVERITY_RANK[s]));
  if (blastRadius >= 3) rank = Math.max(rank, SEVERITY_RANK.high);
  return SEVERITIES[rank]!;
}

/**
 * Whether `a` should head an incident rather than `b`. An alert names it if there is one (it is
 * what paged someone, under the name their team gave it), else a failed verification, else an
 * anomaly; among those the earliest, and at one instant the one on the suspected change's own
 * service, then by service and name. Signals arrive from several topics and partitions in no
 * stable order, so the first to arrive must not decide what the incident is called.
 */
function precedes(a: IncidentMember, b: IncidentMember, causeService: string | undefined): boolean {
  if (a.type !== b.type) return LEAD_RANK[a.type] < LEAD_RANK[b.type];
  if (a.at !== b.at) return a.at < b.at;
  const aCause = a.service === causeService;
  if (aCause !== (b.service === causeService)) return aCause;
  return a.service !== b.service ? a.service < b.service : a.name < b.name;
}

const LEAD_RANK: Record<IncidentMember['type'], number> = { alert: 0, verdict: 1, anomaly: 2 };

function titleOf(signal: Signal, suspects: readonly Suspect[]): string {
  if (signal.kind === 'verdict') return `Regression on ${signal.service}: ${signal.summary}`;
  const top = suspects[0];
  const cause = top?.changeId ? ` (likely ${top.kind ?? 'change'} on ${top.service})` : '';
  return `${signal.name} on ${signal.service}${cause}`;
}

/** The summary with how many signals the member cap kept out, said once however often it grows. */
function withOverflow(summary: string, overflow: number): string {
  const base = summary.replace(/ \(\+\d+ signals over the member cap\)$/, '');
  return overflow > 0 ? `${base} (+${overflow} signals over the member cap)` : base;
}

function titleWithBlastRadius(title: string, services: readonly string[]): string {
  const base = title.replace(/ — \d+ services affected$/, '');
  return `${base} — ${services.length} services affected`;
}

function materiallyDifferent(a: readonly Suspect[], b: readonly Suspect[]): boolean {
  if (a.length === 0 && b.length === 0) return false;
  if (a[0]?.changeId !== b[0]?.changeId) return true;
  return Math.abs((a[0]?.probability ?? 0) - (b[0]?.probability ?? 0)) > 0.05;
}

/** The signal as a member of an incident. */
function memberOf(signal: Signal): IncidentMember {
  return { type: signal.kind, ref: signal.ref, service: signal.service, name: signal.name, at: signal.at };
}
