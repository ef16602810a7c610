// The eval command on a small generated Nezha-layout data set: two days of a frontend calling a
// cart service, faults on the cart that slow it (and so the frontend). What a user running it on
// their own export relies on: the JSON figures it promises, optional files that only take signals
// away, and options it does not know refused.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectPath } from '#config';

const MINUTE = 60_000;
const PODS = { frontend: 'frontend-5d8f7c9b4-abcde', cartservice: 'cartservice-6c7d8e9f1-fghij' } as const;

/** A seeded uniform generator (the data must be the same in every run). */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

interface DayOptions {
  readonly frontView: boolean;
  readonly graph: boolean;
  readonly edges: boolean;
}

/** One day: 4 hours of minute rows, three `exception` faults on the cart an hour apart. */
function writeDay(root: string, day: string, seed: number, options: DayOptions): void {
  const dir = join(root, day);
  const metric = join(dir, 'metric');
  mkdirSync(metric, { recursive: true });
  const start = Date.parse(`${day}T03:00:00Z`);
  const faults = [60, 120, 180].map((m) => start + m * MINUTE + 17_000);
  writeFileSync(
    join(dir, `${day}-fault_list.json`),
    JSON.stringify({
      '04': faults.map((at) => ({
        inject_time: new Date(at).toISOString().slice(0, 19).replace('T', ' '),
        inject_timestamp: String(at / 1000),
        inject_pod: PODS.cartservice,
        inject_type: 'exception',
      })),
    }),
  );
  const random = uniform(seed);
  const slow = (at: number) => faults.some((f) => at >= f && at < f + 8 * MINUTE);
  const time = (at: number) => `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')}.5 +0000 UTC`;
  const header =
    'Time,TimeStamp,PodName,CpuUsage(m),PodServerLatencyP90(s),PodClientLatencyP90(s),PodWorkload(Ops)';
  const rows: Record<keyof typeof PODS, string[]> = { frontend: [header], cartservice: [header] };
  const front = ['Time,TimeStamp,SuccessRate(%),LatencyP50(s),LatencyP90(s),LatencyP95(s),LatencyP99(s)'];
  const edgeRows = {
    source: ['Time,TimeStamp,frontend_cartservice'],
    destination: ['Time,TimeStamp,frontend_cartservice'],
  };
  for (let at = start; at < start + 240 * MINUTE; at += MINUTE) {
    const noise = () => 1 + 0.1 * (random() - 0.5);
    const cart = 0.005 * noise() * (slow(at) ? 12 : 1);
    const frontend = 0.02 * noise() + cart;
    const cells = (pod: keyof typeof PODS, cpu: number, server: number, client: number) =>
      [time(at), at / 1000, PODS[pod], cpu * noise(), server, client, 9 * noise()].join(',');
    rows.frontend.push(cells('frontend', 5, frontend, cart * 1.1));
    rows.cartservice.push(cells('cartservice', 3, cart, 0));
    front.push(
      [time(at), at / 1000, 100, frontend * 0.8, frontend, frontend * 1.05, frontend * 1.3].join(','),
    );
    edgeRows.source.push([time(at), at / 1000, cart * 1.1].join(','));
    edgeRows.destination.push([time(at), at / 1000, cart].join(','));
  }
  for (const pod of ['frontend', 'cartservice'] as const)
    writeFileSync(join(metric, `${PODS[pod]}_metric.csv`), rows[pod].join('\n'));
  if (options.frontView) writeFileSync(join(metric, 'front_service.csv'), front.join('\n'));
  if (options.graph) writeFileSync(join(metric, 'dependency.csv'), 'Source,Target\nfrontend,cartservice\n');
  if (options.edges) {
    writeFileSync(join(metric, 'source_50.csv'), edgeRows.source.join('\n'));
    writeFileSync(join(metric, 'destination_50.csv'), edgeRows.destination.join('\n'));
  }
}

const run = (...args: string[]) =>
  spawnSync(process.execPath, [projectPath('dist', 'eval', 'nezha', 'run.js'), ...args], {
    encoding: 'utf8',
  });

const KEYS = [
  'data',
  'front',
  'graph',
  'faults',
  'detected',
  'codeLevelFaults',
  'codeLevelDetected',
  'top1',
  'top3',
  'medianDelayMin',
  'cleanDecoys',
  'cleanDecoysFailing',
];

describe('eval:nezha on a Nezha-layout folder of its own', () => {
  let full: string;
  let bare: string;
  before(() => {
    full = mkdtempSync(join(tmpdir(), 'nezha-full-'));
    bare = mkdtempSync(join(tmpdir(), 'nezha-bare-'));
    for (const [i, day] of ['2024-03-04', '2024-03-05'].entries()) {
      writeDay(full, day, i + 1, { frontView: true, graph: true, edges: true });
      writeDay(bare, day, i + 1, { frontView: false, graph: false, edges: false });
    }
  });
  after(() => {
    rmSync(full, { recursive: true, force: true });
    rmSync(bare, { recursive: true, force: true });
  });

  it('--json prints the promised figures, and the slowed cart is caught and named', () => {
    const result = run('--data', full, '--json');
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), KEYS);
    assert.equal(json['front'], 'frontend');
    assert.equal(json['faults'], 6);
    assert.equal(json['codeLevelFaults'], 6);
    assert.ok((json['detected'] as number) >= 4, `detected ${String(json['detected'])} of 6`);
    assert.ok((json['top1'] as number) >= 0.5, `top-1 ${String(json['top1'])}`);
    assert.match(String(json['graph']), /dependency\.csv/);
  });

  it('runs without the optional files (user-facing view, graph, edges): fewer signals, no crash', () => {
    const result = run('--data', bare, '--json');
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(json['graph'], 'none');
    assert.equal(json['faults'], 6);
    assert.match(result.stderr, /no front_service\.csv/);
    assert.match(result.stderr, /no source_50\.csv/);
  });

  it('takes the entry service and the graph as parameters, and watches every service on request', () => {
    const noGraph = run('--data', full, '--graph', 'none', '--front', 'frontend', '--json');
    assert.equal(noGraph.status, 0, noGraph.stderr);
    assert.equal((JSON.parse(noGraph.stdout) as Record<string, unknown>)['graph'], 'none');
    const all = run('--data', full, '--watch', 'all', '--explain');
    assert.equal(all.status, 0, all.stderr);
    assert.match(all.stdout, /on every service's user-facing series/);
    assert.match(
      all.stdout,
      /symptom: (alert|anomaly) on cartservice /,
      'the cart raises symptoms of its own',
    );
    const engine = run('--data', bare, '--symptoms', 'verification', '--explain');
    assert.equal(engine.status, 0, engine.stderr);
    assert.match(
      engine.stdout,
      /symptom: verification on cartservice /,
      "a failed verification is the engine's own symptom",
    );
  });

  it('refuses what it does not know: options, watch modes, entry services', () => {
    const unknown = run('--data', full, '--bogus');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown option --bogus/);
    const watch = run('--data', full, '--watch', 'some');
    assert.equal(watch.status, 2);
    assert.match(watch.stderr, /--watch must be front or all, got some/);
    const front = run('--data', full, '--front', 'gateway', '--json');
    assert.equal(front.status, 2);
    assert.match(front.stderr, /no service gateway; --front one of cartservice, frontend/);
  });
});
