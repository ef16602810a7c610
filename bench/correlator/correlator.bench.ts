// `npm run bench:correlator`, i.e. node dist/bench/correlator/correlator.bench.js
//   [--core-only] [--broker-only] [--services 1000,10000] [--minutes N] [--history N] [--alerts N]
//   [--rounds N]
// Runs the correlator's benchmark scenarios, one file each:
//   throughput.ts — core throughput and memory per series on a telemetry-heavy stream (--services,
//                   --minutes; skipped by --broker-only or --services 0);
//   history.ts    — per-event cost as resolved incidents accumulate (--history N, 0 skips it);
//   latency.ts    — alert-to-incident latency through the real broker (--alerts, --rounds;
//                   skipped by --core-only).
// Goals (issue 5): ≥ 500,000 telemetry points/s per core in the core; p99 alert-to-incident
// under 1 s on the local broker.
import { mb, PeakRss } from '../support/measure.js';
import { runHistory } from './history.js';
import { relay, runLatency } from './latency.js';
import { log, sunk } from './support.js';
import { runThroughput } from './throughput.js';

// kafkajs 2.2 schedules a negative timeout under Node 24 (harmless, TimeoutNegativeWarning): keep the output readable.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'TimeoutNegativeWarning') console.warn(w);
});

interface Args {
  readonly core: boolean;
  readonly broker: boolean;
  readonly services: number[];
  readonly minutes: number;
  readonly alerts: number;
  readonly rounds: number;
  /** Resolved incidents to accumulate in the history run (0: skip it). */
  readonly history: number;
}

function args(argv: readonly string[]): Args {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    core: !argv.includes('--broker-only'),
    broker: !argv.includes('--core-only'),
    services: (value('services') ?? '1000,10000')
      .split(',')
      .map(Number)
      .filter((n) => n > 0), // --services 0: only the history run
    minutes: Number(value('minutes') ?? 48),
    alerts: Number(value('alerts') ?? 250),
    rounds: Number(value('rounds') ?? 2),
    history: Number(value('history') ?? 10_000),
  };
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  const peak = new PeakRss();
  const started = performance.now();
  if (a.core && a.services.length > 0) await runThroughput(a.services, a.minutes);
  if (a.core && a.history > 0) await runHistory(a.history);
  if (a.broker) await runLatency(a.alerts, a.rounds);
  log('');
  log(
    `peak RSS of this process ${mb(peak.stop())}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
  );
  if (sunk() < 0) log(String(sunk()));
}

const argv = process.argv.slice(2);
if (argv[0] === '--relay') await relay(argv[1]!, argv[2]!, argv[3]!);
else await main();
process.exit(0);
