// Notifications end to end against local receivers that record what they got: one notification
// per version that matters (no storm as alerts join), each channel's request in its vendor's
// documented shape with the likely cause, its evidence, the verdict and a working deep link,
// routed by service and severity as the routes file says.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Incident } from '#contracts';
import { silentLogger } from '#observability';
import { FieldError } from '#config';
import { anIncident, aProblem, refusal, MINUTE } from '#testing';
import { IncidentNotifier } from './incident-notifier.js';
import { NotableVersions } from './notable.js';
import { parseRoutes } from './routes.js';

// The vendors' JSON, read loosely: each assertion names the field it checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Received {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly key: string;
}

const lead = (changeId: string, probability = 0.83): Incident['suspects'][number] => ({
  changeId,
  service: 'payments',
  kind: 'deployment',
  component: null,
  probability,
  evidence: [
    { factor: 'timing', detail: 'the onset came 2 min after its rollout', weight: 1.9 },
    { factor: 'topology', detail: 'checkout calls payments directly', weight: 1.4 },
    {
      factor: 'verification',
      detail: 'its own post-deployment verification failed: p95 latency ×4',
      weight: 1.8,
    },
    { factor: 'prior', detail: 'about 4% of deploys cause incidents', weight: -2.4 },
  ],
});

/** An incident's life: opened, three alerts joining, severity raised, another change leading, acknowledged, resolved. */
function life(): Incident[] {
  const base = anIncident({
    id: 'inc-pay',
    service: 'payments',
    services: ['payments'],
    severity: 'high',
    suspects: [lead('chg-42')],
  });
  const joined = (v: number, radius: number) => ({
    ...base,
    version: v,
    event: 'updated' as const,
    blastRadius: radius,
  });
  return [
    base,
    joined(2, 2),
    joined(3, 3),
    joined(4, 3),
    { ...joined(5, 3), severity: 'critical', event: 'severity_changed' },
    { ...joined(6, 3), severity: 'critical', suspects: [lead('chg-43', 0.71), lead('chg-42', 0.2)] },
    {
      ...joined(7, 3),
      severity: 'critical',
      suspects: [lead('chg-43', 0.74)],
      status: 'acknowledged',
      actor: 'ana',
    },
    {
      ...joined(8, 3),
      severity: 'critical',
      suspects: [lead('chg-43', 0.74)],
      status: 'resolved',
      resolvedAt: 1,
    },
  ];
}

describe('incident notifications', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          body: JSON.parse(text),
          key: String(req.headers['idempotency-key']),
        });
        res.statusCode = req.url?.startsWith('/pagerduty') ? 202 : 200;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => server.close());

  function notifier(): IncidentNotifier {
    const routes = parseRoutes(
      `
channels:
  - { name: oncall, type: slack, urlEnv: SLACK_URL }
  - { name: teams, type: teams, url: ${base}/teams }
  - { name: pager, type: pagerduty, url: ${base}/pagerduty, routingKeyEnv: PD_KEY }
routes:
  - { match: { service: ['pay*'], minSeverity: high }, channels: [pager, oncall] }
  - { match: { environment: [production] }, channels: [teams, oncall] }
`,
      { SLACK_URL: `${base}/slack`, PD_KEY: 'R0UT1NGKEY' },
    );
    return new IncidentNotifier(
      {
        webhook: { url: `${base}/hook` },
        routes,
        publicUrl: 'https://aftershock.example.com/',
        delivery: { initialDelayMs: 5 },
      },
      silentLogger,
    );
  }

  it('sends one notification per version that matters to each routed channel, every version to the webhook', async () => {
    received.length = 0;
    const n = notifier();
    for (const version of life()) n.notify(version);
    await n.drain();
    const at = (path: string) => received.filter((r) => r.path === path);
    assert.equal(at('/hook').length, 8, 'the webhook gets every version');
    // opened, severity changed, likely cause changed, acknowledged, resolved: not the three joins.
    assert.deepEqual(
      at('/slack').map((r) => r.key),
      ['oncall/inc-pay/1', 'oncall/inc-pay/5', 'oncall/inc-pay/6', 'oncall/inc-pay/7', 'oncall/inc-pay/8'],
    );
    assert.equal(at('/teams').length, 5);
    assert.deepEqual(
      at('/pagerduty').map((r) => r.body.event_action),
      ['trigger', 'trigger', 'trigger', 'acknowledge', 'resolve'],
    );
    await n.close();
  });

  it('lays each out in its vendor’s shape, with the likely cause, two lines of evidence, the verdict and the link', async () => {
    received.length = 0;
    const n = notifier();
    n.notify(life()[0]!);
    await n.drain();
    const link = 'https://aftershock.example.com/incidents/inc-pay';

    const slack = received.find((r) => r.path === '/slack')!.body as {
      text: string;
      blocks: Record<string, Json>[];
    };
    assert.equal(slack.blocks[0]!.type, 'header');
    assert.equal(slack.blocks[0]!.text.type, 'plain_text');
    assert.ok(slack.blocks[0]!.text.text.length <= 150);
    const cause = slack.blocks.find((b) => b.type === 'section' && b.text)!.text.text as string;
    assert.match(cause, /deployment chg-42 on payments \(83%\)/);
    assert.match(cause, /the onset came 2 min after its rollout\n• checkout calls payments directly/);
    assert.match(cause, /Verification:\* its own post-deployment verification failed/);
    assert.doesNotMatch(cause, /about 4% of deploys/, 'evidence against it is not one of the two lines');
    const button = slack.blocks.find((b) => b.type === 'actions')!.elements[0];
    assert.deepEqual([button.type, button.url], ['button', link]);

    const teams = received.find((r) => r.path === '/teams')!.body as Record<string, Json>;
    assert.equal(teams.type, 'message');
    const card = teams.attachments[0];
    assert.equal(card.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(card.content.type, 'AdaptiveCard');
    assert.deepEqual(card.content.actions, [{ type: 'Action.OpenUrl', title: 'Open incident', url: link }]);
    assert.ok(card.content.body.some((b: { type: string }) => b.type === 'FactSet'));

    const pd = received.find((r) => r.path === '/pagerduty')!.body as Record<string, Json>;
    assert.equal(pd.routing_key, 'R0UT1NGKEY');
    assert.equal(pd.dedup_key, 'inc-pay');
    assert.equal(pd.payload.severity, 'error', 'high maps to PagerDuty’s error');
    assert.equal(pd.payload.source, 'payments');
    assert.ok(pd.payload.summary.length <= 1024);
    assert.match(pd.payload.summary, /chg-42/);
    assert.deepEqual(pd.links, [{ href: link, text: 'Open incident in Aftershock' }]);
    await n.close();
  });

  it('follows up once with the known error an open incident it told about turns out to repeat, on the same channels and dedup key', async () => {
    received.length = 0;
    const n = notifier();
    const [opened, joined] = life();
    n.notify(opened!);
    n.notify(joined!);
    const known = aProblem({
      id: 'prb-pay',
      status: 'known_error',
      title: 'Payments pool exhausted after deploys',
      workaround: 'Restart the payments pods & drain the queue',
      fixChangeId: 'chg-fix-7',
      members: ['inc-other', 'inc-pay'],
    });
    assert.equal(n.knownError({ ...known, status: 'problem' }), 0, 'not a known error yet');
    assert.equal(n.knownError(known), 1);
    assert.equal(n.knownError({ ...known, version: 2 }), 0, 'once per incident and problem, not per version');
    n.notify(
      anIncident({ id: 'inc-quiet', service: 'payments', severity: 'high', suspects: [lead('chg-42')] }),
    );
    n.notify(
      anIncident({ id: 'inc-quiet', version: 2, event: 'resolved', status: 'resolved', service: 'payments' }),
    );
    assert.equal(n.knownError({ ...known, members: ['inc-quiet'] }), 0, 'resolved: nothing to follow up');
    await n.drain();
    const follow = received.filter((r) => r.key.includes('known-error'));
    assert.deepEqual(follow.map((r) => r.key).sort(), [
      'oncall/inc-pay/2/known-error/prb-pay',
      'pager/inc-pay/2/known-error/prb-pay',
      'teams/inc-pay/2/known-error/prb-pay',
    ]);
    const slack = follow.find((r) => r.path === '/slack')!.body as { text: string; blocks: Json[] };
    assert.match(slack.text, /— matches a known error: Payments pool exhausted after deploys — workaround:/);
    assert.equal(
      slack.blocks[1].text.text,
      '*Known error:* Payments pool exhausted after deploys\n*Workaround:* Restart the payments pods &amp; drain the queue\n*Fix:* chg-fix-7',
    );
    const teams = follow.find((r) => r.path === '/teams')!.body as Json;
    assert.match(teams.attachments[0].content.body[1].text, /^\*\*Known error:\*\* Payments pool/);
    const pd = follow.find((r) => r.path === '/pagerduty')!.body as Json;
    assert.deepEqual([pd.event_action, pd.dedup_key], ['trigger', 'inc-pay']);
    assert.equal(pd.payload.custom_details.workaround, 'Restart the payments pods & drain the queue');
    assert.equal(pd.payload.custom_details.fix_change, 'chg-fix-7');
    await n.close();
  });

  it('sends no known error for an incident it never told about, or one snoozed', async () => {
    received.length = 0;
    const n = notifier();
    const at = anIncident().updatedAt;
    n.notify(anIncident({ id: 'inc-held', service: 'payments', severity: 'high' }));
    n.notify(
      anIncident({
        id: 'inc-held',
        version: 2,
        event: 'snoozed',
        service: 'payments',
        severity: 'high',
        snoozedUntil: at + 30 * MINUTE,
        updatedAt: at + MINUTE,
      }),
    );
    const known = aProblem({ status: 'known_error', members: ['inc-never', 'inc-held'] });
    assert.equal(n.knownError(known), 0);
    await n.drain();
    assert.equal(received.filter((r) => r.key.includes('known-error')).length, 0);
    await n.close();
  });

  it('routes by service glob and minimum severity', async () => {
    received.length = 0;
    const n = notifier();
    n.notify(anIncident({ id: 'inc-low', service: 'payments', severity: 'warning' }));
    n.notify(
      anIncident({ id: 'inc-staging', service: 'search', environment: 'staging', severity: 'critical' }),
    );
    await n.drain();
    assert.deepEqual(
      received
        .filter((r) => r.path !== '/hook')
        .map((r) => r.key)
        .sort(),
      ['oncall/inc-low/1', 'teams/inc-low/1'],
    );
    await n.close();
  });
});

describe('notable versions', () => {
  it('ignore an older or repeated version, and an incident first seen resolved', () => {
    const notable = new NotableVersions();
    assert.equal(notable.judge(anIncident({ version: 3 })), 'opened');
    assert.equal(notable.judge(anIncident({ version: 2, status: 'resolved' })), null);
    assert.equal(notable.judge(anIncident({ version: 3 })), null);
    assert.equal(notable.judge(anIncident({ id: 'old', status: 'resolved' })), null);
    assert.equal(notable.judge(anIncident({ version: 4, status: 'resolved' })), 'resolved');
    assert.equal(notable.judge(anIncident({ version: 5, status: 'open' })), 'reopened');
  });

  it('after a restart, take a first-seen version for what its own event says: an update is not a new incident', () => {
    const notable = new NotableVersions();
    assert.equal(notable.judge(anIncident({ id: 'a', version: 7, event: 'updated' })), null);
    assert.equal(
      notable.judge(anIncident({ id: 'b', version: 4, event: 'acknowledged', status: 'acknowledged' })),
      'acknowledged',
    );
    assert.equal(
      notable.judge(anIncident({ id: 'c', version: 9, event: 'resolved', status: 'resolved' })),
      'resolved',
    );
    assert.equal(
      notable.judge(anIncident({ id: 'a', version: 8, event: 'severity_changed', severity: 'info' })),
      'severity',
    );
  });

  it('hold a snoozed incident: nothing while snoozed, then what changed meanwhile, or that the snooze ended', () => {
    const notable = new NotableVersions();
    const at = anIncident().updatedAt;
    const until = at + 30 * MINUTE;
    assert.equal(notable.judge(anIncident({ version: 1 })), 'opened');
    const snoozed = { snoozedUntil: until, updatedAt: at + MINUTE };
    assert.equal(notable.judge(anIncident({ version: 2, event: 'snoozed', ...snoozed })), null);
    assert.equal(notable.judge(anIncident({ version: 3, severity: 'info', ...snoozed })), null, 'held');
    assert.equal(
      notable.judge(anIncident({ version: 4, event: 'unsnoozed', severity: 'info', updatedAt: until })),
      'severity',
      'what changed while it was held',
    );
    assert.equal(
      notable.judge(anIncident({ version: 5, event: 'snoozed', severity: 'info', ...snoozed })),
      null,
    );
    assert.equal(
      notable.judge(anIncident({ version: 6, event: 'unsnoozed', severity: 'info', updatedAt: until })),
      'unsnoozed',
      'the incident is back',
    );
    assert.equal(
      notable.judge(anIncident({ version: 7, event: 'snoozed', severity: 'info', ...snoozed })),
      null,
    );
    assert.equal(
      notable.judge(
        anIncident({ version: 8, event: 'resolved', status: 'resolved', updatedAt: at + 2 * MINUTE }),
      ),
      'resolved',
      'resolving ends the snooze and is told',
    );
  });
});

describe('notification routes', () => {
  const fieldAtFault = (text: string, env: Record<string, string> = {}) =>
    refusal(FieldError, () => parseRoutes(text, env)).field;

  it('name the field at fault', () => {
    assert.equal(
      fieldAtFault('channels: [{ name: a, type: sms, url: "http://x" }]\nroutes: [{ channels: [a] }]'),
      'channels.0',
    );
    assert.equal(
      fieldAtFault('channels: [{ name: a, type: slack, urlEnv: NOPE }]\nroutes: [{ channels: [a] }]'),
      'channels.0.urlEnv',
    );
    assert.equal(
      fieldAtFault('channels: [{ name: a, type: slack, url: "http://x" }]\nroutes: [{ channels: [b] }]'),
      'routes.0.channels.0',
    );
    assert.equal(
      fieldAtFault(
        'channels: [{ name: a, type: slack, url: "http://x" }]\nroutes: [{ match: { severity: high }, channels: [a] }]',
      ),
      'routes.0.match.severity',
    );
    assert.equal(
      fieldAtFault('channels: [{ name: p, type: pagerduty }]\nroutes: [{ channels: [p] }]'),
      'channels.0.routingKey',
    );
  });
});
