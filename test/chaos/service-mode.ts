// `npm run test:chaos:cluster`: the fault-injection suite in service mode, on a three-broker KRaft
// cluster from the Maven jars (replication 3, min.insync.replicas 2, acks=all, idempotent
// producers). One ingest (HTTP in), three correlators, three problems instances (one owner, two
// standbys), one recorder into chDB (embedded ClickHouse serves one process, so a single recorder:
// three recorders need a ClickHouse server). While writers send the workload, faults strike one
// after another: a correlator paused (SIGSTOP) past its session timeout, a broker SIGKILLed and
// revived, a correlator SIGKILLed and replaced, the problems owner SIGKILLed, a correlator added
// and another removed, the recorder SIGKILLed and restarted. The books are kept per fault window:
// what was acknowledged between one fault and the next, and whether it is stored once.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../libs/testing/src/free-port.js';
import { startProcess, type AppProcess } from '../support/app-process.js';
import { storeCounts, whenServing } from './all-in-one.js';
import { drive, newLedger, sleep, type Ledger } from './driver.js';
import { kafkaLag } from './kafka-lag.js';
import { describeVerdict, verify } from './verify.js';
import { chaosWorkload, type WorkItem } from './workload.js';

const TOKEN = 'chaos-ingest-token-0123456789';
const script = 'deploy/kafka/kafka-local.sh';

interface Fault {
  readonly name: string;
  run(cluster: Cluster): Promise<void>;
}

class Cluster {
  private counter = 0;
  /** Every process started, by role, for the logs kept after the run (CHAOS_LOG_DIR). */
  readonly started: { role: string; app: AppProcess }[] = [];
  readonly correlators: AppProcess[] = [];
  readonly problems: AppProcess[] = [];
  recorder!: AppProcess;
  ingest!: AppProcess;
  ingestUrl = '';

  constructor(
    readonly brokers: string,
    readonly root: string,
    readonly tag: string,
  ) {}

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      KAFKA_BROKERS: this.brokers,
      KAFKA_TOPIC_REPLICATION: '3',
      KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '2',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      RECORDER_GROUP_ID: `${this.tag}-recorder`,
      PROBLEMS_GROUP_ID: `${this.tag}-problems`,
      CORRELATOR_GROUP_ID: `${this.tag}-correlator`,
      CORRELATOR_IDLE_TIMEOUT: '2s',
      ...extra,
    };
  }

  /** A data directory with the schema applied (each chDB process needs its own). */
  dataDir(): string {
    const dir = join(this.root, `data-${++this.counter}`);
    execFileSync(process.execPath, ['bin/aftershock.js', 'migrate', '--data-dir', dir], { stdio: 'ignore' });
    return dir;
  }

  async startIngest(port: number): Promise<void> {
    this.ingest = startProcess('dist/apps/ingest/src/main.js', [], {
      ...this.env({ HTTP_PORT: String(port), AFTERSHOCK_TOKENS: `ingest:${TOKEN}` }),
    });
    this.started.push({ role: 'ingest', app: this.ingest });
    this.ingestUrl = `http://127.0.0.1:${port}`;
    await whenServing(this.ingestUrl);
  }

  startCorrelator(): AppProcess {
    const app = startProcess(
      'dist/apps/correlator/src/main.js',
      [],
      this.env({ LOG_LEVEL: process.env.CHAOS_CORRELATOR_LOG_LEVEL ?? 'info' }),
    );
    this.correlators.push(app);
    this.started.push({ role: 'correlator', app });
    return app;
  }

  /** Writes each process's log lines to `dir` (one file per process), for a post-mortem. */
  keepLogs(dir: string): void {
    mkdirSync(dir, { recursive: true });
    for (const [i, { role, app }] of this.started.entries())
      writeFileSync(
        join(dir, `${String(i).padStart(2, '0')}-${role}-${app.child.pid}.log`),
        app.lines.map((l) => JSON.stringify(l)).join('\n') + '\n' + app.stderr(),
      );
  }

  startProblems(): AppProcess {
    const app = startProcess(
      'dist/apps/problems/src/main.js',
      [],
      this.env({ AFTERSHOCK_DATA_DIR: this.dataDir() }),
    );
    this.problems.push(app);
    this.started.push({ role: 'problems', app });
    return app;
  }

  startRecorder(dataDir: string): AppProcess {
    this.recorder = startProcess(
      'dist/apps/recorder/src/main.js',
      [],
      this.env({ AFTERSHOCK_DATA_DIR: dataDir }),
    );
    this.started.push({ role: 'recorder', app: this.recorder });
    return this.recorder;
  }

  async stopAll(): Promise<void> {
    const all = [this.ingest, this.recorder, ...this.correlators, ...this.problems].filter(
      (p) => p && alive(p) && p.child.signalCode === null,
    );
    for (const p of all) p.child.kill('SIGCONT');
    for (const p of all) p.child.kill('SIGTERM');
    await Promise.all(all.map((p) => p.exited()));
  }
}

const alive = (app: AppProcess) => app.child.exitCode === null && app.child.signalCode === null;

const restored = (app: AppProcess) =>
  app.waitForLog(
    (l) => l.msg === 'correlator state restored' || l.msg === 'problems state restored',
    600_000,
  );

const FAULTS: Fault[] = [
  {
    // First, while the writers are busy: a paused correlator that came back and published beside
    // its successor is what fencing (Membership) prevents.
    name: 'correlator paused (SIGSTOP) 40 s, past its 30 s session timeout',
    async run(c) {
      const paused = c.correlators.find((p) => alive(p))!;
      paused.child.kill('SIGSTOP');
      await sleep(40_000);
      paused.child.kill('SIGCONT');
    },
  },
  {
    name: 'broker 2 SIGKILL, revived after 15 s',
    async run() {
      execFileSync('bash', [script, 'cluster', 'kill', '2'], { stdio: 'ignore' });
      await sleep(15_000);
      execFileSync('bash', [script, 'cluster', 'revive', '2'], { stdio: 'ignore' });
    },
  },
  {
    name: 'correlator SIGKILL (one of three), replaced',
    async run(c) {
      const victim = c.correlators.find((p) => alive(p))!;
      victim.child.kill('SIGKILL');
      await victim.exited();
      await restored(c.startCorrelator());
    },
  },
  {
    name: 'problems owner SIGKILL (standbys take over)',
    async run(c) {
      const owner =
        c.problems.find((p) => p.lines.some((l) => l.msg === 'problems state restored' && !l.standby)) ??
        c.problems[0]!;
      owner.child.kill('SIGKILL');
      await owner.exited();
      c.problems.splice(c.problems.indexOf(owner), 1);
      c.startProblems();
      await sleep(5_000);
    },
  },
  {
    name: 'correlator added, another removed (SIGTERM): two rebalances',
    async run(c) {
      const added = c.startCorrelator();
      await restored(added);
      const leaving = c.correlators.find((p) => p !== added && alive(p))!;
      leaving.child.kill('SIGTERM');
      await leaving.exited();
    },
  },
  {
    name: 'recorder SIGKILL, restarted',
    async run(c) {
      const dataDir = String(c.recorder.lines.find((l) => l.dataDir)?.dataDir ?? '');
      c.recorder.child.kill('SIGKILL');
      await c.recorder.exited();
      await whenServingLog(c.startRecorder(dataDir || recorderDir));
    },
  },
];

let recorderDir = '';
const whenServingLog = (app: AppProcess) => app.waitForLog((l) => l.msg === 'started', 600_000);

interface Window {
  readonly name: string;
  readonly from: number;
  /** From the fault until ingest acknowledged again. */
  nextAckMs?: number;
  /** How long the fault and its repair took. */
  tookMs: number;
}

async function main(): Promise<void> {
  const services = Number(process.env.CHAOS_SERVICES ?? 12);
  const brokers = /KAFKA_BROKERS=(\S+)/.exec(
    execFileSync('bash', [script, 'cluster', 'start'], { encoding: 'utf8' }),
  )![1]!;
  const root = mkdtempSync(join(tmpdir(), 'aftershock-cluster-chaos-'));
  const workload = chaosWorkload({ services, now: Date.now() });
  const cluster = new Cluster(brokers, root, workload.tag);
  try {
    process.stderr.write(`cluster ${brokers}; starting ingest, 3 correlators, 3 problems, 1 recorder\n`);
    recorderDir = cluster.dataDir();
    await cluster.startIngest(await freePort());
    // One after another: a loaded 2-core machine starts nine processes at once very slowly.
    for (let i = 0; i < 3; i++) await restored(cluster.startCorrelator());
    for (let i = 0; i < 3; i++) await restored(cluster.startProblems());
    await whenServingLog(cluster.startRecorder(recorderDir));
    const ledger = newLedger();
    const items = workload.streams.reduce((n, s) => n + s.length, 0);
    const sending = drive(workload, { url: () => cluster.ingestUrl, token: TOKEN, writers: 4 }, ledger);
    let done = false;
    void sending.finally(() => (done = true));
    const windows: Window[] = [{ name: 'before any fault', from: performance.now(), tookMs: 0 }];
    for (const [i, fault] of FAULTS.entries()) {
      const point = Math.floor(((i + 1) * items * 0.8) / (FAULTS.length + 1));
      while (ledger.acked < point && !done) await sleep(50);
      const from = performance.now();
      const ackedBefore = ledger.acked;
      process.stderr.write(
        `${new Date().toISOString()} fault ${i + 1}/${FAULTS.length} after ${ledger.acked} acks: ${fault.name}\n`,
      );
      const window: Window = { name: fault.name, from, tookMs: 0 };
      windows.push(window);
      const next = (async () => {
        while (ledger.acked === ackedBefore && !done && performance.now() - from < 600_000) await sleep(50);
        if (ledger.acked > ackedBefore) window.nextAckMs = Math.round(performance.now() - from);
      })();
      await fault.run(cluster);
      window.tookMs = Math.round(performance.now() - from);
      await next;
    }
    await sending;
    process.stderr.write('all sent; waiting for the consumers to drain\n');
    await whenKafkaDrained(brokers, [
      `${workload.tag}-recorder`,
      `${workload.tag}-correlator`,
      `${workload.tag}-problems`,
    ]);
    await cluster.stopAll();
    const counts = await storeCounts(recorderDir, workload.tag);
    const whole = verify(ledger, counts);
    process.stdout.write(
      `\n${describeVerdict(whole)}\n\nper fault window (acknowledged between this fault and the next):\n`,
    );
    process.stdout.write(
      '| fault | acked points | stored | duplicated | lost | next ack after | fault + repair |\n|---|---|---|---|---|---|---|\n',
    );
    windows.forEach((w, i) => {
      const to = windows[i + 1]?.from ?? Number.POSITIVE_INFINITY;
      const part = sliceLedger(ledger, (at) => at >= w.from && at < to);
      const t = verify(part, counts).kinds.telemetry;
      process.stdout.write(
        `| ${w.name} | ${t.acked} | ${t.stored} | ${t.duplicated} | ${t.lost} | ${w.nextAckMs ?? '-'} ms | ${w.tookMs} ms |\n`,
      );
    });
    process.stdout.write(
      `\nfencing (the correlators' and problems instances' own log lines): ${describeFencing(cluster, workload.tag)}\n`,
    );
    process.stdout.write(
      whole.ok
        ? 'chaos (cluster): nothing acknowledged lost, nothing stored twice\n'
        : 'chaos (cluster): FAILED\n',
    );
    process.exitCode = whole.ok ? 0 : 1;
  } finally {
    await cluster.stopAll().catch(() => undefined);
    if (process.env.CHAOS_LOG_DIR) cluster.keepLogs(process.env.CHAOS_LOG_DIR);
    execFileSync('bash', [script, 'cluster', 'stop'], { stdio: 'ignore' });
    if (process.env.CHAOS_LOG_DIR)
      process.stderr.write(`logs in ${process.env.CHAOS_LOG_DIR}, data in ${root}\n`);
    else rmSync(root, { recursive: true, force: true });
  }
}

/**
 * How often a member of the correlator and problems groups found its tenure lost, by reason (a
 * session lapse is the paused member: it stops publishing before the group has told it anything),
 * and how many publishes the fence refused: outputs a replaced instance would otherwise have sent
 * beside its successor.
 */
function describeFencing(cluster: Cluster, tag: string): string {
  return ['correlator', 'problems']
    .map((role) => {
      const lines = cluster.started.filter((s) => s.role === role).flatMap((s) => s.app.lines);
      const lost = lines.filter(
        (l) => l.groupId === `${tag}-${role}` && String(l.msg).startsWith('this member may no longer hold'),
      );
      const byReason = (prefix: string) => lost.filter((l) => String(l.reason).startsWith(prefix)).length;
      const refused = lines.filter((l) =>
        JSON.stringify(l).includes('no longer holds its partitions'),
      ).length;
      return `${role}: tenures lost ${lost.length} (session lapsed ${byReason('no heartbeat')}, rebalance ${byReason('the group is rebalancing')}, consumer crash ${byReason('the consumer crashed')}), publishes refused ${refused}`;
    })
    .join('; ');
}

function sliceLedger(ledger: Ledger, when: (at: number) => boolean): Ledger {
  const part = newLedger();
  for (const [item, at] of ledger.ackedAt as Map<WorkItem, number>) {
    if (!when(at)) continue;
    part.outcomes.set(item, 'acked');
    part.ackedAt.set(item, at);
  }
  return part;
}

async function whenKafkaDrained(brokers: string, groups: string[]): Promise<void> {
  let quietSince = performance.now();
  let last = '';
  for (;;) {
    const lag = await kafkaLag(brokers.split(','), groups);
    const key = JSON.stringify(lag);
    if (key !== last || lag.total > 0) {
      last = key;
      quietSince = performance.now();
    } else if (performance.now() - quietSince > 15_000) return;
    await sleep(1_000);
  }
}

await main();
