// `npm run bench:problems`: the template miner against a tokenise-only pass over the same lines
// (the ceiling) and beside drain3 (miner and CLI), and problem clustering over one million
// incidents: incidents/s and the memory the clusters hold.
import { ProblemBook, seededUniform, TemplateMiner } from '#core';
import type { Incident, Severity } from '#contracts';
import { anIncident } from '#testing';
import { mb, PeakRss, rate, table } from '../support/measure.js';
import { compareWithDrain3 } from './drain3.js';
import { benchTemplateMiner } from './template-miner.bench.js';

const log = (line: string) => console.log(line);

/** A realistic incident stream: 300 failure kinds over 120 services, with varying numbers, hosts and ids. */
function* incidents(count: number): Generator<Incident> {
  const severities: Severity[] = ['critical', 'high', 'warning', 'info'];
  const verbs = ['timeout', 'exhausted', 'failed', 'refused', 'crashed', 'degraded'];
  const things = [
    'connection pool',
    'disk',
    'certificate',
    'queue',
    'batch job',
    'cache',
    'replica',
    'lease',
    'worker',
    'quota',
  ];
  const random = seededUniform(1);
  const start = Date.UTC(2026, 9, 1);
  for (let i = 0; i < count; i++) {
    const kind = Math.floor(random() * 300);
    const service = `svc-${kind % 120}`;
    const thing = things[kind % things.length]!;
    const verb = verbs[Math.floor(kind / things.length) % verbs.length]!;
    const at = start + i * 2_000;
    yield anIncident({
      id: `inc-${i}`,
      title: `${thing} ${verb} on ${service}`,
      summary: `${thing} ${verb} after ${Math.floor(random() * 900)} ms on host ${service}-${Math.floor(random() * 40)}.eu-1.internal (request ${Math.floor(random() * 1e9).toString(16)})`,
      service,
      services: [service],
      severity: severities[kind % 4]!,
      openedAt: at,
      updatedAt: at,
      resolvedAt: at + 600_000,
      members: [{ type: 'alert', ref: `fp-${kind}`, service, name: `Alert${kind % 57}`, at }],
      suspects: [],
    });
  }
}

const mined = await benchTemplateMiner(log);
compareWithDrain3(log, mined.lines, mined.steady);
log('');
log('# problem clustering: 1,000,000 incidents');
const peak = new PeakRss();
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const book = new ProblemBook(new TemplateMiner());
const started = performance.now();
let events = 0;
let n = 0;
for (const incident of incidents(1_000_000)) {
  events += book.onIncident(incident).length;
  if (++n % 200_000 === 0) log(`  ${n.toLocaleString('en')} incidents, ${book.stats().clusters} clusters`);
}
const seconds = (performance.now() - started) / 1000;
global.gc?.();
const held = process.memoryUsage().heapUsed - heapBefore;
const stats = book.stats();
table(
  log,
  [
    'incidents',
    'incidents/s',
    'clusters',
    'candidates',
    'problem events',
    'heap held',
    'per incident',
    'peak RSS',
  ],
  [
    [
      n.toLocaleString('en'),
      rate(n / seconds),
      String(stats.clusters),
      String(book.problems().length),
      events.toLocaleString('en'),
      mb(held),
      `${Math.round(held / n)} B`,
      mb(peak.stop()),
    ],
  ],
);
