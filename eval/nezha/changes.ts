// The changes an evaluation day replays: every injected fault becomes a change on its service at
// its injection time, and each fault gets decoy changes (seeded) on other services within ±10
// minutes of it, on services with no injection within ±15 minutes of the decoy. Every change's
// kind — injected or decoy — is drawn from the same distribution, so the kind says nothing about
// which changes are faults; ids are neutral hashes (attribution breaks exact ties by id).
import { createHash } from 'node:crypto';
import type { Change, ChangeKind } from '#contracts';
import { completeChange, SeededRandom } from '#core';
import type { Fault, NezhaDay } from './nezha-data.js';

const MINUTE = 60_000;
/** Decoys lie within ±this of their fault. */
export const DECOY_SPREAD_MS = 10 * MINUTE;
/** …on services with no injection within ±this of the decoy. */
const DECOY_EXCLUSION_MS = 15 * MINUTE;
/** Kinds as a fleet's change stream has them: half deploys. */
const KINDS: readonly ChangeKind[] = ['deployment', 'deployment', 'config', 'infrastructure'];

export interface ChangeRecord {
  readonly change: Change;
  /** The fault this change injects, or (decoys) the fault it was placed near. */
  readonly fault: Fault;
  readonly decoy: boolean;
}

/** Neutral ids: attribute() breaks exact ties by id, which must not favour either kind of change. */
function changeId(service: string, at: number, salt: string): string {
  return 'chg_' + createHash('sha256').update(`${service}\n${at}\n${salt}`).digest('hex').slice(0, 12);
}

function changeOf(service: string, at: number, kind: ChangeKind, salt: string): Change {
  return completeChange({
    id: changeId(service, at, salt),
    source: 'nezha-eval',
    kind,
    service,
    version: kind === 'deployment' ? `build-${changeId(service, at, `v${salt}`).slice(4, 10)}` : null,
    startedAt: at,
    finishedAt: at,
  });
}

export function buildChanges(day: NezhaDay, seed: number, decoysPerFault: number): ChangeRecord[] {
  const rng = new SeededRandom(seed ^ hashOf(day.day));
  const records: ChangeRecord[] = [];
  for (const fault of day.faults) {
    const kind = KINDS[rng.int(KINDS.length)]!;
    records.push({ change: changeOf(fault.service, fault.at, kind, fault.id), fault, decoy: false });
    const used = new Set<string>();
    for (let k = 0; k < decoysPerFault; k++) {
      const at = Math.round(fault.at + (2 * rng.next() - 1) * DECOY_SPREAD_MS);
      const decoyKind = KINDS[rng.int(KINDS.length)]!;
      const eligible = day.services.filter(
        (s) =>
          !used.has(s) &&
          !day.faults.some((f) => f.service === s && Math.abs(f.at - at) <= DECOY_EXCLUSION_MS),
      );
      if (eligible.length === 0) continue;
      const service = eligible[rng.int(eligible.length)]!;
      used.add(service);
      records.push({
        change: changeOf(service, at, decoyKind, `${fault.id}/decoy${k + 1}`),
        fault,
        decoy: true,
      });
    }
  }
  return records.sort((a, b) => a.change.startedAt - b.change.startedAt);
}

function hashOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
