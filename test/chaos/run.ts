// `npm run test:chaos`: the long form of the fault-injection suite on the all-in-one app. One
// run, many faults at random acknowledgement counts (SIGKILL and SIGTERM, each followed by a
// restart on the same data directory), while writers keep sending; then the books per kind of
// event and per fault. Exits 1 when anything acknowledged was lost or stored twice.
//   --kills N (20)  --sigterms N (5)  --services N (24)  --writers N (6)
import { parseArgs } from 'node:util';
import { describeVerdict } from './verify.js';
import { runChaos, type Fault } from './scenario.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '20' },
    sigterms: { type: 'string', default: '5' },
    services: { type: 'string', default: '24' },
    writers: { type: 'string', default: '6' },
  },
  strict: true,
});
const count = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not ${values[name]}`);
  return n;
};
const faults: Fault[] = [
  ...Array.from({ length: count('kills') }, (): Fault => 'SIGKILL'),
  ...Array.from({ length: count('sigterms') }, (): Fault => 'SIGTERM'),
].sort(() => Math.random() - 0.5);
process.stderr.write(
  `chaos: ${faults.length} faults on the all-in-one app, ${count('services')} services, ${count('writers')} writers\n`,
);
let seen = 0;
const run = await runChaos({
  faults,
  services: count('services'),
  writers: count('writers'),
  onFault: (f) =>
    process.stderr.write(
      `  fault ${++seen}/${faults.length}: ${f.fault} after ${f.atAcked} acks → ready again in ${(f.recoverMs / 1000).toFixed(1)} s\n`,
    ),
});
const recover = (fault: Fault) => {
  const ms = run.faults.filter((f) => f.fault === fault).map((f) => f.recoverMs);
  if (ms.length === 0) return 'n/a';
  ms.sort((a, b) => a - b);
  return `median ${(ms[Math.floor(ms.length / 2)]! / 1000).toFixed(1)} s, max ${(ms.at(-1)! / 1000).toFixed(1)} s`;
};
process.stdout.write(
  [
    `\n${run.items} items sent in ${run.seconds.toFixed(0)} s through ${run.faults.length} faults`,
    `time to ready after SIGKILL: ${recover('SIGKILL')}; after SIGTERM: ${recover('SIGTERM')}`,
    describeVerdict(run.verdict),
    run.verdict.ok ? 'chaos: nothing acknowledged lost, nothing stored twice' : 'chaos: FAILED',
  ].join('\n') + '\n',
);
process.exitCode = run.verdict.ok ? 0 : 1;
