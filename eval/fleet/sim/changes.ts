// The change stream of a generated system: deploys, config and infrastructure changes every few
// minutes on random services, about a quarter of them bad; release trains (more changes on the
// same service minutes apart), concurrent deploys (other services within a minute), rollbacks
// of bad changes (which end their effect). Every change may have a short warm-up (a restart's
// CPU and latency blip), bad or not. A bad change is one of:
// - latency: the service's own work per request × 1.15–8;
// - errors: its own error ratio + 0.1–20%;
// - cpu: its CPU × 1.3–5, and its latency up with the contention;
// - wrong-results: it answers, but 0.5–30% of its answers are wrong and its callers fail those
//   requests: visible only in its callers' errors;
// - leak: its memory grows 1–15% of its base a minute, and its latency with it once memory has
//   grown by half.
import type { Change, ChangeKind } from '#contracts';
import { completeChange } from '#core';
import { Rng } from './random.js';
import type { SimSystem } from './topology.js';

const MINUTE = 60_000;

export type FaultKind = 'latency' | 'errors' | 'cpu' | 'wrong-results' | 'leak';
export const FAULT_KINDS: readonly FaultKind[] = ['latency', 'errors', 'cpu', 'wrong-results', 'leak'];

export interface Fault {
  readonly kind: FaultKind;
  /** latency/cpu: a multiplier; errors/wrong-results: an added ratio; leak: growth per minute (share of base). */
  readonly size: number;
}

export interface Warmup {
  readonly ms: number;
  readonly latency: number;
  readonly cpu: number;
}

export interface SimChange {
  readonly change: Change;
  readonly fault: Fault | null;
  readonly warmup: Warmup | null;
  /** When its effect ends: the start of its rollback (Infinity: it stays). */
  readonly effectEnd: number;
  /** How it came about, for the report. */
  readonly origin: 'single' | 'train' | 'concurrent' | 'rollback';
}

export interface StreamWindow {
  readonly from: number;
  readonly to: number;
}

const KINDS: readonly ChangeKind[] = ['deployment', 'deployment', 'deployment', 'config', 'infrastructure'];

export function generateChanges(system: SimSystem, window: StreamWindow, rng: Rng): SimChange[] {
  // A change every 2–8 minutes somewhere in the system (180–720 a day): a busy fleet.
  const gap = rng.uniform(2, 8) * MINUTE;
  const out: SimChange[] = [];
  let seq = 0;
  const make = (
    service: string,
    at: number,
    fault: Fault | null,
    origin: SimChange['origin'],
    rollbackOf: string | null = null,
  ): { change: Change; fault: Fault | null; warmup: Warmup | null; origin: SimChange['origin'] } => {
    const kind = rollbackOf ? 'rollback' : rng.pick(KINDS);
    const rollout = rng.chance(0.5) ? 0 : rng.uniform(10_000, 2 * MINUTE);
    const id = `${system.name}-c${String(++seq).padStart(3, '0')}`;
    return {
      change: completeChange({
        id,
        source: 'fleet-sim',
        kind,
        service,
        version: kind === 'deployment' || kind === 'rollback' ? `v${seq}` : null,
        startedAt: Math.round(at),
        finishedAt: Math.round(at + rollout),
        rollbackOf,
      }),
      fault,
      warmup: rng.chance(0.3)
        ? { ms: rng.uniform(20_000, MINUTE), latency: rng.uniform(1.1, 1.4), cpu: rng.uniform(1.2, 1.8) }
        : null,
      origin,
    };
  };
  const drafts: {
    change: Change;
    fault: Fault | null;
    warmup: Warmup | null;
    origin: SimChange['origin'];
  }[] = [];
  for (let t = window.from + rng.uniform(0, gap); t < window.to; t += -Math.log(1 - rng.next()) * gap) {
    const service = rng.pick(system.services).name;
    const fault = rng.chance(0.25) ? drawFault(rng) : null;
    const first = make(service, t, fault, 'single');
    drafts.push(first);
    if (rng.chance(0.2)) {
      const others = system.services.filter((s) => s.name !== service);
      for (let k = rng.intBetween(1, 2); k > 0; k--)
        drafts.push(make(rng.pick(others).name, t + rng.uniform(-MINUTE, MINUTE), null, 'concurrent'));
    }
    if (rng.chance(0.15)) {
      let at = t;
      for (let k = rng.intBetween(1, 3); k > 0; k--) {
        at += rng.uniform(3, 10) * MINUTE;
        if (at < window.to) drafts.push(make(service, at, null, 'train'));
      }
    }
    if (fault && rng.chance(0.6)) {
      const at = t + rng.uniform(8, 25) * MINUTE;
      if (at < window.to) drafts.push(make(service, at, null, 'rollback', first.change.id));
    }
  }
  drafts.sort((a, b) => a.change.startedAt - b.change.startedAt || a.change.id.localeCompare(b.change.id));
  const rollbackStart = new Map(
    drafts.filter((d) => d.change.rollbackOf).map((d) => [d.change.rollbackOf!, d.change.startedAt]),
  );
  for (const d of drafts) out.push({ ...d, effectEnd: rollbackStart.get(d.change.id) ?? Infinity });
  return out;
}

function drawFault(rng: Rng): Fault {
  const kind = FAULT_KINDS[rng.weighted([0.3, 0.25, 0.2, 0.15, 0.1])]!;
  switch (kind) {
    case 'latency':
      return { kind, size: rng.logUniform(1.15, 8) };
    case 'errors':
      return { kind, size: rng.logUniform(0.001, 0.2) };
    case 'cpu':
      return { kind, size: rng.logUniform(1.3, 5) };
    case 'wrong-results':
      return { kind, size: rng.logUniform(0.005, 0.3) };
    case 'leak':
      return { kind, size: rng.logUniform(0.01, 0.15) };
  }
}
