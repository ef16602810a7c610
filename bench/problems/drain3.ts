// drain3 (the Python Drain implementation, untuned) beside Aftershock's template miner, in the same
// run of `npm run bench:problems`: the miners alone over the same lines, and both as command line
// tools over the same file. drain3 lives in a project-local virtual environment (`.bench-venv/`,
// git-ignored), created and filled with the pinned PyPI package on the first run; without Python
// the comparison is skipped with a note.
//
// The machine may be shared, so besides wall-clock time each row gives the CPU time the work used
// (in process: process.cpuUsage / time.process_time; for a whole CLI: the child's user + system
// time, read from /proc/self/stat after the child was reaped, on Linux).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '#config';
import { table } from '../support/measure.js';

const DRAIN3 = 'drain3==0.9.11';

export interface Timed {
  readonly lines: number;
  readonly wall: number;
  /** CPU seconds, when they could be measured. */
  readonly cpu: number | undefined;
}

/** The venv's Python with drain3 installed, or why there is none. */
export function drain3Python(log: (line: string) => void): { python: string } | { skipped: string } {
  const system = ['python3', 'python'].find((p) => {
    const run = spawnSync(p, ['-c', 'import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)']);
    return run.status === 0;
  });
  if (!system) return { skipped: 'no Python 3.8+ on PATH' };
  const venv = join(projectRoot(), '.bench-venv');
  const python = join(venv, 'bin', 'python');
  if (!existsSync(python)) {
    log(`  creating ${venv} (first run only)`);
    const made = spawnSync(system, ['-m', 'venv', venv], { encoding: 'utf8' });
    if (made.status !== 0) return { skipped: `cannot create a virtual environment: ${made.stderr.trim()}` };
  }
  if (spawnSync(python, ['-c', 'import drain3']).status !== 0) {
    log(`  installing ${DRAIN3} into .bench-venv (first run only)`);
    const pip = spawnSync(
      python,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', DRAIN3],
      {
        encoding: 'utf8',
      },
    );
    if (pip.status !== 0)
      return { skipped: `pip could not install ${DRAIN3}: ${pip.stderr.trim().split('\n').at(-1)}` };
  }
  return { python };
}

/** CPU seconds of reaped children so far (Linux), or undefined. */
function childrenCpu(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat (cutime, cstime) are the 14th and 15th after the command name.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

/** Runs a command with stdout discarded; wall and CPU time of the child. */
function timedRun(command: string, args: readonly string[], lines: number): Timed {
  const cpuBefore = childrenCpu();
  const start = performance.now();
  const run = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const wall = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr}`);
  const cpuAfter = childrenCpu();
  return {
    lines,
    wall,
    cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
  };
}

/** The fastest of `runs` (the least disturbed by other work on the machine). */
function bestOf(runs: number, once: () => Timed): Timed {
  let best: Timed | undefined;
  for (let i = 0; i < runs; i++) {
    const t = once();
    if (!best || (t.cpu ?? t.wall) < (best.cpu ?? best.wall)) best = t;
  }
  return best!;
}

const perSecond = (n: number, s: number | undefined) =>
  s === undefined ? '–' : Math.round(n / Math.max(s, 1e-3)).toLocaleString('en');

/**
 * `ours` is Aftershock's miner over `lines` in this process (measured by the caller); drain3 mines
 * the same lines, then both CLIs run over the first `cliLines` of them (all, by default) as a file.
 */
export function compareWithDrain3(
  log: (line: string) => void,
  lines: readonly string[],
  ours: Timed,
  cliLines = lines.length,
): void {
  log('');
  log('# template miner beside drain3 (untuned, default configuration)');
  const found = drain3Python(log);
  if ('skipped' in found) {
    log(`  drain3 comparison skipped: ${found.skipped}`);
    return;
  }
  const script = join(projectRoot(), 'bench', 'problems', 'drain3_bench.py');
  const dir = mkdtempSync(join(tmpdir(), 'aftershock-drain3-'));
  try {
    const all = join(dir, 'lines.txt');
    writeFileSync(all, lines.join('\n') + '\n');
    log(`  drain3 mining ${lines.length.toLocaleString('en')} lines …`);
    const mined = spawnSync(found.python, [script, 'mine', all], { encoding: 'utf8' });
    if (mined.status !== 0) throw new Error(`drain3 failed: ${mined.stderr}`);
    const d = JSON.parse(mined.stdout) as { lines: number; seconds: number; cpu: number; clusters: number };
    const drain: Timed = { lines: d.lines, wall: d.seconds, cpu: d.cpu };

    const file = join(dir, 'cli.txt');
    const cliCount = Math.min(cliLines, lines.length);
    writeFileSync(file, lines.slice(0, cliCount).join('\n') + '\n');
    const cli = join(projectRoot(), 'bin', 'aftershock.js');
    log(`  both CLIs over ${cliCount.toLocaleString('en')} lines (best of 2) …`);
    const final = bestOf(2, () => timedRun(process.execPath, [cli, 'templates', file], cliCount));
    const stream = bestOf(2, () =>
      timedRun(process.execPath, [cli, 'templates', '--stream', file], cliCount),
    );
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    const startup = bestOf(3, () => timedRun(process.execPath, [cli, 'templates', empty], 0));
    const drainCli = bestOf(2, () => timedRun(found.python, [script, 'cli', file], cliCount));

    const ratio = (a: Timed, b: Timed) => {
      const x = a.cpu !== undefined && b.cpu !== undefined ? b.cpu / a.cpu : undefined;
      return `${(b.wall / a.wall).toFixed(2)}× wall` + (x === undefined ? '' : `, ${x.toFixed(2)}× CPU`);
    };
    table(
      log,
      ['', 'lines', 'wall s', 'lines/s (wall)', 'CPU s', 'lines/s (CPU)', 'vs drain3'],
      [
        row('Aftershock TemplateMiner (in process)', ours, ratio(ours, drain)),
        row(`drain3 TemplateMiner (in process, ${d.clusters} clusters)`, drain, '1'),
        row('aftershock templates FILE (final ids)', final, ratio(final, drainCli)),
        row('aftershock templates --stream FILE', stream, ratio(stream, drainCli)),
        row('drain3 as a CLI (bench/problems/drain3_bench.py cli)', drainCli, '1'),
      ],
    );
    log(
      `  the aftershock CLI's start-up alone (an empty file): ${startup.wall.toFixed(2)} s wall` +
        (startup.cpu === undefined ? '' : `, ${startup.cpu.toFixed(2)} s CPU`) +
        ' (it loads every command, the embedded ClickHouse of `start` and `migrate` too)',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function row(name: string, t: Timed, versus: string): string[] {
  return [
    name,
    t.lines.toLocaleString('en'),
    t.wall.toFixed(2),
    perSecond(t.lines, t.wall),
    t.cpu === undefined ? '–' : t.cpu.toFixed(2),
    perSecond(t.lines, t.cpu),
    versus,
  ];
}
