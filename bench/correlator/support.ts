// Shared by the correlator benchmark's scenarios (throughput.ts, history.ts, latency.ts): the
// series every service sends, event encoding and the CPU, GC and heap measures. Random draws come
// from the core's seeded generator (seededUniform), so both timed passes and every run see the
// same stream.
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Alert, Change, TelemetryBatch } from '#contracts';
import type { CorrelatorInput } from '#core';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

export const log = (line: string) => console.log(line);
export const MINUTE = 60_000;
export const STEP_MS = 10_000;

/** The six series every service sends (names the default golden-signal specs recognise). */
export const SERIES: readonly { metric: string; unit: string; level: number; jitter: number }[] = [
  { metric: 'http.server.request.duration.p50', unit: 's', level: 0.04, jitter: 0.2 },
  { metric: 'http.server.request.duration.p95', unit: 's', level: 0.12, jitter: 0.25 },
  { metric: 'http.server.request.duration.p99', unit: 's', level: 0.3, jitter: 0.3 },
  { metric: 'http.server.error.ratio', unit: '1', level: 0.002, jitter: 1 },
  { metric: 'http.server.requests', unit: '1/s', level: 50, jitter: 0.1 },
  { metric: 'process.cpu.utilization', unit: '1', level: 0.35, jitter: 0.15 },
];

export interface Encoded {
  readonly type: 'telemetry' | 'change' | 'alert';
  readonly bytes: Buffer;
  readonly points: number;
}

export function toInput(type: Encoded['type'], value: unknown): CorrelatorInput {
  switch (type) {
    case 'telemetry':
      return { type, batch: value as TelemetryBatch };
    case 'change':
      return { type, change: value as Change };
    case 'alert':
      return { type, alert: value as Alert };
  }
}

/** CPU time of this thread (not of GC or compiler helper threads), in ms. */
export function cpuMs(): number {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * A full GC, twice, with pauses: V8 frees ArrayBuffer backing stores on a background thread
 * after a GC, and `arrayBuffers` only drops once that sweep is done.
 */
export async function settledGc(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** JS heap plus ArrayBuffer backing stores (the verifier's series buffers are typed arrays, kept off-heap). */
export function heapBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

let sink = 0;
/** The baseline's dispatch target: touches the event so the decode is not optimised away. */
export function noop(input: CorrelatorInput): void {
  sink += input.type.length;
}

/** What the no-op dispatches added up to (printed only if impossible, so the work stays live). */
export function sunk(): number {
  return sink;
}
