// Local receivers for the sync's tests: a Jira Cloud and a ServiceNow instance on node:http that
// keep records, answer like the vendors, and check every request against the shapes the vendors
// publish (Jira Cloud REST v3: issue create/edit, JQL search, transitions, Atlassian Document
// Format; ServiceNow Table API: create, query, update of problem records). A request that does
// not fit is answered 400 with the reason, and the reason is kept in `violations`, so a test
// asserts there are none. Faults are injected per method and path.
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

interface Reply {
  readonly status: number;
  readonly body?: unknown;
}

type Route = (req: Recorded, match: RegExpMatchArray) => Reply;

/** A shape violation: the receiver answers 400 with it. */
class Invalid extends Error {}

function check(ok: boolean, reason: string): asserts ok {
  if (!ok) throw new Invalid(reason);
}

export class FakeTracker {
  readonly requests: Recorded[] = [];
  readonly violations: string[] = [];
  private readonly faults: { method: string; path: RegExp; status: number }[] = [];
  private server: Server | undefined;
  url = '';

  constructor(
    private readonly routes: readonly [string, RegExp, Route][],
    private readonly authorization: string,
  ) {}

  /** The next request matching method and path is answered with `status` (once per call). */
  fail(method: string, path: RegExp, status: number): void {
    this.faults.push({ method, path, status });
  }

  count(method: string, path: RegExp): number {
    return this.requests.filter((r) => r.method === method && path.test(r.path)).length;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const reply = this.answer(req, Buffer.concat(chunks).toString('utf8'));
        res.statusCode = reply.status;
        if (reply.body !== undefined) res.setHeader('content-type', 'application/json');
        res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  private answer(req: IncomingMessage, text: string): Reply {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return this.invalid(`${method} ${url.pathname}: the body is not JSON`);
    }
    const recorded: Recorded = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    this.requests.push(recorded);
    const fault = this.faults.findIndex((f) => f.method === method && f.path.test(url.pathname));
    if (fault >= 0) return { status: this.faults.splice(fault, 1)[0]!.status, body: { error: 'injected' } };
    if (req.headers.authorization !== this.authorization)
      return { status: 401, body: { error: 'unauthorized' } };
    try {
      check(/application\/json/.test(req.headers.accept ?? ''), 'Accept must be application/json');
      if (body !== undefined)
        check(/application\/json/.test(req.headers['content-type'] ?? ''), 'Content-Type must be JSON');
      for (const [m, pattern, route] of this.routes) {
        const match = url.pathname.match(pattern);
        if (m === method && match) return route(recorded, match);
      }
      return { status: 404, body: { error: `no route ${method} ${url.pathname}` } };
    } catch (error) {
      if (error instanceof Invalid) return this.invalid(`${method} ${url.pathname}: ${error.message}`);
      throw error;
    }
  }

  private invalid(reason: string): Reply {
    this.violations.push(reason);
    return { status: 400, body: { errorMessages: [reason] } };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Atlassian Document Format as Jira Cloud accepts it: a version-1 doc of known nodes, no empty text. */
export function checkAdf(doc: unknown, where: string): void {
  check(
    isObject(doc) && doc.type === 'doc' && doc.version === 1 && Array.isArray(doc.content),
    `${where} is not an ADF doc`,
  );
  const blocks: Record<string, readonly string[]> = {
    paragraph: ['text'],
    heading: ['text'],
    bulletList: ['listItem'],
    listItem: ['paragraph', 'bulletList'],
  };
  const walk = (node: unknown, allowed: readonly string[]) => {
    check(isObject(node) && typeof node.type === 'string', `${where}: a node without a type`);
    check(allowed.includes(node.type), `${where}: ${node.type} is not allowed here`);
    if (node.type === 'text') {
      check(typeof node.text === 'string' && node.text.length > 0, `${where}: an empty text node`);
      for (const mark of (node.marks as unknown[] | undefined) ?? [])
        check(
          isObject(mark) &&
            mark.type === 'link' &&
            isObject(mark.attrs) &&
            typeof mark.attrs.href === 'string',
          `${where}: a bad mark`,
        );
      return;
    }
    if (node.type === 'heading')
      check(
        isObject(node.attrs) && [1, 2, 3, 4, 5, 6].includes(node.attrs.level as number),
        `${where}: heading level`,
      );
    check(Array.isArray(node.content) && node.content.length > 0, `${where}: ${node.type} without content`);
    for (const child of node.content as unknown[]) walk(child, blocks[node.type]!);
  };
  for (const block of doc.content as unknown[]) walk(block, ['paragraph', 'heading', 'bulletList']);
}

export interface JiraIssue {
  readonly key: string;
  fields: { summary: string; description: unknown; labels: string[]; project: string; issuetype: string };
  status: string;
  readonly comments: unknown[];
}

/** Jira's workflow in the fake: every status offers a transition to every other. */
const WORKFLOW: readonly { id: string; name: string; to: string }[] = [
  { id: '11', name: 'Start Analysis', to: 'In Analysis' },
  { id: '21', name: 'Known Error', to: 'Known Error' },
  { id: '31', name: 'Done', to: 'Done' },
  { id: '41', name: "Won't Do", to: "Won't Do" },
];

export function fakeJira(email: string, token: string): FakeTracker & { issues: Map<string, JiraIssue> } {
  const issues = new Map<string, JiraIssue>();
  const issue = (key: string) => {
    const found = issues.get(key);
    if (!found) throw new Invalid(`no issue ${key}`);
    return found;
  };
  const checkFields = (fields: unknown, create: boolean): Record<string, unknown> => {
    check(isObject(fields), 'fields must be an object');
    check(
      typeof fields.summary === 'string' && fields.summary.length > 0 && fields.summary.length <= 255,
      'fields.summary: 1–255 characters',
    );
    check(!String(fields.summary).includes('\n'), 'fields.summary: one line');
    checkAdf(fields.description, 'fields.description');
    if (create) {
      check(
        isObject(fields.project) && typeof fields.project.key === 'string',
        'fields.project.key is required',
      );
      check(
        isObject(fields.issuetype) && typeof fields.issuetype.name === 'string',
        'fields.issuetype.name is required',
      );
      check(
        Array.isArray(fields.labels) && fields.labels.every((l) => typeof l === 'string' && !/\s/.test(l)),
        'fields.labels: strings without spaces',
      );
    }
    return fields;
  };
  const tracker: FakeTracker = new FakeTracker(
    [
      [
        'POST',
        /^\/rest\/api\/3\/issue$/,
        (req): Reply => {
          check(isObject(req.body), 'the body must be an object');
          const fields = checkFields(req.body.fields, true);
          const key = `OPS-${issues.size + 1}`;
          issues.set(key, {
            key,
            fields: {
              summary: fields.summary as string,
              description: fields.description,
              labels: fields.labels as string[],
              project: (fields.project as { key: string }).key,
              issuetype: (fields.issuetype as { name: string }).name,
            },
            status: 'Open',
            comments: [],
          });
          return {
            status: 201,
            body: { id: String(10_000 + issues.size), key, self: `${tracker.url}/rest/api/3/issue/${key}` },
          };
        },
      ],
      [
        'GET',
        /^\/rest\/api\/3\/search\/jql$/,
        (req) => {
          const jql = req.query.get('jql') ?? '';
          const label = /^labels = "([^"]+)"/.exec(jql)?.[1];
          check(label !== undefined, `jql: expected labels = "…", got ${jql}`);
          const found = [...issues.values()].filter((i) => i.fields.labels.includes(label));
          return {
            status: 200,
            body: {
              issues: found.map((i) => ({ id: i.key, key: i.key, fields: { status: { name: i.status } } })),
              isLast: true,
            },
          };
        },
      ],
      [
        'PUT',
        /^\/rest\/api\/3\/issue\/([A-Z]+-\d+)$/,
        (req, m) => {
          const found = issue(m[1]!);
          check(isObject(req.body), 'the body must be an object');
          const fields = checkFields(req.body.fields, false);
          found.fields = {
            ...found.fields,
            summary: fields.summary as string,
            description: fields.description,
          };
          return { status: 204 };
        },
      ],
      [
        'GET',
        /^\/rest\/api\/3\/issue\/([A-Z]+-\d+)\/transitions$/,
        (_req, m) => {
          const found = issue(m[1]!);
          const offered = WORKFLOW.filter((t) => t.to !== found.status);
          return {
            status: 200,
            body: { transitions: offered.map((t) => ({ id: t.id, name: t.name, to: { name: t.to } })) },
          };
        },
      ],
      [
        'POST',
        /^\/rest\/api\/3\/issue\/([A-Z]+-\d+)\/transitions$/,
        (req, m) => {
          const found = issue(m[1]!);
          check(isObject(req.body) && isObject(req.body.transition), 'transition is required');
          const id = req.body.transition.id;
          check(typeof id === 'string', 'transition.id must be a string');
          const transition = WORKFLOW.find((t) => t.id === id && t.to !== found.status);
          check(transition !== undefined, `transition ${id} is not offered from ${found.status}`);
          const comments = isObject(req.body.update) ? req.body.update.comment : undefined;
          if (comments !== undefined) {
            check(Array.isArray(comments), 'update.comment must be a list of operations');
            for (const op of comments) {
              check(isObject(op) && isObject(op.add), 'update.comment: only add operations');
              checkAdf(op.add.body, 'update.comment.add.body');
              found.comments.push(op.add.body);
            }
          }
          found.status = transition.to;
          return { status: 204 };
        },
      ],
    ],
    `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`,
  );
  return Object.assign(tracker, { issues });
}

/** The problem table's fields the sync may write (ServiceNow's problem form). */
const PROBLEM_FIELDS = new Set([
  'short_description',
  'description',
  'correlation_id',
  'correlation_display',
  'known_error',
  'workaround',
  'fix_notes',
  'cause_notes',
  'state',
  'resolution_code',
  'work_notes',
]);

export type ServiceNowRecord = Record<string, string>;

export function fakeServiceNow(
  user: string,
  password: string,
): FakeTracker & { records: Map<string, ServiceNowRecord> } {
  const records = new Map<string, ServiceNowRecord>();
  const checkRecord = (body: unknown): Record<string, string> => {
    check(isObject(body), 'the body must be a JSON object of field values');
    for (const [field, value] of Object.entries(body)) {
      check(PROBLEM_FIELDS.has(field), `problem has no field ${field}`);
      check(typeof value === 'string', `${field} must be a string value`);
    }
    if ('known_error' in body)
      check(['true', 'false'].includes(body.known_error as string), 'known_error: true or false');
    if ('state' in body) check(/^\d+$/.test(body.state as string), 'state: a choice value');
    return body as Record<string, string>;
  };
  const tracker = new FakeTracker(
    [
      [
        'POST',
        /^\/api\/now\/table\/problem$/,
        (req) => {
          const fields = checkRecord(req.body);
          check(typeof fields.short_description === 'string', 'short_description is required');
          const sysId = (records.size + 1).toString(16).padStart(32, '0');
          const record = {
            ...fields,
            sys_id: sysId,
            number: `PRB${String(40_000 + records.size + 1).padStart(7, '0')}`,
          };
          records.set(sysId, record);
          return { status: 201, body: { result: record } };
        },
      ],
      [
        'GET',
        /^\/api\/now\/table\/problem$/,
        (req) => {
          const query = req.query.get('sysparm_query') ?? '';
          const id = /^correlation_id=([^^]+)$/.exec(query)?.[1];
          check(id !== undefined, `sysparm_query: expected correlation_id=…, got ${query}`);
          const limit = Number(req.query.get('sysparm_limit') ?? '10000');
          const fields = (req.query.get('sysparm_fields') ?? '').split(',').filter(Boolean);
          const found = [...records.values()]
            .filter((r) => r.correlation_id === id)
            .slice(0, limit)
            .map((r) => (fields.length ? Object.fromEntries(fields.map((f) => [f, r[f] ?? ''])) : r));
          return { status: 200, body: { result: found } };
        },
      ],
      [
        'PATCH',
        /^\/api\/now\/table\/problem\/([0-9a-f]{32})$/,
        (req, m) => {
          const record = records.get(m[1]!);
          check(record !== undefined, `no record ${m[1]}`);
          const fields = checkRecord(req.body);
          const notes = fields.work_notes
            ? `${record.work_notes ?? ''}${fields.work_notes}\n`
            : record.work_notes;
          Object.assign(record, fields, notes === undefined ? {} : { work_notes: notes });
          return { status: 200, body: { result: record } };
        },
      ],
    ],
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  );
  return Object.assign(tracker, { records });
}
