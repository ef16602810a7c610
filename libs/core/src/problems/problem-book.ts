// Problem management as an online clustering plus an ITIL lifecycle, in event time.
// Each incident (identified by id, updated as its versions arrive) joins the most similar
// cluster above a threshold, or starts one. A cluster becomes a problem candidate at N repeats
// within the lookback, or when its impact (incident-minutes weighted by severity) passes a
// threshold. People move it on: candidate → problem → known error (with a workaround) →
// resolved (linked to the fixing change) → verified after a quiet period. A resolved problem
// that recurs is reopened and says so; a rejected candidate stays rejected for its signature.
// People also link an incident to a problem or unlink it by hand, and the clustering abides by
// it: a linked incident stays in that problem whatever its later versions look like, an unlinked
// one is never put back there (restore replays the commands, so a restart keeps both).
import { createHash } from 'node:crypto';
import type { Incident, Problem, ProblemAction, ProblemCommand, ProblemStatus, Severity } from '#contracts';
import { periodicity, sharedFactors, type MemberFacts } from './factors.js';
import { labelPairs, signatureOf, similarity, type Signature, type TemplateSource } from './signature.js';

export interface ProblemSettings {
  readonly similarityThreshold: number;
  readonly candidateRepeats: number;
  readonly lookbackMs: number;
  /** Incident-minutes × severity weight that makes a candidate regardless of count. */
  readonly impactThreshold: number;
  /** Quiet time after resolution before a problem counts as verified. */
  readonly verifyAfterMs: number;
  readonly maxClusters: number;
  /** Members kept per cluster for factors, MTTR and periodicity (the count covers all). */
  readonly maxMembersKept: number;
  /** A cluster whose status did not change republishes at most this often. */
  readonly republishMs: number;
}

export const DEFAULT_PROBLEM_SETTINGS: ProblemSettings = {
  similarityThreshold: 0.55,
  candidateRepeats: 3,
  lookbackMs: 30 * 86_400_000,
  impactThreshold: 600,
  verifyAfterMs: 7 * 86_400_000,
  maxClusters: 100_000,
  maxMembersKept: 500,
  republishMs: 5 * 60_000,
};

export const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 4, high: 3, warning: 2, info: 1 };

/** The lifecycle: which actions are allowed from which status. */
export const ALLOWED_FROM: Record<ProblemAction, readonly (ProblemStatus | 'cluster')[]> = {
  confirm: ['candidate'],
  reject: ['candidate'],
  known_error: ['candidate', 'problem'],
  resolve: ['candidate', 'problem', 'known_error'],
  link: ['candidate', 'problem', 'known_error', 'resolved', 'verified'],
  unlink: ['candidate', 'problem', 'known_error', 'resolved', 'verified'],
};

interface Cluster {
  readonly id: string;
  readonly signature: Signature;
  /** The most recent members (bounded); `total` counts them all. */
  readonly members: Map<string, MemberFacts>;
  total: number;
  lastPublished: number;
  status: ProblemStatus | 'cluster';
  snapshot: Problem | undefined;
  resolvedAt: number | null;
  workaround: string | null;
  fixChangeId: string | null;
  reopened: boolean;
  lastSeen: number;
}

export class ProblemBook {
  private readonly clusters: Cluster[] = [];
  private readonly byId = new Map<string, Cluster>();
  /**
   * Clusters by template feature. Only a cluster with the same template can reach the default
   * threshold: without the template (weight 3) the most two signatures can share is services,
   * alerts, change kind and suspect (4 of at least 10), a similarity of 0.4 < 0.55. So the
   * search looks at the clusters of the incident's template only — O(1) instead of O(clusters).
   */
  private readonly byTemplate = new Map<string, Cluster[]>();
  private readonly ofIncident = new Map<string, Cluster>();
  /** The newest version of each member incident taken in: an older or repeated one changes nothing. */
  private readonly versionOf = new Map<string, number>();
  /** Incidents linked to a problem by hand (incident → cluster id): they stay there. */
  private readonly pinnedTo = new Map<string, string>();
  /** Incidents unlinked from problems by hand (incident → cluster ids): never put back there. */
  private readonly unlinkedFrom = new Map<string, Set<string>>();
  /** Unlinked incidents in no cluster, as last seen: linked again, they are members at once. */
  private readonly heldOut = new Map<string, MemberFacts>();
  private evicted = 0;

  constructor(
    private readonly templates: TemplateSource,
    private readonly settings: ProblemSettings = DEFAULT_PROBLEM_SETTINGS,
  ) {}

  get(id: string): Problem | undefined {
    return this.byId.get(id)?.snapshot;
  }

  problems(): Problem[] {
    return this.clusters.flatMap((c) => (c.snapshot ? [c.snapshot] : []));
  }

  stats(): { clusters: number; incidents: number; evicted: number } {
    return { clusters: this.clusters.length, incidents: this.ofIncident.size, evicted: this.evicted };
  }

  /** A new version of an incident; returns the problem events it causes (none for a version seen before). */
  onIncident(incident: Incident): Problem[] {
    if (incident.version <= (this.versionOf.get(incident.id) ?? 0)) return [];
    this.versionOf.set(incident.id, incident.version);
    const pinned = this.byId.get(this.pinnedTo.get(incident.id) ?? '');
    const cluster =
      this.ofIncident.get(incident.id) ??
      pinned ??
      this.clusterFor(
        signatureOf(incident, this.templates),
        incident.openedAt,
        this.unlinkedFrom.get(incident.id),
      );
    // Held out: the only cluster it fits is one a person unlinked it from.
    if (!cluster) {
      this.heldOut.set(incident.id, factsOf(incident));
      return [];
    }
    this.heldOut.delete(incident.id);
    const isNew = !cluster.members.has(incident.id);
    cluster.members.set(incident.id, factsOf(incident));
    if (isNew) cluster.total++;
    if (cluster.members.size > this.settings.maxMembersKept) {
      const oldest = cluster.members.keys().next().value as string;
      cluster.members.delete(oldest);
      this.ofIncident.delete(oldest);
      this.versionOf.delete(oldest);
    }
    this.ofIncident.set(incident.id, cluster);
    cluster.lastSeen = Math.max(cluster.lastSeen, incident.openedAt);
    return this.evaluate(cluster, incident.updatedAt, isNew);
  }

  /** Event time moved on: resolved problems quiet for long enough become verified. */
  advance(watermark: number): Problem[] {
    const out: Problem[] = [];
    for (const c of this.clusters) {
      if (
        c.status === 'resolved' &&
        c.resolvedAt !== null &&
        watermark - c.resolvedAt >= this.settings.verifyAfterMs
      ) {
        c.status = 'verified';
        out.push(this.publish(c, c.resolvedAt + this.settings.verifyAfterMs, null));
      }
    }
    return out;
  }

  /**
   * After a replay (restore.ts): continue each problem's numbering after its published version,
   * and return what the replay concluded that was never published — a problem that is new, or
   * whose status, members or count differ from its last published version — as new versions.
   */
  reconcilePublished(published: readonly Problem[]): Problem[] {
    const latest = new Map<string, Problem>();
    for (const p of published) if ((latest.get(p.id)?.version ?? 0) < p.version) latest.set(p.id, p);
    const catchUp: Problem[] = [];
    for (const c of this.clusters) {
      const replayed = c.snapshot;
      if (!replayed) continue;
      const was = latest.get(c.id);
      // Versions go on from the published one, whatever numbering the replay reached: no gap.
      c.snapshot = { ...replayed, version: was?.version ?? 0 };
      if (was && sameConclusion(was, replayed)) continue;
      catchUp.push(this.publish(c, replayed.updatedAt, replayed.actor));
    }
    return catchUp;
  }

  /**
   * A person's action: the versions it makes (the problem's; when an incident is linked away
   * from another problem, that one's too), none when the lifecycle does not allow it from here.
   */
  act(command: ProblemCommand): Problem[] {
    const c = this.byId.get(command.problemId);
    if (!c || !c.snapshot) return [];
    if (!ALLOWED_FROM[command.action].includes(c.status)) return [];
    switch (command.action) {
      case 'link':
        return command.incidentId ? this.link(c, command.incidentId, command) : [];
      case 'unlink':
        return command.incidentId ? this.unlink(c, command.incidentId, command) : [];
      case 'confirm':
        c.status = 'problem';
        break;
      case 'reject':
        c.status = 'rejected';
        break;
      case 'known_error':
        if (!command.workaround) return [];
        c.status = 'known_error';
        c.workaround = command.workaround;
        break;
      case 'resolve':
        if (!command.fixChangeId) return [];
        c.status = 'resolved';
        c.fixChangeId = command.fixChangeId;
        c.resolvedAt = command.at;
        break;
    }
    return [this.publish(c, command.at, command.actor, command.comment)];
  }

  /**
   * The incident belongs to `c` from now on: moved out of the problem the clustering put it in
   * (if the book knows it; otherwise it joins `c` when it arrives). An incident opened after the
   * problem's fix reopens it, as a recurrence the clustering found would.
   */
  private link(c: Cluster, incidentId: string, command: ProblemCommand): Problem[] {
    this.pinnedTo.set(incidentId, c.id);
    this.unlinkedFrom.get(incidentId)?.delete(c.id);
    const from = this.ofIncident.get(incidentId);
    const facts = from?.members.get(incidentId) ?? this.heldOut.get(incidentId);
    this.heldOut.delete(incidentId);
    const out: Problem[] = [];
    if (from && from !== c && facts) {
      from.members.delete(incidentId);
      from.total = Math.max(0, from.total - 1);
      if (from.snapshot) out.push(this.publish(from, command.at, command.actor, command.comment));
    }
    if (facts && from !== c) {
      c.members.set(incidentId, facts);
      c.total++;
      this.ofIncident.set(incidentId, c);
      c.lastSeen = Math.max(c.lastSeen, facts.openedAt);
      if (
        (c.status === 'resolved' || c.status === 'verified') &&
        c.resolvedAt !== null &&
        facts.openedAt > c.resolvedAt
      ) {
        c.status = 'problem';
        c.reopened = true;
        c.resolvedAt = null;
      }
    }
    return [this.publish(c, command.at, command.actor, command.comment), ...out];
  }

  /**
   * The incident is not part of `c`, and the clustering will not put it back: its later versions
   * go to another cluster that fits, or to none. Recorded even when the book does not hold the
   * incident (a restore replays only its newest version, which may come after the command).
   */
  private unlink(c: Cluster, incidentId: string, command: ProblemCommand): Problem[] {
    const excluded = this.unlinkedFrom.get(incidentId) ?? new Set<string>();
    excluded.add(c.id);
    this.unlinkedFrom.set(incidentId, excluded);
    if (this.pinnedTo.get(incidentId) === c.id) this.pinnedTo.delete(incidentId);
    const facts = c.members.get(incidentId);
    if (facts) {
      c.members.delete(incidentId);
      c.total = Math.max(0, c.total - 1);
      this.ofIncident.delete(incidentId);
      this.heldOut.set(incidentId, facts);
    }
    return [this.publish(c, command.at, command.actor, command.comment)];
  }

  /** The most similar cluster above the threshold (not one in `excluded`), or a new one; none when
   * the new one would be an excluded cluster again (the same signature names the same cluster). */
  private clusterFor(signature: Signature, at: number, excluded?: ReadonlySet<string>): Cluster | undefined {
    let best: Cluster | undefined;
    let bestScore = 0;
    const templateKey = templateFeature(signature);
    const candidates =
      this.settings.similarityThreshold > 0.4 ? (this.byTemplate.get(templateKey) ?? []) : this.clusters;
    for (const c of candidates) {
      if (excluded?.has(c.id)) continue;
      const score = similarity(signature.features, c.signature.features);
      if (score > bestScore) [best, bestScore] = [c, score];
    }
    if (best && bestScore >= this.settings.similarityThreshold) return best;
    if (this.clusters.length >= this.settings.maxClusters) this.evictOldest();
    const key = [...signature.features.keys()].sort().join('|');
    const id = 'prb_' + createHash('sha256').update(key).digest('hex').slice(0, 16);
    if (this.byId.has(id)) return undefined;
    const cluster: Cluster = {
      id,
      signature,
      members: new Map(),
      total: 0,
      lastPublished: Number.NEGATIVE_INFINITY,
      status: 'cluster',
      snapshot: undefined,
      resolvedAt: null,
      workaround: null,
      fixChangeId: null,
      reopened: false,
      lastSeen: at,
    };
    this.clusters.push(cluster);
    this.byId.set(id, cluster);
    const siblings = this.byTemplate.get(templateKey) ?? [];
    siblings.push(cluster);
    this.byTemplate.set(templateKey, siblings);
    return cluster;
  }

  /** Bounded memory: forget the cluster seen longest ago that is not a problem people work on. */
  private evictOldest(): void {
    let index = -1;
    for (let i = 0; i < this.clusters.length; i++) {
      const c = this.clusters[i]!;
      if (c.status !== 'cluster' && c.status !== 'verified') continue;
      if (index < 0 || c.lastSeen < this.clusters[index]!.lastSeen) index = i;
    }
    if (index < 0) return;
    const [gone] = this.clusters.splice(index, 1);
    this.byId.delete(gone!.id);
    const key = templateFeature(gone!.signature);
    const siblings = (this.byTemplate.get(key) ?? []).filter((c) => c !== gone);
    if (siblings.length > 0) this.byTemplate.set(key, siblings);
    else this.byTemplate.delete(key);
    for (const incident of gone!.members.keys()) {
      this.ofIncident.delete(incident);
      this.versionOf.delete(incident);
    }
    this.evicted++;
  }

  private evaluate(c: Cluster, at: number, newMember: boolean): Problem[] {
    if (c.status === 'rejected') return [];
    if (c.status === 'cluster') {
      const recent = [...c.members.values()].filter((m) => m.openedAt >= at - this.settings.lookbackMs);
      const impact = recent.reduce((sum, m) => sum + impactOf(m, at), 0);
      if (recent.length < this.settings.candidateRepeats && impact < this.settings.impactThreshold) return [];
      c.status = 'candidate';
      return [this.publish(c, at, null)];
    }
    if ((c.status === 'resolved' || c.status === 'verified') && newMember) {
      c.status = 'problem';
      c.reopened = true;
      c.resolvedAt = null;
      return [this.publish(c, at, null)];
    }
    // Same status, one more repeat: a new version at most every republishMs keeps consumers
    // (and this book's own work per incident) in proportion when a problem repeats thousands of times.
    if (at - c.lastPublished < this.settings.republishMs) return [];
    return [this.publish(c, at, null)];
  }

  /** `actor` and `comment`: who made this version and what they wrote (a person's action only). */
  private publish(c: Cluster, at: number, actor: string | null, comment: string | null = null): Problem {
    const members = [...c.members.values()].sort(
      (a, b) => a.openedAt - b.openedAt || a.incidentId.localeCompare(b.incidentId),
    );
    const resolved = members.filter((m) => m.resolvedAt !== null);
    const mttr = resolved.length
      ? Math.round(resolved.reduce((s, m) => s + (m.resolvedAt! - m.openedAt), 0) / resolved.length)
      : null;
    const snapshot: Problem = {
      id: c.id,
      version: (c.snapshot?.version ?? 0) + 1,
      signature: [...c.signature.features.keys()].sort().join('|'),
      status: c.status === 'cluster' ? 'candidate' : c.status,
      title: titleOf(c),
      template: c.signature.template,
      services: [...new Set(members.flatMap((m) => m.services))].sort(),
      members: members.map((m) => m.incidentId),
      count: Math.max(c.total, members.length),
      // Every member unlinked by hand: the problem keeps the span it had.
      firstSeen: members[0]?.openedAt ?? c.snapshot?.firstSeen ?? at,
      lastSeen: members.at(-1)?.openedAt ?? c.snapshot?.lastSeen ?? at,
      mttrMs: mttr,
      impact: Math.round(members.reduce((s, m) => s + impactOf(m, at), 0) * 10) / 10,
      sharedFactors: sharedFactors(members),
      periodMs: periodicity(members.map((m) => m.openedAt)),
      workaround: c.workaround,
      fixChangeId: c.fixChangeId,
      reopened: c.reopened,
      actor,
      comment,
      updatedAt: Math.max(at, c.snapshot?.updatedAt ?? at),
      team: null,
    };
    c.snapshot = snapshot;
    c.lastPublished = at;
    return snapshot;
  }
}

function sameConclusion(a: Problem, b: Problem): boolean {
  return (
    a.status === b.status &&
    a.count === b.count &&
    a.members.length === b.members.length &&
    a.members.every((m, i) => m === b.members[i])
  );
}

function templateFeature(signature: Signature): string {
  for (const key of signature.features.keys()) if (key.startsWith('template:')) return key;
  return '';
}

function factsOf(incident: Incident): MemberFacts {
  const top = incident.suspects[0];
  return {
    incidentId: incident.id,
    openedAt: incident.openedAt,
    resolvedAt: incident.resolvedAt,
    severityWeight: SEVERITY_WEIGHT[incident.severity],
    services: incident.services.length ? incident.services : [incident.service],
    changeKind: top?.changeId ? (top.kind ?? null) : null,
    suspectService: top?.changeId ? (top.service ?? null) : null,
    component: top?.changeId ? (top.component ?? null) : null,
    labels: labelPairs(incident.labels),
  };
}

/** Incident-minutes × severity weight; an open incident counts up to `now`. */
function impactOf(m: MemberFacts, now: number): number {
  const end = m.resolvedAt ?? Math.max(now, m.openedAt);
  return ((end - m.openedAt) / 60_000) * m.severityWeight;
}

function titleOf(c: Cluster): string {
  const where = c.signature.services.join(', ');
  return `Recurring: ${c.signature.template}${where ? ` (${where})` : ''}`;
}
