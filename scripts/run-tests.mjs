#!/usr/bin/env node
// Runs one test tier (or all) with node's test runner on the compiled output, prints the spec
// report, writes JUnit XML to reports/, and closes with `N passed, N failed, N skipped`.
//   unit: *.spec.js next to the code (no broker, no server)
//   int:  *.int-spec.js next to the code (real Kafka broker and ClickHouse engine)
//   e2e:  test/**/*.e2e-spec.js (whole apps)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, globSync } from 'node:fs';

const tiers = {
  unit: ['dist/libs/**/*.spec.js', 'dist/apps/**/*.spec.js'],
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
const run = spawnSync(
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
  { stdio: 'inherit' },
);
const xml = readFileSync(junit, 'utf8');
// Per test case: skipped (incl. todo, which may carry its known failure) wins over failure.
const cases = xml.match(/<testcase\b[^>]*?(\/>|>[\s\S]*?<\/testcase>)/g) ?? [];
const skipped = cases.filter((c) => c.includes('<skipped')).length;
const failed = cases.filter((c) => !c.includes('<skipped') && c.includes('<failure')).length;
console.log(`${cases.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
process.exit(run.status ?? 1);
