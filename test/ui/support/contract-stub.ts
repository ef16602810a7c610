// A stand-in for the api app that answers exactly the documented REST contract from fixed,
// realistic records, and serves the web UI's static files the way the api app does. It lets the
// browser checks run where the real api routes are not there yet, and pins what each page shows
// for data the engine only produces in long runs (weeks of problem history, team DORA figures).
// The real-app test (ui.e2e-spec.ts) is the one that proves the whole loop.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Change, Incident, IncidentCommand, Problem, ProblemCommand, Verdict } from '#contracts';
import {
  aChange,
  anAlert,
  anAssessment,
  anIncident,
  anIncidentCommand,
  aProblem,
  aProblemCommand,
  aVerdict,
} from '#testing';
import { scorecard, scorecardHtml, scorecardMarkdown, similarIncidents, type ScorecardInput } from '#core';
import type { DoraRow } from '../../../apps/api/src/dora/dora.service.js';
import {
  scorecardDora,
  scorecardProblem,
  scorecardSlo,
  verificationCounts,
} from '../../../apps/api/src/scorecard/scorecard-input.js';
import type { SloView } from '../../../apps/api/src/slo/slo-budgets.js';
import { API_CONTROLLERS } from '../../../apps/api/src/api.module.js';
import { openApiDocument } from '../../../apps/api/src/openapi/openapi.js';
import { operations, responseSchema, SchemaValidator, type Schema } from '../../support/api-schema.js';
import {
  UI_CONTENT_SECURITY_POLICY,
  UI_VENDOR_FILES,
} from '../../../apps/api/src/ui/static-ui.middleware.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const UI_ROOT = resolve('apps/api/ui');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface ContractStub {
  readonly url: string;
  readonly token: string;
  /** Every POST the UI made: path, JSON body and the actor header. */
  readonly posts: { path: string; body: unknown; actor?: string }[];
  /** Answers that broke the OpenAPI document (route, and what is wrong); empty when the stub kept to it. */
  readonly offContract: readonly { route: string; problems: readonly string[] }[];
  /** Cuts every open event stream, as a proxy or a restart would. */
  dropStreams(): void;
  close(): Promise<void>;
}

export async function startContractStub(token: string, now = Date.now()): Promise<ContractStub> {
  const data = fixtures(now);
  const streams = new Set<ServerResponse>();
  const posts: { path: string; body: unknown; actor?: string }[] = [];
  const offContract: { route: string; problems: readonly string[] }[] = [];
  const contract = new ContractCheck();
  const tickets = new Set<string>();
  let ticketCount = 0;

  const publish = (incident: Incident) => {
    data.incidentHistory.set(incident.id, [...(data.incidentHistory.get(incident.id) ?? []), incident]);
    for (const res of streams) res.write(`data: ${JSON.stringify(incident)}\n\n`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) =>
      reply(res, 500, { error: { code: 'internal', reason: String(error) } }),
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stub');
    const path = url.pathname;
    // Every answer is checked against the OpenAPI document the real api serves: the stub cannot
    // drift from the contract it stands in for (what is off it is kept in offContract).
    const send = (res: ServerResponse, status: number, body: unknown): void => {
      const problems = contract.check(req.method ?? 'GET', path, status, body);
      if (problems.length > 0) offContract.push({ route: `${req.method} ${path} → ${status}`, problems });
      reply(res, status, body);
    };
    // As the api app without single sign-on configured.
    if (path === '/auth/methods') return reply(res, 200, { sso: null });
    if (!path.startsWith('/api/')) return serveStatic(path, res);
    if (path === '/api/v1/stream/incidents') {
      // As the api app: a ticket from POST /api/v1/stream/tickets opens the stream once.
      const ticket = url.searchParams.get('ticket') ?? '';
      if (!tickets.delete(ticket)) return send(res, 401, authError());
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, authError());
    if (path === '/api/v1/stream/tickets' && req.method === 'POST') {
      const ticket = `ticket-${++ticketCount}`;
      tickets.add(ticket);
      return send(res, 201, {
        ticket,
        expiresAt: Date.now() + 30_000,
        url: `/api/v1/stream/incidents?ticket=${ticket}`,
      });
    }
    if (path === '/api/v1/session') {
      // A token for a shared UI: it may name the person it acts for.
      const scopes = ['read', 'write', 'delegate'];
      return send(res, 200, {
        token: 'ui-contract',
        scopes,
        expiresAt: null,
        actsForOthers: true,
        kind: 'token',
      });
    }
    const latest = (id: string) => data.incidentHistory.get(id)?.at(-1);
    const q = (name: string) => url.searchParams.get(name) ?? undefined;
    let m: RegExpExecArray | null;

    if (req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as Record<string, string | undefined>;
      const actor = req.headers['x-aftershock-actor'];
      posts.push({ path, body, ...(typeof actor === 'string' ? { actor } : {}) });
      if (
        (m =
          /^\/api\/v1\/incidents\/([^/]+)\/(acknowledge|resolve|comment|severity|assign|unassign|snooze|unsnooze|merge|split)$/.exec(
            path,
          ))
      ) {
        const current = latest(decodeURIComponent(m[1]!));
        if (!current) return send(res, 404, { error: { code: 'not.found', reason: 'no such incident' } });
        const action = m[2]!;
        const at = Date.now();
        const who = typeof actor === 'string' ? actor : 'ui-contract';
        const refs = (body.refs ?? []) as unknown as string[];
        // As the api: the field at fault named in a 400, the other incident of a merge looked up.
        const missing = { assign: 'assignee', snooze: 'until', merge: 'into' }[action];
        if (missing && !body[missing])
          return send(res, 400, {
            error: { code: 'request.missing-field', field: missing, reason: 'is required' },
          });
        const target = action === 'merge' ? latest(body.into!) : undefined;
        if (action === 'merge' && !target)
          return send(res, 400, {
            error: { code: 'request.invalid', field: 'into', reason: `no incident "${body.into}"` },
          });
        if (action === 'split' && (refs.length === 0 || refs.length >= current.members.length))
          return send(res, 400, {
            error: {
              code: 'request.invalid',
              field: 'refs',
              reason: 'a split must leave at least one member',
            },
          });
        const splitId = `${current.id}-split-${current.splitInto.length + 1}`;
        const next: Incident = {
          ...current,
          version: current.version + 1,
          updatedAt: at,
          actor: who,
          comment: body.comment ?? null,
          ...(action === 'acknowledge' ? { event: 'acknowledged', status: 'acknowledged' } : {}),
          ...(action === 'resolve'
            ? { event: 'resolved', status: 'resolved', resolvedAt: at, snoozedUntil: null }
            : {}),
          ...(action === 'comment' ? { event: 'commented' } : {}),
          ...(action === 'severity'
            ? {
                event: 'severity_changed',
                severity: (body.severity ?? current.severity) as Incident['severity'],
              }
            : {}),
          ...(action === 'assign' ? { event: 'reassigned', assignee: body.assignee! } : {}),
          ...(action === 'unassign' ? { event: 'reassigned', assignee: null } : {}),
          ...(action === 'snooze' ? { event: 'snoozed', snoozedUntil: Date.parse(body.until!) } : {}),
          ...(action === 'unsnooze' ? { event: 'unsnoozed', snoozedUntil: null } : {}),
          ...(action === 'merge'
            ? {
                event: 'merged',
                status: 'resolved',
                resolvedAt: at,
                duplicateOf: target!.id,
                snoozedUntil: null,
              }
            : {}),
          ...(action === 'split'
            ? {
                event: 'split',
                members: current.members.filter((x) => !refs.includes(x.ref)),
                splitInto: [...current.splitInto, splitId],
              }
            : {}),
        };
        const others: Incident[] = [];
        if (target)
          others.push({
            ...target,
            version: target.version + 1,
            event: 'merged',
            updatedAt: at,
            actor: who,
            comment: body.comment ?? null,
            members: [
              ...target.members,
              ...current.members.filter((x) => !target.members.some((t) => t.ref === x.ref)),
            ],
            services: [...new Set([...target.services, ...current.services])].sort(),
            mergedFrom: [...target.mergedFrom, current.id],
          });
        if (action === 'split') {
          const moved = current.members.filter((x) => refs.includes(x.ref));
          others.push({
            ...current,
            id: splitId,
            version: 1,
            event: 'opened',
            status: 'open',
            title: `${moved[0]!.name} on ${moved[0]!.service}`,
            service: moved[0]!.service,
            services: [...new Set(moved.map((x) => x.service))].sort(),
            members: moved,
            updatedAt: at,
            resolvedAt: null,
            actor: who,
            comment: body.comment ?? null,
            assignee: null,
            snoozedUntil: null,
            mergedFrom: [],
            splitInto: [],
            splitFrom: current.id,
          });
        }
        setTimeout(() => {
          publish(next);
          others.forEach(publish);
        }, 300);
        return send(res, 202, {
          command: anIncidentCommand({
            incidentId: current.id,
            service: current.service,
            action: (action === 'unassign' ? 'assign' : action) as IncidentCommand['action'],
            actor: who,
            at,
            comment: body.comment ?? null,
            severity: (body.severity ?? null) as IncidentCommand['severity'],
            assignee: action === 'assign' ? body.assignee! : null,
            until: action === 'snooze' ? Date.parse(body.until!) : null,
            relatedIncidentId: target?.id ?? null,
            refs: action === 'split' ? refs : [],
            splitService: null,
          }),
        });
      }
      if ((m = /^\/api\/v1\/problems\/([^/]+)\/(confirm|reject|known-error|resolve)$/.exec(path))) {
        const id = decodeURIComponent(m[1]!);
        const timeline = data.problemHistory.get(id);
        const current = timeline?.at(-1);
        if (!timeline || !current)
          return send(res, 404, { error: { code: 'not.found', reason: 'no such problem' } });
        const status = {
          confirm: 'problem',
          reject: 'rejected',
          'known-error': 'known_error',
          resolve: 'resolved',
        }[m[2] as 'confirm'] as Problem['status'];
        if (m[2] === 'known-error' && !body.workaround)
          return send(res, 400, {
            error: { code: 'validate.missing-field', field: 'workaround', reason: 'is required' },
          });
        setTimeout(
          () =>
            timeline.push({
              ...current,
              version: current.version + 1,
              status,
              updatedAt: Date.now(),
              actor: typeof actor === 'string' ? actor : 'ui-contract',
              workaround: body.workaround ?? current.workaround,
              fixChangeId: body.fixChangeId ?? current.fixChangeId,
            }),
          300,
        );
        return send(res, 202, {
          command: aProblemCommand({
            problemId: id,
            action: ({ 'known-error': 'known_error' }[m[2]!] ?? m[2]) as ProblemCommand['action'],
            actor: typeof actor === 'string' ? actor : 'ui-contract',
            workaround: body.workaround ?? null,
            fixChangeId: body.fixChangeId ?? null,
            comment: body.comment ?? null,
          }),
        });
      }
      if ((m = /^\/api\/v1\/problems\/([^/]+)\/(link|unlink)$/.exec(path))) {
        // As the api: the field named in a 400, an unknown problem or incident 404, what the
        // lifecycle or the members forbid 409; the problems app moves a linked incident out of
        // the problem it was in, so both get a new version.
        const id = decodeURIComponent(m[1]!);
        const action = m[2] as 'link' | 'unlink';
        const current = data.problemHistory.get(id)?.at(-1);
        if (!current) return send(res, 404, { error: { code: 'not.found', reason: `no problem "${id}"` } });
        const incidentId = body.incidentId;
        if (!incidentId)
          return send(res, 400, {
            error: { code: 'request.missing-field', field: 'incidentId', reason: 'is required' },
          });
        if (!latest(incidentId))
          return send(res, 404, { error: { code: 'not.found', reason: `no incident "${incidentId}"` } });
        const member = current.members.includes(incidentId);
        if (
          current.status === 'rejected' ||
          member === (action === 'link') ||
          (action === 'unlink' && current.members.length === 1)
        )
          return send(res, 409, {
            error: { code: 'problem.command-not-applicable', reason: `cannot ${action} ${incidentId}` },
          });
        const who = typeof actor === 'string' ? actor : 'ui-contract';
        const version = (p: Problem, members: string[]): Problem => ({
          ...p,
          version: p.version + 1,
          members,
          count: p.count + members.length - p.members.length,
          updatedAt: Date.now(),
          actor: who,
          comment: body.comment ?? null,
        });
        setTimeout(() => {
          for (const timeline of data.problemHistory.values()) {
            const p = timeline.at(-1)!;
            if (p.id === id)
              timeline.push(
                version(
                  p,
                  action === 'link' ? [...p.members, incidentId] : p.members.filter((x) => x !== incidentId),
                ),
              );
            else if (action === 'link' && p.members.includes(incidentId))
              timeline.push(
                version(
                  p,
                  p.members.filter((x) => x !== incidentId),
                ),
              );
          }
        }, 300);
        return send(res, 202, {
          command: aProblemCommand({
            problemId: id,
            action,
            actor: who,
            incidentId,
            comment: body.comment ?? null,
          }),
        });
      }
      return send(res, 404, { error: { code: 'not.found', reason: `no route POST ${path}` } });
    }

    const budgetsOf = (id: string) => data.incidentBudgets.get(id) ?? [];
    const instant = (name: string) => (q(name) === undefined ? undefined : Date.parse(q(name)!));
    if (path === '/api/v1/incidents') {
      // As the api: open at some time in [from, to); by budget spent over all SLOs on sort=budget.
      const [from, to] = [instant('from') ?? -Infinity, instant('to') ?? Infinity];
      const items = [...data.incidentHistory.values()]
        .map((h) => ({ ...h.at(-1)!, budgets: budgetsOf(h[0]!.id) }))
        .filter(
          (i) =>
            (!q('status') || i.status === q('status')) &&
            (!q('service') || i.services.includes(q('service')!)) &&
            (!q('assignee') || i.assignee === q('assignee')) &&
            (!q('snoozed') ||
              q('snoozed') === 'any' ||
              (q('snoozed') === 'true') === (i.snoozedUntil !== null && i.snoozedUntil > Date.now())) &&
            i.openedAt < to &&
            (i.resolvedAt ?? Infinity) >= from,
        );
      const total = (i: { budgets: { spent: number }[] }) => i.budgets.reduce((a, b) => a + b.spent, 0);
      if (q('sort') === 'budget') items.sort((a, b) => total(b) - total(a));
      return send(res, 200, { items, next: null });
    }
    // As the api: the detail's series over its range, or over the range asked for (at most 2 days).
    const seriesOf = (incident: Incident, range = incidentRange(incident)) => ({
      metrics: incident.id === data.mainIncidentId ? data.metricsOver(range.from, range.to) : [],
      range,
    });
    if ((m = /^\/api\/v1\/incidents\/([^/]+)\/similar$/.exec(path))) {
      // As the api, with every incident a candidate (the store narrows them first).
      const incident = latest(decodeURIComponent(m[1]!));
      if (!incident) return send(res, 404, { error: { code: 'not.found', reason: 'no such incident' } });
      const incidents = [...data.incidentHistory.values()].map((h) => h.at(-1)!);
      const problems = [...data.problemHistory.values()].map((t) => t.at(-1)!);
      return send(res, 200, { items: similarIncidents(incident, incidents, problems) });
    }
    if ((m = /^\/api\/v1\/incidents\/([^/]+)\/series$/.exec(path))) {
      const incident = latest(decodeURIComponent(m[1]!));
      if (!incident) return send(res, 404, { error: { code: 'not.found', reason: 'no such incident' } });
      const [from, to] = [instant('from'), instant('to')];
      if (from === undefined && to === undefined) return send(res, 200, seriesOf(incident));
      if (!(from! < to!) || to! - from! > 2 * DAY)
        return send(res, 400, { error: { code: 'request.invalid', reason: 'from/to', field: 'to' } });
      return send(res, 200, seriesOf(incident, { from: from!, to: to! }));
    }
    if ((m = /^\/api\/v1\/incidents\/([^/]+)$/.exec(path))) {
      const history = data.incidentHistory.get(decodeURIComponent(m[1]!));
      if (!history) return send(res, 404, { error: { code: 'not.found', reason: 'no such incident' } });
      const incident = history.at(-1)!;
      return send(res, 200, {
        incident,
        history,
        changes: data.changes.filter((c) => Math.abs(c.startedAt - incident.openedAt) < 2 * HOUR),
        verdicts: data.verdicts.filter((v) => incident.suspects.some((s) => s.changeId === v.changeId)),
        ...seriesOf(incident),
        commands: [],
        problemIds: [...data.problemHistory.values()]
          .map((t) => t.at(-1)!)
          .filter((p) => p.members.includes(incident.id))
          .map((p) => p.id),
        budgets: budgetsOf(incident.id),
        knownErrors: [...data.problemHistory.values()]
          .map((t) => t.at(-1)!)
          .filter((p) => p.status === 'known_error' && p.members.includes(incident.id))
          .map((p) => ({
            problemId: p.id,
            title: p.title,
            workaround: p.workaround,
            fixChangeId: p.fixChangeId,
          })),
        // Each alert member as its source last reported it, with the runbook Alertmanager sent.
        alerts: incident.members
          .filter((m) => m.type === 'alert')
          .map((m) =>
            anAlert({
              id: `${m.ref}-firing`,
              fingerprint: m.ref,
              name: m.name,
              service: m.service,
              severity: incident.severity,
              summary: `${m.name} on ${m.service}`,
              startsAt: m.at,
              source: 'alertmanager',
              link: `https://prometheus.shop.example/graph?g0.expr=${m.name}`,
              runbookUrl: `https://runbooks.shop.example/${m.name}`,
            }),
          )
          .reverse(),
      });
    }
    if (path === '/api/v1/changes') {
      const [from, to] = [instant('from') ?? -Infinity, instant('to') ?? Infinity];
      const items = data.changes
        .filter(
          (c) => (!q('service') || c.service === q('service')) && c.startedAt >= from && c.startedAt < to,
        )
        .map((c) => ({
          ...c,
          verdict: data.verdicts.filter((v) => v.changeId === c.id).at(-1) ?? null,
          assessment: data.assessments.get(c.id) ?? null,
        }));
      return send(res, 200, { items, next: null });
    }
    if ((m = /^\/api\/v1\/changes\/([^/]+)$/.exec(path))) {
      const change = data.changes.find((c) => c.id === decodeURIComponent(m![1]!));
      if (!change) return send(res, 404, { error: { code: 'not.found', reason: 'no such change' } });
      const verdicts = data.verdicts.filter((v) => v.changeId === change.id);
      // A failed change's regression: what the incident it leads spent (the api counts it from
      // its observation to the next change; the stub's incidents span the same time).
      const failed = (verdicts.find((v) => v.final) ?? verdicts.at(-1))?.outcome === 'fail';
      const caused = [...data.incidentHistory.values()]
        .map((h) => h.at(-1)!)
        .find((i) => i.suspects[0]?.changeId === change.id);
      return send(res, 200, {
        change,
        verdicts,
        assessment: data.assessments.get(change.id) ?? null,
        budgets: failed && caused ? budgetsOf(caused.id) : [],
      });
    }
    if (path === '/api/v1/problems') {
      const items = [...data.problemHistory.values()]
        .map((t) => t.at(-1)!)
        .filter((p) => !q('status') || p.status === q('status'));
      const budget = (p: Problem) => data.problemBudgets.get(p.id) ?? { spent: 0, bySlo: [] };
      items.sort((a, b) =>
        q('sort') === 'count'
          ? b.count - a.count
          : q('sort') === 'budget'
            ? budget(b).spent - budget(a).spent
            : b.impact - a.impact,
      );
      const window = { from: Date.now() - 30 * DAY, to: Date.now() };
      return send(res, 200, {
        items: items.map((p) => ({
          ...p,
          window: { ...window, count: p.count, previous: 0, growth: p.count },
          budget: budget(p),
        })),
        next: null,
      });
    }
    if ((m = /^\/api\/v1\/problems\/([^/]+)$/.exec(path))) {
      const timeline = data.problemHistory.get(decodeURIComponent(m[1]!));
      if (!timeline) return send(res, 404, { error: { code: 'not.found', reason: 'no such problem' } });
      const problem = timeline.at(-1)!;
      return send(res, 200, {
        problem,
        members: problem.members.map((id) => data.incidentHistory.get(id)?.at(-1)).filter(Boolean),
        timeline,
        trend: data.trend,
      });
    }
    if (path === '/api/v1/slos')
      return send(res, 200, { items: data.slos.filter((s) => !q('service') || s.service === q('service')) });
    if ((m = /^\/api\/v1\/slos\/([^/]+)$/.exec(path))) {
      const slo = data.slos.find((s) => s.name === decodeURIComponent(m![1]!));
      if (!slo) return send(res, 404, { error: { code: 'not.found', reason: 'no such slo' } });
      return send(res, 200, { slo, burnDown: data.sloBurnDown.get(slo.name) ?? [] });
    }
    if (path === '/api/v1/dora') return send(res, 200, data.dora);
    if (path === '/api/v1/scorecard') {
      // The core's own scorecard over the stub's records: the page shows what the api would.
      const card = scorecard(scorecardInput(data, Date.now()));
      const format = q('format') ?? 'json';
      if (format === 'json') return send(res, 200, card);
      const markdown = format === 'markdown';
      res.writeHead(200, {
        'content-type': markdown ? 'text/markdown; charset=utf-8' : 'text/html; charset=utf-8',
      });
      res.end(markdown ? scorecardMarkdown(card) : scorecardHtml(card));
      return;
    }
    if (path === '/api/v1/risk/gate') return send(res, 200, data.gate);
    return send(res, 404, { error: { code: 'not.found', reason: `no route GET ${path}` } });
  }

  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    posts,
    offContract,
    dropStreams: () => {
      for (const res of streams) res.destroy();
      streams.clear();
    },
    close: async () => {
      for (const res of streams) res.end();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

const authError = () => ({ error: { code: 'auth.unknown', reason: 'unknown token' } });

/** What the api gathers for the scorecard, from the stub's records. */
function scorecardInput(data: ReturnType<typeof fixtures>, now: number): ScorecardInput {
  const incidents = [...data.incidentHistory.values()].map((h) => h.at(-1)!);
  const problems = [...data.problemHistory.values()].map((t) => t.at(-1)!);
  // As the api: a service's team is its changes' (the latest that names one).
  const changeTeam = new Map<string, string>();
  for (const c of [...data.changes].sort((a, b) => a.startedAt - b.startedAt))
    if (c.team) changeTeam.set(c.service, c.team);
  const services = new Map<string, string | null>();
  for (const row of data.dora.services) services.set(row.service, changeTeam.get(row.service) ?? row.team);
  for (const i of incidents) if (!services.has(i.service)) services.set(i.service, i.team);
  return {
    from: now - 28 * DAY,
    to: now,
    now,
    services: [...services].map(([service, team]) => ({ service, team })),
    // The api's own mappings from its views, on the stub's answers of the same views.
    slos: data.slos.flatMap((slo) => scorecardSlo(slo as SloView) ?? []),
    dora: new Map(data.dora.services.map((r) => [r.service, scorecardDora(r as DoraRow)])),
    verifications: verificationCounts(data.verdicts),
    incidents: incidents.map((i) => ({
      id: i.id,
      service: i.service,
      openedAt: i.openedAt,
      respondedAt: i.status === 'open' ? null : i.updatedAt,
      resolvedAt: i.resolvedAt,
    })),
    problems: problems.map((p) =>
      scorecardProblem({ ...p, budget: data.problemBudgets.get(p.id) ?? { spent: 0, bySlo: [] } }),
    ),
  };
}

function incidentRange(incident: Incident): { from: number; to: number } {
  return {
    from: incident.openedAt - 2 * HOUR,
    to: Math.max(incident.updatedAt, incident.openedAt + HOUR) + 1,
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => ok(text));
    req.on('error', fail);
  });
}

async function serveStatic(path: string, res: ServerResponse): Promise<void> {
  const file = UI_VENDOR_FILES[path] ?? normalize(join(UI_ROOT, path === '/' ? 'index.html' : path));
  if (!file.startsWith(UI_ROOT) && !UI_VENDOR_FILES[path])
    return reply(res, 404, { error: { code: 'not.found', reason: 'no such file' } });
  try {
    const body = await readFile(file);
    // Under the api app's Content-Security-Policy, so a page that needs an inline script fails here too.
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': UI_CONTENT_SECURITY_POLICY,
    });
    res.end(body);
  } catch {
    reply(res, 404, { error: { code: 'not.found', reason: 'no such file' } });
  }
}

/** The records behind the stub: a bad deploy story, a config story, a flapping alert, a nightly problem. */
function fixtures(now: number) {
  const t0 = Math.floor((now - 50 * MINUTE) / MINUTE) * MINUTE; // the bad deploy
  const badId = 'demo-deploy-checkout-v2.14.0';
  const configId = 'demo-config-payments-fraud-timeout';
  const services = ['checkout', 'payments', 'frontend', 'cart', 'search', 'shipping', 'email'];
  const changes: Change[] = [
    aChange({
      id: badId,
      service: 'checkout',
      version: 'v2.14.0',
      previousVersion: 'v2.13.4',
      startedAt: t0,
      finishedAt: t0 + 3 * MINUTE,
      rollout: 'all_at_once',
      team: 'payments',
    }),
    aChange({
      id: configId,
      kind: 'config',
      service: 'payments',
      version: null,
      previousVersion: null,
      startedAt: t0 - 25 * MINUTE,
      finishedAt: t0 - 25 * MINUTE + 30_000,
      configKeys: ['fraud.timeout_ms'],
      automated: false,
      initiator: 'dev@shop.example',
      rollout: 'all_at_once',
      team: 'payments',
    }),
  ];
  for (let i = 0; i < 14; i++) {
    const service = services[(i * 3) % services.length]!;
    if (service === 'checkout' && i < 3) continue;
    changes.push(
      aChange({
        id: `demo-deploy-${service}-v1.${10 + i}.0`,
        service,
        version: `v1.${10 + i}.0`,
        previousVersion: `v1.${9 + i}.0`,
        startedAt: t0 - (6 * HOUR - i * 23 * MINUTE),
        finishedAt: t0 - (6 * HOUR - i * 23 * MINUTE) + 4 * MINUTE,
        team: i % 2 ? 'storefront' : 'fulfilment',
      }),
    );
  }
  changes.sort((a, b) => a.startedAt - b.startedAt);
  const verdicts: Verdict[] = changes.map((c, i) =>
    aVerdict({
      id: `${c.id}/2`,
      changeId: c.id,
      service: c.service,
      outcome: c.id === badId ? 'fail' : i % 7 === 3 ? 'inconclusive' : 'pass',
      score: c.id === badId ? 6 : i % 7 === 3 ? 55 : 93,
      look: 2,
      decidedAt: c.startedAt + 17 * MINUTE,
      baselineStart: c.startedAt - 30 * MINUTE,
      baselineEnd: c.startedAt,
      observationStart: c.startedAt,
      observationEnd: c.startedAt + 15 * MINUTE,
      summary:
        c.id === badId
          ? 'error ratio up 22× and latency p95 up 90% after the deploy'
          : i % 7 === 3
            ? 'too little traffic to judge'
            : 'no regression in error ratio, latency or throughput',
      metrics:
        c.id === badId
          ? [
              {
                metric: 'http.server.error.ratio',
                outcome: 'fail',
                test: 'rate',
                pValue: 1e-9,
                effect: 21,
                baselineValue: 0.004,
                observedValue: 0.088,
                reason: 'error ratio rose from 0.4% to 8.8% (rate test, p < 0.001)',
              },
              {
                metric: 'http.server.request.duration.p95',
                outcome: 'fail',
                test: 'mann-whitney',
                pValue: 1e-6,
                effect: 0.9,
                baselineValue: 0.21,
                observedValue: 0.4,
                reason: 'p95 latency rose from 210 ms to 400 ms',
              },
            ]
          : [
              {
                metric: 'http.server.error.ratio',
                outcome: 'pass',
                test: 'rate',
                pValue: 0.6,
                effect: 0.01,
                baselineValue: 0.004,
                observedValue: 0.004,
                reason: 'error ratio unchanged at 0.4%',
              },
            ],
    }),
  );
  const assessments = new Map(
    changes.map((c, i) => [
      c.id,
      anAssessment({
        id: `asm-${c.id}`,
        changeId: c.id,
        service: c.service,
        probability: c.id === badId ? 0.31 : c.kind === 'config' ? 0.12 : 0.03 + (i % 4) * 0.01,
        riskClass: c.id === badId ? 'high' : c.kind === 'config' ? 'normal' : 'standard',
        decision: c.id === badId ? 'review' : c.kind === 'config' ? 'review' : 'approved',
        policyRule:
          c.id === badId
            ? 'high-risk-needs-review'
            : c.kind === 'config'
              ? 'manual-config-review'
              : 'standard-automated-canary',
        reasons: [
          {
            factor: 'change-failure-rate',
            detail:
              c.id === badId
                ? '3 of 11 changes to checkout failed in 30 days'
                : '0 of 14 changes failed in 30 days',
            weight: c.id === badId ? 0.9 : -0.4,
          },
          ...(c.rollout === 'all_at_once'
            ? [{ factor: 'rollout', detail: 'all at once, no canary', weight: 0.5 }]
            : []),
        ],
      }),
    ]),
  );

  const onset = t0 + 2 * MINUTE;
  const opened = t0 + 6 * MINUTE;
  const main: Incident = anIncident({
    id: 'inc-checkout-regression',
    kind: 'regression',
    title: 'checkout: error ratio and latency regressed after v2.14.0',
    summary:
      'checkout 5xx ratio at 8.8% (baseline 0.4%) and p95 latency up 90% since deploy v2.14.0; frontend callers affected.',
    severity: 'critical',
    service: 'checkout',
    services: ['checkout', 'frontend'],
    openedAt: opened,
    updatedAt: opened,
    blastRadius: 2,
    team: 'payments',
    members: [
      {
        type: 'verdict',
        ref: `${badId}/1`,
        service: 'checkout',
        name: 'verification failed: v2.14.0',
        at: opened,
      },
    ],
    suspects: [
      {
        changeId: badId,
        service: 'checkout',
        kind: 'deployment',
        component: null,
        probability: 0.81,
        evidence: [
          {
            factor: 'verification',
            detail: 'its own verification failed: error ratio 0.4% → 8.8%',
            weight: 2.3,
          },
          { factor: 'timing', detail: 'onset 2 min after the rollout started', weight: 1.6 },
          { factor: 'topology', detail: 'the change is on checkout itself', weight: 1.1 },
          {
            factor: 'onset-alignment',
            detail: 'the errors began while the rollout was in progress',
            weight: 0.8,
          },
          { factor: 'prior', detail: 'assessed high risk before it shipped (31%)', weight: 0.4 },
        ],
      },
      {
        changeId: configId,
        service: 'payments',
        kind: 'config',
        component: null,
        probability: 0.11,
        evidence: [
          { factor: 'topology', detail: 'payments is 1 hop downstream of checkout', weight: 0.5 },
          { factor: 'timing', detail: 'applied 27 min before the onset', weight: -0.6 },
          { factor: 'verification', detail: 'its own verification passed', weight: -1.2 },
        ],
      },
      {
        changeId: null,
        service: null,
        kind: null,
        component: null,
        probability: 0.08,
        evidence: [{ factor: 'no-change', detail: 'no recorded change explains it', weight: 0 }],
      },
    ],
  });
  const mainV2: Incident = {
    ...main,
    version: 2,
    event: 'updated',
    updatedAt: opened + 4 * MINUTE,
    members: [
      ...main.members,
      {
        type: 'alert',
        ref: 'fp-checkout-5xx',
        service: 'checkout',
        name: 'HighErrorRate',
        at: opened + 4 * MINUTE,
      },
    ],
  };
  const mainV3: Incident = {
    ...mainV2,
    version: 3,
    updatedAt: opened + 7 * MINUTE,
    services: ['checkout', 'frontend'],
    members: [
      ...mainV2.members,
      {
        type: 'alert',
        ref: 'fp-frontend-latency',
        service: 'frontend',
        name: 'HighLatency',
        at: opened + 7 * MINUTE,
      },
    ],
  };
  const payments = anIncident({
    id: 'inc-payments-latency',
    title: 'HighLatency on payments',
    summary: 'payments p95 latency above 500ms',
    severity: 'high',
    status: 'acknowledged',
    event: 'acknowledged',
    version: 2,
    actor: 'ana@shop.example',
    service: 'payments',
    services: ['payments'],
    openedAt: t0 - 20 * MINUTE,
    updatedAt: t0 - 12 * MINUTE,
    members: [
      {
        type: 'alert',
        ref: 'fp-payments-latency',
        service: 'payments',
        name: 'HighLatency',
        at: t0 - 20 * MINUTE,
      },
    ],
    suspects: [
      {
        changeId: configId,
        service: 'payments',
        kind: 'config',
        component: null,
        probability: 0.64,
        evidence: [{ factor: 'timing', detail: 'onset 5 min after the config change', weight: 1.4 }],
      },
    ],
  });
  const flapping = anIncident({
    id: 'inc-recommendation-flap',
    title: 'HighLatency on recommendation (flapping)',
    summary: 'recommendation p95 latency above 150ms, firing and resolving every 7 minutes',
    severity: 'warning',
    service: 'recommendation',
    services: ['recommendation'],
    openedAt: now - 2 * HOUR,
    updatedAt: now - 30 * MINUTE,
    members: Array.from({ length: 5 }, (_, k) => ({
      type: 'alert' as const,
      ref: 'fp-rec',
      service: 'recommendation',
      name: 'HighLatency',
      at: now - 2 * HOUR + k * 7 * MINUTE,
    })),
    suspects: [
      {
        changeId: null,
        service: null,
        kind: null,
        component: null,
        probability: 0.86,
        evidence: [
          {
            factor: 'no-change',
            detail: 'no change within 2 h on recommendation or its dependencies',
            weight: 1.8,
          },
        ],
      },
    ],
  });
  const nightly = [2, 1, 0].map((n) =>
    anIncident({
      id: `inc-reporting-night-${n}`,
      title: 'BatchJobFailed on reporting',
      summary: `job nightly-export failed after ${3 + n} retries on host batch-0${n + 3} (exit code 137)`,
      severity: 'high',
      status: 'resolved',
      event: 'resolved',
      service: 'reporting',
      services: ['reporting'],
      openedAt: Math.floor((now - n * DAY) / DAY) * DAY + 2 * HOUR + 40_000,
      updatedAt: Math.floor((now - n * DAY) / DAY) * DAY + 2 * HOUR + 26 * MINUTE,
      resolvedAt: Math.floor((now - n * DAY) / DAY) * DAY + 2 * HOUR + 26 * MINUTE,
      members: [],
      suspects: [],
    }),
  );
  // Cart's Redis failover nine days ago, which also failed checkout's requests: a repeat of the
  // known error, and the other incident that spent checkout's budget this window.
  const redisOpened = Math.floor((now - 9 * DAY) / MINUTE) * MINUTE;
  const redis = anIncident({
    id: 'inc-cart-redis-failover',
    title: 'Redis timeouts on cart after failover',
    summary: 'cart and checkout requests timing out on Redis after a failover',
    severity: 'high',
    status: 'resolved',
    event: 'resolved',
    service: 'cart',
    services: ['cart', 'checkout'],
    blastRadius: 2,
    openedAt: redisOpened,
    updatedAt: redisOpened + 95 * MINUTE,
    resolvedAt: redisOpened + 95 * MINUTE,
    members: [],
    suspects: [],
  });
  const incidentHistory = new Map<string, Incident[]>([
    [main.id, [main, mainV2, mainV3]],
    [redis.id, [redis]],
    [payments.id, [{ ...payments, version: 1, event: 'opened', status: 'open', actor: null }, payments]],
    [flapping.id, [flapping]],
    ...nightly.map((i) => [i.id, [i]] as [string, Incident[]]),
  ]);

  // An error ratio and latency with the regression after the deploy, over any range up to now:
  // raw 10-second points up to 6 h, 1-minute means beyond (as the api picks its resolution).
  // The noise is a function of the time, so a point is the same whichever range asks for it.
  const points = (
    base: number,
    factor: number,
    noise: number,
    from: number,
    to: number,
    step: number,
  ): [number, number][] => {
    const out: [number, number][] = [];
    for (let t = Math.ceil(from / step) * step; t < Math.min(to, now); t += step) {
      const bad = t >= onset && t < t0 + 32 * MINUTE;
      const wobble = Math.sin(t / 61_000) * Math.cos(t / 23_000);
      out.push([t, Math.max(0, base * (bad ? factor : 1) * (1 + noise * wobble))]);
    }
    return out;
  };
  const windows = {
    baselineStart: t0 - 30 * MINUTE,
    baselineEnd: t0,
    observationStart: t0,
    observationEnd: t0 + 15 * MINUTE,
  };
  const metricsOver = (from: number, to: number) => {
    const raw = to - from <= 6 * HOUR;
    const step = raw ? 10_000 : MINUTE;
    const resolution = raw ? 'raw' : '1m';
    const series = (service: string, metric: string, unit: string) => ({
      service,
      metric,
      unit,
      resolution,
      environment: 'production',
      labels: {},
    });
    // The caller's service first, as the api may list them: the page charts the suspect's first.
    return [
      {
        ...series('frontend', 'http.server.request.duration.p95', 's'),
        points: points(0.12, 1.25, 0.06, from, to, step),
      },
      {
        ...series('checkout', 'http.server.error.ratio', '1'),
        points: points(0.004, 22, 0.35, from, to, step),
        windows,
      },
      {
        ...series('checkout', 'http.server.request.duration.p95', 's'),
        points: points(0.21, 1.9, 0.08, from, to, step),
        windows,
      },
    ];
  };

  const week = (k: number) => Math.floor((now - k * 7 * DAY) / (7 * DAY)) * 7 * DAY;
  const candidate = aProblem({
    id: 'prb-reporting-nightly-export',
    title: 'BatchJobFailed on reporting: nightly-export fails after retries',
    template: 'job nightly-export failed after <num> retries on host <host> (exit code 137, <num> MiB used)',
    services: ['reporting'],
    members: nightly.map((i) => i.id),
    count: 3,
    firstSeen: nightly[0]!.openedAt,
    lastSeen: nightly[2]!.openedAt,
    mttrMs: 26 * MINUTE,
    impact: 234,
    periodMs: DAY,
    updatedAt: nightly[2]!.openedAt,
    sharedFactors: [
      { factor: 'hour-of-day', value: '02:00 UTC', share: 1 },
      { factor: 'service', value: 'reporting', share: 1 },
    ],
  });
  const known = aProblem({
    id: 'prb-cart-redis-timeouts',
    signature: 'sig-2',
    status: 'known_error',
    title: 'Redis timeouts on cart after failover',
    template: 'redis timeout after <num> ms on <host>',
    services: ['cart', 'checkout'],
    members: [redis.id],
    count: 5,
    impact: 140,
    periodMs: null,
    workaround: 'Restart the cart pods after a Redis failover.',
    sharedFactors: [{ factor: 'change-kind', value: 'infrastructure', share: 0.8 }],
    firstSeen: now - 20 * DAY,
    lastSeen: now - 3 * DAY,
  });
  const problemHistory = new Map<string, Problem[]>([
    [candidate.id, [candidate]],
    [
      known.id,
      [
        { ...known, version: 1, status: 'candidate', workaround: null },
        { ...known, version: 2, status: 'problem', workaround: null },
        { ...known, version: 3 },
      ],
    ],
  ]);
  const trend = [3, 2, 1, 0].map((k) => ({
    week: new Date(week(k)).toISOString().slice(0, 10),
    count: k === 0 ? 3 : k === 1 ? 4 : k === 2 ? 2 : 1,
  }));

  /** A service's figures as the core computes them (per day, lead and restore times, failure rate, bands). */
  const serviceRow = (service: string, i: number) => {
    const days = 30;
    const perDay = [4.2, 1.3, 0.6, 2.1, 0.2][i % 5]!;
    const deployments = Math.round(perDay * days);
    const failures = Math.round([0.05, 0.18, 0.33, 0.1, 0][i % 5]! * deployments);
    const lead = i % 3 === 2 ? null : { median: [0.8, 3.5, 26][i % 3]!, p90: [2.1, 9, 70][i % 3]! };
    const restore = i % 2 ? [0.4, 2.5][i % 2]! : null;
    return {
      service,
      team: null,
      groupBy: 'service',
      key: service,
      from: now - days * DAY,
      to: now,
      days,
      deployments,
      deploymentsPerDay: deployments / days,
      leadTime: lead && {
        count: deployments,
        medianMs: lead.median * HOUR,
        p90Ms: lead.p90 * HOUR,
        skipped: 0,
      },
      changeFailureRate: { failures, deployments, rate: deployments ? failures / deployments : null },
      timeToRestore:
        restore === null ? null : { count: failures, medianMs: restore * HOUR, p90Ms: 2 * restore * HOUR },
      restoreCounts: 'change-incidents',
      bands: { deploymentFrequency: 'high', leadTime: null, changeFailureRate: null, timeToRestore: null },
      band: ['elite', 'high', 'medium', 'high', 'low'][i % 5]!,
    };
  };
  const coreRow = (key: string | null, deployments: number, failures: number, days = 30) => ({
    groupBy: key === null ? 'fleet' : 'team',
    key,
    team: key,
    band: 'elite',
    from: now - days * DAY,
    to: now,
    days,
    deployments,
    deploymentsPerDay: deployments / days,
    leadTime: { count: deployments, medianMs: 2.5 * HOUR, p90Ms: 20 * HOUR, skipped: 0 },
    changeFailureRate: { failures, deployments, rate: failures / deployments },
    timeToRestore: failures ? { count: failures, medianMs: 40 * MINUTE, p90Ms: 2 * HOUR } : null,
    restoreCounts: 'change-incidents',
    bands: {
      deploymentFrequency: deployments / days >= 1 ? 'elite' : 'high',
      leadTime: 'high',
      changeFailureRate: failures / deployments <= 0.15 ? 'elite' : 'high',
      timeToRestore: failures ? 'elite' : null,
    },
  });
  const dora = {
    from: now - 30 * DAY,
    to: now,
    service: null,
    team: null,
    environment: null,
    services: services.map(serviceRow),
    teams: [coreRow('payments', 41, 5), coreRow('storefront', 66, 3), coreRow('fulfilment', 12, 0)],
    fleet: coreRow(null, 119, 8),
    definitions: {
      changeFailure:
        'A change failed when its verification failed, an incident names it, or it was rolled back.',
      bands: 'DORA 2021 (Accelerate State of DevOps)',
      band: 'the median of the four bands',
    },
  };

  // The gate's trade-off from history: too few settled changes here to draw the curve.
  const gate = {
    from: now - 90 * DAY,
    to: now,
    service: null,
    settledBefore: now - 7 * DAY,
    riskClasses: { normalFrom: 0.05, highFrom: 0.2 },
    changes: 0,
    failures: 0,
    curve: [],
    scores: {
      count: 0,
      failures: 0,
      baseRate: null,
      brier: null,
      brierReference: null,
      brierSkill: null,
      auc: null,
      meanBias: null,
      calibrationError: null,
      reliability: [],
    },
  };

  return {
    gate,
    changes,
    verdicts,
    assessments,
    incidentHistory,
    mainIncidentId: main.id,
    ...sloFixtures(now, { main, payments, redis, onset }),
    metricsOver,
    problemHistory,
    trend,
    dora,
  };
}

/**
 * SLOs on the stub's services and what the incidents spent of them, consistent with the story:
 * checkout's availability burns slowly all window, then fast in the Redis failover and again since
 * the bad deploy (still open, so its fast tiers fire); checkout's latency is at risk; payments has
 * overspent its month; search's SLO has counted nothing yet. Budgets are shares of a window's
 * error budget (1 = all of it).
 */
function sloFixtures(
  now: number,
  incidents: Record<'main' | 'payments' | 'redis', Incident> & { onset: number },
) {
  const end = Math.floor(now / MINUTE) * MINUTE;
  const monthStart = Date.UTC(new Date(end).getUTCFullYear(), new Date(end).getUTCMonth(), 1);
  const { main, payments, redis, onset } = incidents;
  const spent = (slo: Slo, objective: string, value: number) => ({
    slo: slo.name,
    service: slo.service,
    objective,
    spent: value,
  });
  const objective = (name: string, target: number, consumed: number, totalEvents: number) => {
    const bad = Math.round(consumed * (1 - target) * totalEvents);
    return {
      name,
      target,
      sli: totalEvents ? 1 - bad / totalEvents : null,
      consumed,
      remaining: 1 - consumed,
      goodEvents: totalEvents - bad,
      totalEvents,
      status: !totalEvents ? 'no-data' : consumed >= 1 ? 'exhausted' : consumed > 0.75 ? 'at-risk' : 'met',
    } as const;
  };
  type Slo = ReturnType<typeof define>;
  const WORKBOOK = [
    ['page-fast', 'critical', 14.4, HOUR, 5 * MINUTE],
    ['page-slow', 'high', 6, 6 * HOUR, 30 * MINUTE],
    ['ticket', 'warning', 1, 3 * DAY, 6 * HOUR],
  ] as const;
  /** An SLO as the api lists it; its tiers are the SRE workbook's, burning at `burns` (long, short). */
  const define = (spec: {
    name: string;
    service: string;
    displayName: string;
    indicator?: string;
    method?: string;
    window?: string;
    start?: number;
    objectives: ReturnType<typeof objective>[];
    burns: [number | null, number | null][];
  }) => {
    const events = spec.objectives[0]!.totalEvents;
    const start = spec.start ?? end - 28 * DAY;
    return {
      name: spec.name,
      displayName: spec.displayName,
      service: spec.service,
      environment: 'production',
      file: `${spec.service}.slo.yaml`,
      source: 'file' as const,
      indicator:
        spec.indicator ?? `http.server.requests{status!~"5.."} / http.server.requests on ${spec.service}`,
      budgetingMethod: spec.method ?? 'Occurrences',
      window: { text: spec.window ?? '28d rolling', start, end },
      objectives: spec.objectives,
      burnRates: WORKBOOK.map(([tier, severity, threshold, longMs, shortMs], i) => {
        const [burnLong, burnShort] = spec.burns[i]!;
        return {
          tier,
          severity,
          threshold,
          longMs,
          shortMs,
          ...(burnLong === null ? {} : { burnLong }),
          ...(burnShort === null ? {} : { burnShort }),
          longEvents: Math.round((events * longMs) / (end - start)),
          firing: burnLong !== null && burnShort !== null && burnLong > threshold && burnShort > threshold,
        };
      }),
      error: null,
    };
  };
  const availability = define({
    name: 'checkout-availability',
    service: 'checkout',
    displayName: 'Checkout availability',
    objectives: [objective('availability', 0.9995, 0.64, 96_768_000)],
    burns: [
      [141, 176],
      [23.5, 176],
      [0.9, 23.5],
    ],
  });
  const latency = define({
    name: 'checkout-latency',
    service: 'checkout',
    displayName: 'Checkout latency',
    indicator: 'http.server.request.duration.p95 < 0.3 s on checkout, per 1 min slice',
    method: 'Timeslices',
    objectives: [objective('p95 under 300 ms', 0.99, 0.81, 40_320)],
    burns: [
      [67, 100],
      [11, 100],
      [1.4, 11],
    ],
  });
  const paymentsSlo = define({
    name: 'payments-availability',
    service: 'payments',
    displayName: 'Payments availability',
    indicator: 'payments.authorised / payments.attempted',
    window: '1 calendar month (UTC)',
    start: monthStart,
    objectives: [
      objective('availability', 0.999, 1.12, 12_400_000),
      objective('relaxed', 0.995, 0.224, 12_400_000),
    ],
    burns: [
      [2.1, 0.4],
      [5.5, 1.2],
      [1.3, 4.1],
    ],
  });
  const searchSlo = define({
    name: 'search-availability',
    service: 'search',
    displayName: 'Search availability',
    objectives: [objective('availability', 0.999, 0, 0)],
    burns: [
      [null, null],
      [null, null],
      [null, null],
    ],
  });
  const slos = [availability, latency, paymentsSlo, searchSlo];

  // What each incident spent: the main incident from its onset until now.
  const budgets = new Map([
    [main.id, [spent(availability, 'availability', 0.21), spent(latency, 'p95 under 300 ms', 0.1)]],
    [payments.id, [spent(paymentsSlo, 'availability', 0.42)]],
    [redis.id, [spent(availability, 'availability', 0.23), spent(latency, 'p95 under 300 ms', 0.05)]],
  ]);
  const bursts = new Map<string, { from: number; to: number; spent: number }[]>();
  for (const incident of [main, payments, redis]) {
    for (const b of budgets.get(incident.id) ?? []) {
      const from = incident.id === main.id ? onset : incident.openedAt;
      const to = incident.resolvedAt ?? end;
      bursts.set(b.slo, [...(bursts.get(b.slo) ?? []), { from, to, spent: b.spent }]);
    }
  }
  /** The strictest objective's budget every 10 minutes: a steady burn plus the incidents' bursts. */
  const burnDown = (slo: Slo) => {
    const strictest = [...slo.objectives].sort((a, b) => b.target - a.target)[0]!;
    if (!strictest.totalEvents) return [];
    const own = bursts.get(slo.name) ?? [];
    const steady = strictest.consumed - own.reduce((a, b) => a + b.spent, 0);
    const points: { at: number; sli: number; consumed: number; remaining: number }[] = [];
    for (let at = slo.window.start + 10 * MINUTE; at <= end; at += 10 * MINUTE) {
      const share = (from: number, to: number) =>
        Math.max(0, Math.min(1, (at - from) / Math.max(1, to - from)));
      const consumed =
        steady * share(slo.window.start, end) + own.reduce((a, b) => a + b.spent * share(b.from, b.to), 0);
      points.push({
        at,
        sli: 1 - (consumed * (1 - strictest.target) * (end - slo.window.start)) / (at - slo.window.start),
        consumed,
        remaining: 1 - consumed,
      });
    }
    return points;
  };
  return {
    slos,
    sloBurnDown: new Map(slos.map((slo) => [slo.name, burnDown(slo)])),
    incidentBudgets: budgets,
    problemBudgets: new Map([
      [
        'prb-cart-redis-timeouts',
        { spent: 0.28, bySlo: [...(budgets.get(redis.id) ?? [])].sort((a, b) => b.spent - a.spent) },
      ],
    ]),
  };
}

/** The stub's answers against the api's OpenAPI document: the operation for a method and path, the schema for a status. */
class ContractCheck {
  private readonly document = openApiDocument(API_CONTROLLERS) as Schema;
  private readonly validator = new SchemaValidator(this.document);
  private readonly routes = operations(this.document).map((op) => ({
    ...op,
    pattern: new RegExp(`^${op.path.replace(/\{\w+\}/g, '[^/]+')}$`),
  }));

  check(method: string, path: string, status: number, body: unknown): string[] {
    const op = this.routes.find((r) => r.method === method.toLowerCase() && r.pattern.test(path));
    if (!op) return [`${method} ${path} is not in the OpenAPI document`];
    const schema = responseSchema(this.validator, op.operation, status);
    if (!schema) return [`${method} ${op.path} does not document status ${status}`];
    return this.validator.validate(body, schema).map((v) => `${v.path} ${v.problem}`);
  }
}
