import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { projectPath } from '#config';
import { seededRandom } from '#core/testing';
import { loadJit } from './jit-data.js';

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'jit-data-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const JIT_HEADER =
  '"","transactionid","commitdate","ns","nm","nf","entropy","la","ld","lt","fix","ndev","pd","npt","exp","rexp","sexp","bug"';

/** A JiTReliability row: la and ld as shares of lt, ndev and exp copies of ns (as in the data set). */
function jitRow(
  id: number,
  date: string,
  o: { ns: number; la: number; ld: number; lt: number; bug: 0 | 1 },
): string {
  return [
    id,
    id,
    `"${date}"`,
    o.ns,
    1,
    2,
    0.9,
    o.la,
    o.ld,
    o.lt,
    0,
    o.ns,
    3,
    0.2,
    o.ns,
    2.5,
    1.1,
    o.bug,
  ].join(',');
}

describe('loading just-in-time defect data', () => {
  it('JiTReliability: counts from shares, copied columns dropped, dateless rows skipped, reports given in time order', () => {
    writeFileSync(
      join(dir, 'Alpha_input.csv'),
      [
        JIT_HEADER,
        jitRow(1, '2010-01-05 10:00:00', { ns: 4, la: 0.5, ld: 0.1, lt: 200, bug: 1 }),
        jitRow(2, '2010-01-01 09:00:00', { ns: 2, la: 0.25, ld: 0, lt: 40, bug: 1 }),
        jitRow(3, 'NA', { ns: 1, la: 1, ld: 0, lt: 10, bug: 0 }),
        jitRow(4, '2010-02-01 09:00:00', { ns: 1, la: 0.1, ld: 0.1, lt: 100, bug: 0 }),
      ].join('\n'),
    );
    // Reports at 2010-01-03 (before change 1, after change 2) and 2010-03-01; one issue not mapped.
    writeFileSync(
      join(dir, 'Alpha_failures.csv'),
      'issue.names\tcreat.date\nA-1\t1262476800\nA-2\t1267401600\nA-3\t1262304000\n',
    );
    writeFileSync(join(dir, 'Alpha_mapping.csv'), 'fix\tintro.\tissue\nf1\ti1\tA-1\nf2\ti2\tA-2\n');
    const [alpha] = loadJit(join(dir, 'Alpha_input.csv'), { labelDelayMs: 90 * DAY });
    assert.equal(alpha!.name, 'Alpha');
    assert.equal(alpha!.skippedRows, 1);
    assert.deepEqual(alpha!.droppedColumns, ['developers (= subsystems)', 'authorExperience (= subsystems)']);
    const [first, second, third] = alpha!.changes;
    // In time order: change 2 (01-01) first.
    assert.equal(first!.change.id, 'Alpha:2');
    assert.deepEqual(
      { la: first!.change.content!.linesAdded, ld: first!.change.content!.linesDeleted, lines: first!.lines },
      { la: 10, ld: 0, lines: 10 },
    );
    assert.equal(second!.change.content!.linesAdded, 100);
    assert.equal(first!.change.content!.developers, null);
    assert.equal(first!.change.content!.priorChanges, 0, 'npt 0.2 of nf 2, rounded');
    assert.match(alpha!.labels, /a random failure-inducing change not yet reported/);
    assert.equal(first!.knownAt, Date.UTC(2010, 0, 3), 'the 01-03 report goes to the change before it');
    assert.equal(second!.knownAt, Date.UTC(2010, 2, 1));
    assert.equal(third!.knownAt, null);
    assert.equal(third!.failed, false);
  });

  it('JiTReliability with commitsID: each report linked to its own change', () => {
    writeFileSync(
      join(dir, 'Beta_input.csv'),
      [
        JIT_HEADER,
        jitRow(1, '2011-01-01 00:00:00', { ns: 1, la: 0.1, ld: 0, lt: 100, bug: 1 }),
        jitRow(2, '2011-01-02 00:00:00', { ns: 2, la: 0.1, ld: 0, lt: 100, bug: 1 }),
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'Beta_failures.csv'),
      'issue.names\tcreat.date\nB-1\t1296518400\nB-2\t1293926400\n',
    );
    writeFileSync(join(dir, 'Beta_mapping.csv'), 'fix\tintro.\tissue\nf\tc1\tB-1\nf\tc2\tB-2\n');
    writeFileSync(join(dir, 'Beta_commitsID.csv'), 'commit,transactionid\nc1,1\nc2,2\n');
    const [beta] = loadJit(join(dir, 'Beta_input.csv'), { labelDelayMs: 90 * DAY });
    assert.match(beta!.labels, /linked to their changes by commit id/);
    assert.deepEqual(
      beta!.changes.map((c) => c.knownAt),
      [Date.UTC(2011, 1, 1), Date.UTC(2011, 0, 2)],
    );
  });

  it('the common naming: counts as given, projects from the project column, labels a fixed delay after the change', () => {
    writeFileSync(
      join(dir, 'export.csv'),
      [
        'commit_id,project,buggy,fix,year,author_date,la,ld,nf,nd,ns,ent,ndev,age,nuc,aexp,arexp,asexp',
        'abc,apache/kafka,True,False,2018,1514764800,120,30,3,2,1,1.2,4,10.5,7,300,40.5,120',
        'def,apache/zookeeper,False,True,2018,1514851200,5,5,1,1,1,0,1,200,2,9,1,3',
      ].join('\n'),
    );
    const projects = loadJit(join(dir, 'export.csv'), { labelDelayMs: 90 * DAY });
    assert.deepEqual(
      projects.map((p) => p.name),
      ['apache/kafka', 'apache/zookeeper'],
    );
    const kafka = projects[0]!.changes[0]!;
    assert.equal(kafka.change.id, 'apache/kafka:abc');
    assert.deepEqual(
      {
        la: kafka.change.content!.linesAdded,
        files: kafka.change.content!.files,
        age: kafka.change.content!.filesAgeDays,
        exp: kafka.change.content!.authorExperience,
      },
      { la: 120, files: 3, age: 10.5, exp: 300 },
    );
    assert.equal(kafka.knownAt, Date.UTC(2018, 0, 1) + 90 * DAY);
    assert.equal(projects[1]!.changes[0]!.change.content!.fix, true);
    assert.match(projects[0]!.labels, /fixed delay of 90 days/);
  });

  it('Commit Guru exports: contains_bug, the unix timestamp, and each failure known after its own daystofix', () => {
    const guru = mkdtempSync(join(tmpdir(), 'jit-guru-'));
    after(() => rmSync(guru, { recursive: true, force: true }));
    const at = Date.UTC(2016, 7, 1, 15, 49, 4);
    writeFileSync(
      join(guru, 'nova.csv'),
      [
        'commit_hash,author_date,author_date_unix_timestamp,contains_bug,fix,ns,nd,nf,entropy,la,ld,lt,ndev,age,nuc,exp,rexp,sexp,daystofix',
        `a1,"Mon Aug 1 11:49:04 2016 -0400",${at / 1000},True,False,1,2,3,0.8,40,2,900,3,12.5,4,50,3.5,20,30.5`,
        `b2,"Mon Aug 1 12:49:04 2016 -0400",,True,False,1,1,1,0,3,0,10,1,2,1,5,1,2,`,
        `c3,"Tue Aug 2 11:49:04 2016 -0400",${at / 1000 + 86_400},False,True,1,1,1,0,1,1,10,1,2,1,5,1,2,`,
      ].join('\n'),
    );
    const [nova] = loadJit(guru, { labelDelayMs: 90 * DAY });
    assert.equal(nova!.name, 'nova');
    const [first, second, third] = nova!.changes;
    assert.equal(first!.change.id, 'nova:a1');
    assert.equal(first!.change.startedAt, at);
    assert.equal(first!.knownAt, at + 30.5 * DAY, 'its own days to fix');
    assert.equal(second!.change.startedAt, at + 3_600_000, "git's date where the timestamp is empty");
    assert.equal(second!.knownAt, at + 3_600_000 + 90 * DAY, 'no days to fix: the fixed delay');
    assert.equal(third!.failed, false);
    assert.equal(third!.knownAt, null);
    assert.deepEqual(
      { lines: first!.lines, entropy: first!.change.content!.entropy, fix: third!.change.content!.fix },
      { lines: 42, entropy: 0.8, fix: true },
    );
    assert.match(nova!.labels, /daystofix.*fixed delay of 90 days/);
    const [forced] = loadJit(guru, { labelDelayMs: 90 * DAY, forceDelay: true });
    assert.equal(forced!.changes[0]!.knownAt, at + 90 * DAY, '--fixed-delay overrides daystofix');
  });

  it('refuses a file of neither naming, saying what it expected', () => {
    writeFileSync(join(dir, 'other.csv'), 'a,b\n1,2\n');
    assert.throws(
      () => loadJit(join(dir, 'other.csv'), { labelDelayMs: DAY }),
      /neither the JiTReliability columns/,
    );
  });
});

/** Two projects of 500 changes over two years, in the common naming; bigger changes fail more often. */
function smallFleet(): string {
  const random = seededRandom(4);
  const rows = ['commit_id,project,buggy,fix,author_date,la,ld,nf,nd,ns,ent,ndev,age,nuc,aexp,arexp,asexp'];
  for (const project of ['one', 'two']) {
    for (let i = 0; i < 500; i++) {
      const lines = Math.round(Math.exp(random() * 7));
      const buggy = random() < Math.min(0.6, 0.03 + lines / 2000);
      const at = Date.UTC(2015, 0, 1) / 1000 + Math.round(random() * 730 * 86_400);
      rows.push(
        [`${project}${i}`, project, buggy, false, at, lines, 0, 1, 1, 1, 0, 1, 5, 2, 10, 1, 5].join(','),
      );
    }
  }
  const small = mkdtempSync(join(tmpdir(), 'jit-small-'));
  writeFileSync(join(small, 'changes.csv'), rows.join('\n'));
  return small;
}

describe('the eval command', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [projectPath('dist', 'eval', 'risk', 'run.js'), ...args], {
      encoding: 'utf8',
    });

  it('refuses unknown options instead of ignoring them', () => {
    const result = run('--jit', dir, '--bogus');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /Unknown option '--bogus'/);
  });

  it('--json prints exactly data, projects and pooled', () => {
    const small = smallFleet();
    try {
      const result = run('--jit', small, '--refit-days', '60', '--json');
      assert.equal(result.status, 0, result.stderr);
      const json = JSON.parse(result.stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(json), ['data', 'projects', 'pooled']);
      assert.deepEqual(Object.keys(json['projects'] as object), ['one', 'two']);
      assert.deepEqual(Object.keys((json['projects'] as Record<string, object>)['one']!), [
        'changes',
        'failures',
        'auc',
        'brier',
        'brierSkill',
      ]);
      const pooled = json['pooled'] as Record<string, number>;
      assert.deepEqual(Object.keys(pooled), ['auc', 'brier', 'brierSkill', 'calibrationError']);
      assert.ok(pooled['auc']! > 0.6, `pooled AUC ${pooled['auc']}`);
      assert.match(result.stderr, /walk-forward 100%/, 'progress is shown');
    } finally {
      rmSync(small, { recursive: true, force: true });
    }
  });

  it('refuses a recalibration it does not know', () => {
    const result = run('--jit', dir, '--recalibrate', 'isotonic');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--recalibrate must be none or platt or spread/);
  });

  it('--rows writes each scored change with the level it used and its failure report time', () => {
    const small = smallFleet();
    try {
      const file = join(small, 'rows.csv');
      const args = ['--refit-days', '60', '--no-cross', '--rows', file, '--json'];
      const result = run('--jit', small, ...args, '--recalibrate', 'spread', '--maturity-record', 'all');
      assert.equal(result.status, 0, result.stderr);
      const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
      assert.equal(head, 'id,service,settled,startedAt,failed,lines,model,level,knownAt,kamei,cross');
      assert.equal(lines.length, 1000);
      const cells = lines.map((l) => l.split(','));
      // A failure's report time is after its change; a change without a failure has none.
      for (const c of cells) {
        if (c[4] === '1') assert.ok(Date.parse(c[8]!) >= Date.parse(c[3]!), c.join(','));
        else assert.equal(c[8], '');
      }
      const scored = cells.filter((c) => c[6] !== 'NaN').map((c) => Number(c[6]));
      assert.ok(scored.length > 500 && scored.every((p) => p > 0 && p < 1));
    } finally {
      rmSync(small, { recursive: true, force: true });
    }
  });
});
