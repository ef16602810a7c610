// `npm run bench:memory`: the all-in-one app's resident memory under a sustained ingest at the
// demo's rate (a day of the demo shop in a minute: 24 services × one OTLP post of 36 points per
// simulated minute, ≈ 576 posts and 20,700 points per second) over HTTP, plus a flood of invalid
// 4.9 MB posts (each refused with 400 and dead-lettered with its original bytes). RSS of the app
// process is sampled every 2 s; the figure to watch is whether it levels off.
//   --minutes N (10)  --rate POSTS_PER_S (576)  --flood-every SECONDS (5)
import { readFileSync, statSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EMBEDDED_LOG_DIR, LOG_FILE } from '#messaging';
import { allInOne, CHAOS_TOKEN } from '../../test/chaos/all-in-one.js';
import { sleep } from '../../test/chaos/driver.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '576' },
    'flood-every': { type: 'string', default: '5' },
  },
  strict: true,
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const floodEveryMs = Number(values['flood-every']) * 1000;
const SERVICES = 24;
const MB = 1024 * 1024;

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

function otlp(service: string, minute: number): string {
  const dataPoints = [];
  for (let i = 0; i < 6; i++) {
    for (let t = minute; t < minute + 60_000; t += 10_000)
      dataPoints.push({
        timeUnixNano: `${BigInt(t) * 1_000_000n}`,
        asDouble: 0.01 + ((t / 10_000) % 7) / 700,
        attributes: [{ key: 'series', value: { stringValue: `s${i}` } }],
      });
  }
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeMetrics: [{ metrics: [{ name: 'http.server.error.ratio', unit: '1', gauge: { dataPoints } }] }],
      },
    ],
  });
}

const dir = mkdtempSync(join(tmpdir(), 'aftershock-memory-'));
const app = await allInOne(dir);
await app.start();
const pid = app.proc!.child.pid!;
await sleep(5_000);
const idle = rssOf(pid);
process.stderr.write(
  `all-in-one ready, idle RSS ${(idle / MB).toFixed(0)} MB; ${minutes} min at ${rate} posts/s + a 4.9 MB invalid post every ${floodEveryMs / 1000} s\n`,
);
const started = performance.now();
const until = started + minutes * 60_000;
const post = (path: string, body: string) =>
  fetch(`${app.url}/api/v1/ingest/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CHAOS_TOKEN}`, 'content-type': 'application/json' },
    body,
  }).then((r) => r.arrayBuffer().then(() => r.status));
let sent = 0;
let accepted = 0;
let refused = 0;
let simulated = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 86_400_000;
const senders = Array.from({ length: 16 }, async () => {
  while (performance.now() < until) {
    const due = started + (sent / rate) * 1000;
    if (due > performance.now()) await sleep(due - performance.now());
    const n = sent++;
    if (n % SERVICES === 0) simulated += 60_000;
    if ((await post('otlp_json', otlp(`mem-svc${n % SERVICES}`, simulated))) === 202) accepted++;
  }
});
const invalid = '{"resourceMetrics": [' + 'x'.repeat(Math.floor(4.9 * MB)) + ']}';
const flood = (async () => {
  while (performance.now() < until) {
    if ((await post('otlp_json', invalid)) === 400) refused++;
    await sleep(floodEveryMs);
  }
})();
const samples: { t: number; rss: number }[] = [];
const sampler = (async () => {
  while (performance.now() < until) {
    samples.push({ t: (performance.now() - started) / 1000, rss: rssOf(pid) });
    await sleep(2_000);
  }
})();
let lastMinute = 0;
const progress = setInterval(() => {
  const m = Math.floor((performance.now() - started) / 60_000);
  if (m > lastMinute) {
    lastMinute = m;
    const recent = samples.slice(-30);
    const rss = Math.max(...recent.map((s) => s.rss));
    process.stderr.write(
      `  minute ${m}: ${accepted} posts accepted (${(accepted / ((performance.now() - started) / 1000)).toFixed(0)}/s), ${refused} 4.9 MB posts refused, RSS max this minute ${(rss / MB).toFixed(0)} MB\n`,
    );
  }
}, 1_000);
await Promise.all([...senders, flood, sampler]);
clearInterval(progress);
const seconds = (performance.now() - started) / 1000;
const peak = Math.max(...samples.map((s) => s.rss));
const lastMinuteRss = samples.filter((s) => s.t >= seconds - 60).map((s) => s.rss);
const logBytes = statSync(join(dir, EMBEDDED_LOG_DIR, LOG_FILE)).size;
await app.stop('SIGTERM');
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  [
    `\nall-in-one under ${minutes} min of ingest (${(accepted / seconds).toFixed(0)} posts/s accepted of ${rate}/s asked, ${((accepted * 36) / seconds).toFixed(0)} points/s) and ${refused} invalid 4.9 MB posts:`,
    `| RSS idle | peak | last minute (min–max) | embedded log on disk |`,
    `|---|---|---|---|`,
    `| ${(idle / MB).toFixed(0)} MB | ${(peak / MB).toFixed(0)} MB | ${(Math.min(...lastMinuteRss) / MB).toFixed(0)}–${(Math.max(...lastMinuteRss) / MB).toFixed(0)} MB | ${(logBytes / MB).toFixed(0)} MB |`,
    `RSS by minute (max): ${Array.from({ length: Math.ceil(seconds / 60) }, (_, m) => (Math.max(...samples.filter((s) => s.t >= m * 60 && s.t < (m + 1) * 60).map((s) => s.rss)) / MB).toFixed(0)).join(', ')} MB`,
  ].join('\n') + '\n',
);
