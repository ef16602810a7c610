import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Problem } from '#contracts';
import { createLogger, type Logger } from '#observability';
import { aProblem } from '#testing';
import { fakeJira, fakeServiceNow } from './fake-trackers.js';
import { ProblemSync } from './problem-sync.js';
import { parseSyncConfig } from './sync-config.js';

const FAST = { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 3, timeoutMs: 2_000 };

function recordingLogger(): Logger & { lines: { level: string; msg: string; [k: string]: unknown }[] } {
  const lines: { level: string; msg: string }[] = [];
  const logger = createLogger({ level: 'info', sink: (line) => lines.push(JSON.parse(line) as never) });
  return Object.assign(logger, { lines });
}

const ENV = { JIRA_TOKEN: 'jira-secret', SNOW_PASSWORD: 'snow-secret' };

function configFor(jiraUrl: string, snowUrl: string) {
  return parseSyncConfig(
    `
targets:
  - name: ops-jira
    kind: jira
    url: ${jiraUrl}/
    project: OPS
    issueType: Problem
    auth: { type: basic, email: bot@example.com, tokenEnv: JIRA_TOKEN }
    transitions: { known_error: Known Error, resolved: Done, rejected: "Won't Do" }
  - name: snow
    kind: servicenow
    url: ${snowUrl}
    auth: { type: basic, user: aftershock, passwordEnv: SNOW_PASSWORD }
routes:
  - { match: { service: ['billing*'] }, targets: [ops-jira, snow] }
`,
    ENV,
  );
}

describe('problem sync to Jira and ServiceNow', () => {
  const jira = fakeJira('bot@example.com', 'jira-secret');
  const snow = fakeServiceNow('aftershock', 'snow-secret');
  let config: ReturnType<typeof configFor>;
  const newSync = (logger: Logger = recordingLogger()) =>
    new ProblemSync(config, logger, { publicUrl: 'https://aftershock.example.com', settings: FAST });
  const v = (version: number, overrides: Partial<Problem> = {}) =>
    aProblem({ id: 'prb_0a1b', status: 'problem', version, ...overrides });

  before(async () => {
    await Promise.all([jira.start(), snow.start()]);
    config = configFor(jira.url, snow.url);
  });
  after(() => Promise.all([jira.stop(), snow.stop()]));

  it('creates one record per problem, and a restart with a redelivered version finds it instead of creating another', async () => {
    const first = newSync();
    await first.handle(v(1));
    assert.equal(jira.issues.size, 1);
    assert.equal(snow.records.size, 1);
    const [issue] = jira.issues.values();
    assert.deepEqual(issue!.fields.labels, ['aftershock', 'aftershock-prb_0a1b']);
    assert.equal(issue!.fields.project, 'OPS');
    assert.equal(issue!.fields.issuetype, 'Problem');
    const [record] = snow.records.values();
    assert.equal(record!.correlation_id, 'prb_0a1b');
    assert.equal(record!.state, '103');
    assert.equal(record!.known_error, 'false');

    const restarted = newSync();
    await restarted.handle(v(1));
    assert.equal(jira.count('POST', /\/issue$/), 1, 'no second Jira issue');
    assert.equal(snow.count('POST', /\/table\/problem$/), 1, 'no second ServiceNow record');
    assert.deepEqual([restarted.stats.created, restarted.stats.updated], [0, 2]);

    // A count bump (another incident joined) is not synced; neither is an older version.
    const before = jira.requests.length + snow.requests.length;
    await restarted.handle(v(2, { count: 4, members: ['inc-1', 'inc-2', 'inc-3', 'inc-4'] }));
    await restarted.handle(v(1));
    assert.equal(jira.requests.length + snow.requests.length, before);
    assert.deepEqual([jira.violations, snow.violations], [[], []]);
  });

  it('moves the records to known error, carrying the workaround, then to resolved, carrying the fix change', async () => {
    const sync = newSync();
    await sync.handle(
      v(3, {
        status: 'known_error',
        workaround: 'Restart the pool at 01:55',
        actor: 'ana',
        comment: 'cause: pool size',
      }),
    );
    const [issue] = jira.issues.values();
    assert.equal(issue!.status, 'Known Error');
    assert.match(JSON.stringify(issue!.fields.description), /Restart the pool at 01:55/);
    assert.match(JSON.stringify(issue!.comments.at(-1)), /Workaround: Restart the pool at 01:55/);
    const [record] = snow.records.values();
    assert.deepEqual(
      [record!.known_error, record!.workaround, record!.state],
      ['true', 'Restart the pool at 01:55', '104'],
    );

    await sync.handle(
      v(4, { status: 'resolved', workaround: 'Restart the pool at 01:55', fixChangeId: 'chg-42' }),
    );
    assert.equal(issue!.status, 'Done');
    assert.match(JSON.stringify(issue!.comments.at(-1)), /Fixed by change chg-42/);
    assert.match(JSON.stringify(issue!.fields.description), /chg-42/);
    assert.deepEqual(
      [record!.state, record!.resolution_code, record!.fix_notes, record!.known_error],
      ['106', 'fix_applied', 'Fixed by change chg-42', 'true'],
    );
    assert.match(record!.work_notes ?? '', /now resolved/);
    assert.deepEqual([jira.violations, snow.violations], [[], []]);
  });

  it('retries through a 500 and creates the record once', async () => {
    const sync = newSync();
    jira.fail('POST', /\/rest\/api\/3\/issue$/, 500);
    snow.fail('POST', /\/api\/now\/table\/problem$/, 503);
    const problem = aProblem({ id: 'prb_retry', status: 'problem', services: ['billing-api'] });
    await sync.handle(problem);
    const issues = [...jira.issues.values()].filter((i) => i.fields.labels.includes('aftershock-prb_retry'));
    const records = [...snow.records.values()].filter((r) => r.correlation_id === 'prb_retry');
    assert.deepEqual([issues.length, records.length], [1, 1]);
    assert.deepEqual([sync.stats.created, sync.stats.failed], [2, 0]);
  });

  it('gives up on a 400 without retrying, logs it, and goes on with the next problem', async () => {
    const logger = recordingLogger();
    const sync = newSync(logger);
    const patches = snow.count('PATCH', /./);
    snow.fail('PATCH', /\/api\/now\/table\/problem\/[0-9a-f]+$/, 400);
    await sync.handle(v(5, { status: 'resolved', fixChangeId: 'chg-43', title: 'Pool exhaustion, fixed' }));
    assert.equal(snow.count('PATCH', /./), patches + 1, 'the refused update is not retried');
    assert.equal(sync.stats.failed, 1);
    const refusal = logger.lines.find((l) => l.level === 'error');
    assert.match(refusal?.msg ?? '', /refused/);
    assert.equal(refusal?.target, 'snow');
    // The record is known: the next version that matters updates it (no new record).
    await sync.handle(v(6, { status: 'verified', fixChangeId: 'chg-43', title: 'Pool exhaustion, fixed' }));
    const [record] = snow.records.values();
    assert.equal(record!.state, '107');
    assert.equal(snow.records.size, 2);
  });

  it('does not create records for problems no route sends, nor for candidates', async () => {
    const sync = newSync();
    const sent = jira.requests.length;
    await sync.handle(aProblem({ id: 'prb_other', status: 'problem', services: ['search'] }));
    await sync.handle(aProblem({ id: 'prb_cand', status: 'candidate', services: ['billing'] }));
    assert.equal(jira.requests.length, sent);
    // An ending status looks for a record made earlier (a restart lost the memory), creates none.
    await sync.handle(aProblem({ id: 'prb_other', version: 2, status: 'rejected', services: ['search'] }));
    assert.equal(jira.issues.size, 2);
    assert.equal(jira.count('GET', /\/search\/jql$/) > 0, true);
  });

  it('logs a transition the workflow does not offer, and does not stop', async () => {
    const logger = recordingLogger();
    const odd = parseSyncConfig(
      `targets: [{ name: j, kind: jira, url: "${jira.url}", project: OPS, auth: { type: basic, email: bot@example.com, token: jira-secret }, transitions: { known_error: Park it } }]
routes: [{ targets: [j] }]`,
      {},
    );
    const sync = new ProblemSync(odd, logger, { settings: FAST });
    await sync.handle(aProblem({ id: 'prb_odd', status: 'problem' }));
    await sync.handle(aProblem({ id: 'prb_odd', version: 2, status: 'known_error', workaround: 'wait' }));
    assert.equal(sync.stats.failed, 1);
    assert.match(logger.lines.find((l) => l.level === 'error')?.error as string, /no transition "Park it"/);
  });
});
