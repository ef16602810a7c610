// The books of a chaos run: per kind of event, how many were acknowledged, how many of them are
// stored, how many are stored more than once, how many acknowledged ones are missing; incidents
// whose versions have a gap or a repeat, alerts that ended up in two incidents, acknowledged
// changes without a final verdict.
import type { Ledger } from './driver.js';
import type { StoreCounts } from './inspect-store.js';
import type { ItemKind, WorkItem } from './workload.js';

export interface KindTally {
  acked: number;
  unknown: number;
  stored: number;
  duplicated: number;
  lost: number;
}

export interface ChaosVerdict {
  readonly kinds: Record<ItemKind, KindTally>;
  readonly incidents: number;
  readonly incidentVersionProblems: string[];
  readonly alertsInSeveralIncidents: string[];
  readonly changesWithoutFinalVerdict: string[];
  /** Alerts after a bad deploy whose incident does not name that deploy (state forgotten across a restart). */
  readonly alertsNotAttributed: string[];
  /** Everything held: nothing acknowledged lost, nothing stored twice, versions contiguous, verdicts there. */
  readonly ok: boolean;
  /** Where a failed run's data directory was kept for a post-mortem. */
  readonly keptAt?: string;
}

export function verify(ledger: Ledger, counts: StoreCounts): ChaosVerdict {
  const kinds = {
    change: tally(),
    alert: tally(),
    telemetry: tally(),
  } satisfies Record<ItemKind, KindTally>;
  const changesWithoutFinalVerdict: string[] = [];
  for (const [item, outcome] of ledger.outcomes) {
    const t = kinds[item.kind];
    const copies = storedCopies(item, counts);
    const units = item.kind === 'telemetry' ? item.points!.length : 1;
    if (outcome === 'acked') t.acked += units;
    else t.unknown += units;
    for (const n of copies) {
      if (n > 0) t.stored++;
      if (n > 1) t.duplicated++;
      if (n === 0 && outcome === 'acked') t.lost++;
    }
    if (item.kind === 'change' && outcome === 'acked' && !counts.finalVerdicts[item.change!])
      changesWithoutFinalVerdict.push(item.change!);
  }
  const incidentVersionProblems = Object.entries(counts.incidentVersions).flatMap(([id, versions]) => {
    const sorted = [...versions].sort((a, b) => a - b);
    const contiguous = sorted.every((v, i) => v === i + 1);
    return contiguous ? [] : [`${id}: versions ${sorted.join(',')}`];
  });
  const owners = new Map<string, string[]>();
  for (const [id, alerts] of Object.entries(counts.incidentAlerts))
    for (const a of alerts) owners.set(a, [...(owners.get(a) ?? []), id]);
  const alertsInSeveralIncidents = [...owners]
    .filter(([, ids]) => ids.length > 1)
    .map(([a, ids]) => `${a}: ${ids}`);
  const deployOf = new Map(
    [...ledger.outcomes]
      .filter(([i, o]) => i.kind === 'change' && o === 'acked')
      .map(([i]) => [i.service, i.change!]),
  );
  const alertsNotAttributed = [...ledger.outcomes]
    .filter(([i, o]) => i.kind === 'alert' && o === 'acked' && deployOf.has(i.service))
    .filter(
      ([i]) =>
        !(owners.get(i.fingerprint!) ?? []).some((id) => counts.topSuspects[id] === deployOf.get(i.service)),
    )
    .map(([i]) => i.fingerprint!);
  const ok =
    Object.values(kinds).every((t) => t.lost === 0 && t.duplicated === 0) &&
    incidentVersionProblems.length === 0 &&
    alertsInSeveralIncidents.length === 0 &&
    changesWithoutFinalVerdict.length === 0 &&
    alertsNotAttributed.length === 0;
  return {
    kinds,
    incidents: Object.keys(counts.incidentVersions).length,
    incidentVersionProblems,
    alertsInSeveralIncidents,
    changesWithoutFinalVerdict,
    alertsNotAttributed,
    ok,
  };
}

function storedCopies(item: WorkItem, counts: StoreCounts): number[] {
  switch (item.kind) {
    case 'change':
      return [counts.changes[item.change!] ?? 0];
    case 'alert':
      return [counts.alerts[item.fingerprint!] ?? 0];
    case 'telemetry':
      return item.points!.map((t) => counts.points[`${item.service} ${t}`] ?? 0);
  }
}

function tally(): KindTally {
  return { acked: 0, unknown: 0, stored: 0, duplicated: 0, lost: 0 };
}

export function describeVerdict(v: ChaosVerdict): string {
  const rows = Object.entries(v.kinds).map(
    ([kind, t]) =>
      `${kind.padEnd(10)} acked ${t.acked}, unknown ${t.unknown}, stored ${t.stored}, duplicated ${t.duplicated}, lost ${t.lost}`,
  );
  return [
    ...rows,
    `incidents ${v.incidents}; version gaps/repeats: ${v.incidentVersionProblems.length}; alerts in several incidents: ${v.alertsInSeveralIncidents.length}; changes without a final verdict: ${v.changesWithoutFinalVerdict.length}; alerts whose incident does not name their deploy: ${v.alertsNotAttributed.length}`,
    ...v.incidentVersionProblems.slice(0, 5),
    ...v.alertsInSeveralIncidents.slice(0, 5),
    ...v.changesWithoutFinalVerdict.slice(0, 5).map((c) => `no final verdict: ${c}`),
    ...v.alertsNotAttributed.slice(0, 5).map((a) => `not attributed to its deploy: ${a}`),
    ...(v.keptAt ? [`data directory kept at ${v.keptAt}`] : []),
  ].join('\n');
}
