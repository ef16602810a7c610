#!/usr/bin/env node
// Runs one test tier (or all) with node's test runner on the compiled output, prints the spec
// report, writes JUnit XML to reports/, and closes with `N passed, N failed, N skipped` as the
// runner itself counted them.
//   unit: *.spec.js next to the code (no broker, no server), the evaluations' own included
//   int:  *.int-spec.js next to the code (real Kafka broker and ClickHouse engine)
//   e2e:  test/**/*.e2e-spec.js (whole apps)
import { spawn } from 'node:child_process';
import { mkdirSync, globSync } from 'node:fs';

const tiers = {
  unit: ['dist/libs/**/*.spec.js', 'dist/apps/**/*.spec.js', 'dist/eval/**/*.spec.js'],
  int: ['dist/libs/**/*.int-spec.js', 'dist/apps/**/*.int-spec.js'],
  e2e: ['dist/test/**/*.e2e-spec.js'],
};
const wanted = process.argv[2] ?? 'all';
const names = wanted === 'all' ? Object.keys(tiers) : [wanted];
if (!names.every((n) => n in tiers)) {
  console.error(`unknown tier "${wanted}"; use one of: all, ${Object.keys(tiers).join(', ')}`);
  process.exit(2);
}
// The globs are disjoint: `x.int-spec.js` does not end in `.spec.js`.
const unique = [...new Set(names.flatMap((n) => tiers[n].flatMap((g) => globSync(g))))].sort();
if (unique.length === 0) {
  console.error(`no compiled tests found for tier "${wanted}"; run \`npm run build\` first`);
  process.exit(1);
}
mkdirSync('reports', { recursive: true });
const junit = `reports/junit-${wanted}.xml`;
const extra = process.env.TEST_ARGS ? process.env.TEST_ARGS.split(' ') : [];
const child = spawn(
  process.execPath,
  [
    '--enable-source-maps',
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=junit',
    `--test-reporter-destination=${junit}`,
    ...extra,
    ...unique,
  ],
  { stdio: ['inherit', 'pipe', 'inherit'] },
);
// The spec report goes through to our stdout; the closing line is the runner's own totals
// (`ℹ tests … ℹ pass … ℹ skipped …`, the last ones printed), so the two always agree.
// Cancelled counts as failed, todo as skipped.
const totals = {};
let partial = '';
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const lines = (partial + chunk).split('\n');
  partial = lines.pop();
  for (const line of lines) {
    const m = /^ℹ (tests|pass|fail|cancelled|skipped|todo) (\d+)$/.exec(line);
    if (m) totals[m[1]] = Number(m[2]);
  }
});
const status = await new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
if (totals.tests === undefined) {
  console.error('the test runner printed no totals');
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
const failed = (totals.fail ?? 0) + (totals.cancelled ?? 0);
const skipped = (totals.skipped ?? 0) + (totals.todo ?? 0);
console.log(`${totals.pass ?? 0} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status);
