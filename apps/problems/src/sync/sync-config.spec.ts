import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FieldError } from '#config';
import { aProblem, refusal } from '#testing';
import { checkAdf } from './fake-trackers.js';
import { adfDocument, jiraCreateBody, jiraLabel, jiraSearchPath, pickTransition } from './jira.js';
import { fingerprint } from './problem-sync.js';
import { problemSections } from './problem-text.js';
import { serviceNowFields, serviceNowFindPath } from './servicenow.js';
import { parseSyncConfig, targetsFor, type JiraTarget, type ServiceNowTarget } from './sync-config.js';

const FILE = `
targets:
  - { name: j, kind: jira, url: "https://acme.atlassian.net/", project: OPS, auth: { type: basic, email: a@acme.io, tokenEnv: JT }, transitions: { known_error: Known Error } }
  - { name: s, kind: servicenow, url: "https://acme.service-now.com", auth: { type: bearer, tokenEnv: ST }, states: { known_error: '103' } }
routes:
  - { match: { service: ['pay-*'] }, targets: [j] }
  - { match: { status: [known_error, resolved] }, targets: [s] }
`;
const ENV = { JT: 'jira-token', ST: 'snow-token' };

describe('problem sync configuration', () => {
  const fieldAtFault = (text: string, env: Record<string, string> = ENV) =>
    refusal(FieldError, () => parseSyncConfig(text, env)).field;

  it('reads targets with their secrets from the environment, and routes by service and status', () => {
    const config = parseSyncConfig(FILE, ENV);
    const jira = config.targets.get('j') as JiraTarget;
    assert.equal(jira.url, 'https://acme.atlassian.net');
    assert.equal(jira.authorization, `Basic ${Buffer.from('a@acme.io:jira-token').toString('base64')}`);
    assert.equal(jira.issueType, 'Task');
    const snow = config.targets.get('s') as ServiceNowTarget;
    assert.equal(snow.authorization, 'Bearer snow-token');
    assert.deepEqual([snow.table, snow.states.known_error, snow.states.resolved], ['problem', '103', '106']);
    const names = (overrides: Parameters<typeof aProblem>[0]) =>
      targetsFor(config, aProblem(overrides)).map((t) => t.name);
    assert.deepEqual(names({ services: ['pay-api'], status: 'problem' }), ['j']);
    assert.deepEqual(names({ services: ['pay-api'], status: 'known_error' }), ['j', 's']);
    assert.deepEqual(
      names({ services: ['pay-api'], status: 'candidate' }),
      [],
      'candidates only when a route asks',
    );
    assert.deepEqual(names({ services: ['search'], status: 'problem' }), []);
  });

  it('refuses a file with a field at fault, naming it', () => {
    const target = (t: string) => `targets: [${t}]\nroutes: [{ targets: [j] }]`;
    const jira = (extra: string) =>
      target(
        `{ name: j, kind: jira, url: "https://x", project: OPS, auth: { type: basic, email: a@b.c, tokenEnv: JT }${extra} }`,
      );
    assert.equal(
      fieldAtFault(jira(', transitions: { known_eror: Done }')),
      'targets.0.transitions.known_eror',
    );
    assert.equal(fieldAtFault(jira(', labels: ["two words"]')), 'targets.0.labels.0');
    assert.equal(fieldAtFault(jira(', issuetype: Bug')), 'targets.0.issuetype');
    assert.equal(fieldAtFault(jira(''), {}), 'targets.0.auth.tokenEnv');
    assert.equal(fieldAtFault(target('{ name: j, kind: redmine, url: "https://x" }')), 'targets.0.kind');
    assert.equal(
      fieldAtFault(
        target('{ name: j, kind: servicenow, url: "https://x", auth: { type: basic, passwordEnv: JT } }'),
      ),
      'targets.0.auth.user',
    );
    assert.equal(
      fieldAtFault(target('{ name: j, kind: servicenow, url: "ftp://x", auth: { type: bearer, token: t } }')),
      'targets.0.url',
    );
    assert.equal(
      fieldAtFault(
        'targets: [{ name: j, kind: servicenow, url: "https://x", auth: { type: bearer, token: t } }]\nroutes: [{ targets: [k] }]',
      ),
      'routes.0.targets.0',
    );
    assert.equal(
      fieldAtFault(
        jira('').replace(
          'routes: [{ targets: [j] }]',
          'routes: [{ match: { status: [open] }, targets: [j] }]',
        ),
      ),
      'routes.0.match.status.0',
    );
  });
});

describe('problem sync mapping', () => {
  const config = parseSyncConfig(FILE, ENV);
  const jira = config.targets.get('j') as JiraTarget;
  const snow = config.targets.get('s') as ServiceNowTarget;

  it('lays a problem out as a Jira issue: ADF description, the finding label, a clipped one-line summary', () => {
    const problem = aProblem({
      id: 'prb_ab12',
      title: 'x'.repeat(400),
      workaround: 'drain the queue',
      fixChangeId: 'chg-9',
    });
    const body = jiraCreateBody(jira, problem, 'https://as.example.com/') as {
      fields: { summary: string; labels: string[]; description: unknown; project: { key: string } };
    };
    assert.equal(body.fields.summary.length, 255);
    assert.deepEqual(body.fields.labels, ['aftershock', 'aftershock-prb_ab12']);
    assert.deepEqual(body.fields.project, { key: 'OPS' });
    checkAdf(body.fields.description, 'description');
    const text = JSON.stringify(body.fields.description);
    assert.match(text, /"href":"https:\/\/as.example.com\/#\/problems\/prb_ab12"/);
    assert.match(text, /drain the queue/);
    assert.match(text, /chg-9/);
    assert.equal(jiraLabel(aProblem({ id: 'prb x/1' })), 'aftershock-prb-x-1');
    assert.equal(
      decodeURIComponent(jiraSearchPath(problem).split('jql=')[1]!.split('&')[0]!.replaceAll('+', ' ')),
      'labels = "aftershock-prb_ab12" ORDER BY created ASC',
    );
  });

  it('drops empty lines from the ADF (Jira refuses empty text nodes)', () => {
    const doc = adfDocument([
      { heading: 'Workaround', lines: [''] },
      ...problemSections(aProblem({ template: '' }), undefined),
    ]);
    checkAdf(doc, 'doc');
    assert.doesNotMatch(JSON.stringify(doc), /Workaround/);
  });

  it('picks a transition by its name or the status it leads to', () => {
    const offered = [
      { id: '5', name: 'Resolve', to: { name: 'Done' } },
      { id: '7', name: 'Mark known error', to: { name: 'Known Error' } },
    ];
    assert.equal(pickTransition(offered, 'resolve')?.id, '5');
    assert.equal(pickTransition(offered, 'Known Error')?.id, '7');
    assert.equal(pickTransition(offered, 'Cancel'), undefined);
  });

  it('lays a problem out as a ServiceNow problem record, known errors in its known-error fields', () => {
    const open = serviceNowFields(snow, aProblem({ status: 'problem' }), { note: false });
    assert.deepEqual(
      [open.state, open.known_error, 'workaround' in open, 'resolution_code' in open, 'work_notes' in open],
      ['103', 'false', false, false, false],
    );
    const known = serviceNowFields(snow, aProblem({ status: 'known_error', workaround: 'w' }), {
      note: true,
    });
    assert.deepEqual([known.state, known.known_error, known.workaround], ['103', 'true', 'w']);
    assert.match(known.work_notes!, /known error/);
    const rejected = serviceNowFields(snow, aProblem({ status: 'rejected' }), { note: false });
    assert.deepEqual(
      [rejected.state, rejected.resolution_code, rejected.known_error],
      ['107', 'canceled', 'false'],
    );
    const path = new URL(serviceNowFindPath(snow, aProblem({ id: 'prb_1^x' })), 'https://x');
    assert.equal(path.pathname, '/api/now/table/problem');
    assert.equal(path.searchParams.get('sysparm_query'), 'correlation_id=prb_1x');
    assert.equal(path.searchParams.get('sysparm_limit'), '1');
  });

  it('syncs the versions a tracker shows a difference for, not count bumps', () => {
    const base = aProblem();
    assert.equal(
      fingerprint(base),
      fingerprint({ ...base, version: 2, count: 9, members: ['a'], lastSeen: 1 }),
    );
    assert.notEqual(fingerprint(base), fingerprint({ ...base, status: 'known_error' }));
    assert.notEqual(fingerprint(base), fingerprint({ ...base, workaround: 'w' }));
    assert.notEqual(fingerprint(base), fingerprint({ ...base, fixChangeId: 'c' }));
  });
});
