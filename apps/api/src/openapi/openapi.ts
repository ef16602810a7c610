// The OpenAPI 3.1 document of the REST API, as data: every route with its parameters, body,
// responses, required scope (`x-aftershock-scope`) and the one error shape. Canonical event
// schemas come from the Avro schemas; the api's own views are written here. A unit spec checks
// that every controller route is documented, and the e2e contract test checks the running app's
// answers against these schemas.
import { packageVersion } from '#config';
import { eventSchemas, ref, type JsonSchema } from './avro-json-schema.js';

type Scope = 'read' | 'write' | 'public';

const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
const object = (properties: Record<string, JsonSchema>, optional: readonly string[] = []): JsonSchema => ({
  type: 'object',
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  properties,
});
const int: JsonSchema = { type: 'integer' };
const num: JsonSchema = { type: 'number' };
const str: JsonSchema = { type: 'string' };
const epochMs: JsonSchema = { type: 'integer', description: 'epoch milliseconds' };
const page = (item: JsonSchema): JsonSchema =>
  object({
    items: arrayOf(item),
    next: {
      ...nullable(str),
      description: 'cursor of the next page (pass as `cursor`); null on the last page',
    },
  });

function viewSchemas(): Record<string, JsonSchema> {
  const durations = object({ count: int, medianMs: num, p90Ms: num });
  const band: JsonSchema = { type: 'string', enum: ['elite', 'high', 'medium', 'low'] };
  const windows = object({
    baselineStart: epochMs,
    baselineEnd: epochMs,
    observationStart: epochMs,
    observationEnd: epochMs,
  });
  return {
    Error: {
      ...object({
        error: object({ code: str, field: str, reason: str }, ['field']),
      }),
      description:
        'Every error: a stable machine-readable `code`, the query parameter or body field at fault (`field`, on 400s), and the `reason` in words.',
    },
    IncidentPage: page(ref('Incident')),
    StreamTicket: object({
      ticket: { ...str, description: 'pass as `ticket` to GET /api/v1/stream/incidents' },
      expiresAt: epochMs,
      url: { ...str, description: 'the stream URL with the ticket' },
    }),
    Session: object({
      token: { ...str, description: 'the token’s name, recorded as the actor of what it does' },
      scopes: arrayOf({ type: 'string', enum: ['ingest', 'read', 'write', 'admin', 'delegate'] }),
      expiresAt: { ...nullable(epochMs), description: 'when the token expires; null: never' },
      actsForOthers: {
        type: 'boolean',
        description:
          'whether the token may name the person it acts for in `x-aftershock-actor` (the delegate scope)',
      },
    }),
    VerificationWindows: windows,
    MetricSeries: object(
      {
        service: str,
        metric: str,
        unit: nullable(str),
        resolution: { type: 'string', enum: ['raw', '1m', '1h'] },
        environment: str,
        labels: { type: 'object', additionalProperties: str },
        points: {
          ...arrayOf({ type: 'array', prefixItems: [epochMs, num], minItems: 2, maxItems: 2 }),
          description: '[epoch ms, value]: raw values, or the mean of each bucket',
        },
        windows: {
          ...ref('VerificationWindows'),
          description: 'baseline and observation windows of the top suspect’s verdict, when it has one',
        },
      },
      ['windows'],
    ),
    IncidentDetail: object({
      incident: ref('Incident'),
      history: {
        ...arrayOf(ref('Incident')),
        description:
          'every version, first to last (the timeline). Versions no longer recorded in full carry their own event, status, severity, time, actor and comment on the next recorded version.',
      },
      changes: {
        ...arrayOf(ref('Change')),
        description:
          'changes in [openedAt − 2 h, max(updatedAt, openedAt + 1 h)] on the incident’s services, its suspects’ services and their dependencies, oldest first; suspects outside the range too',
      },
      verdicts: { ...arrayOf(ref('Verdict')), description: 'every look at the suspect changes' },
      metrics: {
        ...arrayOf(ref('MetricSeries')),
        description: 'golden-signal series of its services over the range',
      },
      range: object({ from: epochMs, to: epochMs }),
      commands: { ...arrayOf(ref('IncidentCommand')), description: 'what people did to it, in order' },
      problemIds: arrayOf(str),
    }),
    IncidentActionBody: object(
      {
        comment: { ...str, description: 'required by the comment action' },
        severity: { ...ref('Severity'), description: 'required by the severity action' },
      },
      ['comment', 'severity'],
    ),
    IncidentCommandAccepted: object({ command: ref('IncidentCommand') }),
    ChangeListItem: {
      allOf: [
        ref('Change'),
        object({
          verdict: {
            ...nullable(ref('Verdict')),
            description: 'the latest look of its verification (the final one once there is one)',
          },
          assessment: { ...nullable(ref('Assessment')), description: 'its risk assessment' },
        }),
      ],
    },
    ChangePage: page(ref('ChangeListItem')),
    ChangeDetail: object({
      change: ref('Change'),
      verdicts: { ...arrayOf(ref('Verdict')), description: 'every look, first to last' },
      assessment: nullable(ref('Assessment')),
    }),
    GateResult: object({
      assessment: ref('Assessment'),
      decision: object({
        outcome: ref('PolicyDecision'),
        rule: { ...str, description: 'id of the policy rule that decided, or the default that applied' },
        description: str,
        origin: { ...str, description: 'where the rule is written in the policy file' },
        policy: { ...str, description: 'the policy file' },
        reasons: { ...arrayOf(str), description: 'why the rule matched, condition by condition' },
      }),
    }),
    RankedProblem: {
      allOf: [
        ref('Problem'),
        object({
          window: object({
            from: epochMs,
            to: epochMs,
            count: { ...int, description: 'member incidents opened in [from, to)' },
            previous: { ...int, description: 'member incidents opened in the range of equal length before' },
            growth: { ...int, description: 'count − previous' },
          }),
        }),
      ],
    },
    ProblemPage: page(ref('RankedProblem')),
    WeekCount: object({
      week: { ...str, format: 'date', description: 'Monday (UTC) starting the week' },
      count: int,
    }),
    ProblemDetail: object({
      problem: ref('Problem'),
      members: { ...arrayOf(ref('Incident')), description: 'member incidents on record, newest first' },
      timeline: {
        ...arrayOf(ref('Problem')),
        description: 'versions on record, first to last (always the newest)',
      },
      trend: { ...arrayOf(ref('WeekCount')), description: 'member incidents opened per week' },
    }),
    Recurrence: object({
      from: epochMs,
      to: epochMs,
      service: nullable(str),
      trend: arrayOf(
        object({
          week: { ...str, format: 'date' },
          count: { ...int, description: 'problem member incidents opened that week' },
          problems: { ...int, description: 'problems that recurred that week' },
        }),
      ),
    }),
    ProblemActionBody: object(
      {
        workaround: { ...str, description: 'required by known-error' },
        fixChangeId: { ...str, description: 'required by resolve: the change that fixed it' },
        comment: str,
      },
      ['workaround', 'fixChangeId', 'comment'],
    ),
    ProblemCommandAccepted: object({ command: ref('ProblemCommand') }),
    DoraFigures: object({
      groupBy: { type: 'string', enum: ['service', 'team', 'fleet'] },
      key: { ...nullable(str), description: 'service or team; null for the fleet or changes without a team' },
      from: epochMs,
      to: epochMs,
      days: num,
      deployments: int,
      deploymentsPerDay: num,
      leadTime: nullable({ allOf: [durations, object({ skipped: int })] }),
      changeFailureRate: object({ failures: int, deployments: int, rate: nullable(num) }),
      timeToRestore: nullable(durations),
      restoreCounts: { type: 'string', enum: ['change-incidents', 'all-incidents'] },
      bands: object({
        deploymentFrequency: band,
        leadTime: nullable(band),
        changeFailureRate: nullable(band),
        timeToRestore: nullable(band),
      }),
      band: {
        ...nullable(band),
        description: 'overall: the median of the bands above (the worse middle one)',
      },
    }),
    Dora: object({
      from: epochMs,
      to: epochMs,
      service: nullable(str),
      team: nullable(str),
      environment: nullable(str),
      services: arrayOf({ allOf: [ref('DoraFigures'), object({ service: str, team: nullable(str) })] }),
      teams: arrayOf({ allOf: [ref('DoraFigures'), object({ team: nullable(str) })] }),
      fleet: nullable(ref('DoraFigures')),
      definitions: object({
        changeFailure: { ...str, description: 'what counts as a failed change' },
        bands: { ...str, description: 'where the band thresholds come from' },
        band: { ...str, description: 'how the overall band is chosen' },
      }),
    }),
  };
}

const parameters: Record<string, JsonSchema> = {
  limit: {
    name: 'limit',
    in: 'query',
    description: 'page size, 1 to 1000 (default 50)',
    schema: { type: 'integer', minimum: 1, maximum: 1000 },
  },
  cursor: {
    name: 'cursor',
    in: 'query',
    description: 'the `next` of the previous page',
    schema: str,
  },
  from: {
    name: 'from',
    in: 'query',
    description: 'start of the range, inclusive: ISO 8601 or epoch milliseconds',
    schema: str,
  },
  to: {
    name: 'to',
    in: 'query',
    description: 'end of the range, exclusive: ISO 8601 or epoch milliseconds',
    schema: str,
  },
  service: { name: 'service', in: 'query', description: 'service name', schema: str },
  environment: { name: 'environment', in: 'query', description: 'environment name', schema: str },
  team: { name: 'team', in: 'query', description: 'team name', schema: str },
  incidentStatus: {
    name: 'status',
    in: 'query',
    description: 'incident statuses, comma-separated',
    schema: str,
    example: 'open,acknowledged',
  },
  severity: {
    name: 'severity',
    in: 'query',
    description: 'severities, comma-separated (critical, high, warning, info)',
    schema: str,
  },
  kind: { name: 'kind', in: 'query', description: 'change kinds, comma-separated', schema: str },
  problemStatus: {
    name: 'status',
    in: 'query',
    description:
      'problem statuses, comma-separated (candidate, problem, known_error, resolved, verified, rejected)',
    schema: str,
  },
  problemSort: {
    name: 'sort',
    in: 'query',
    description:
      'impact (incident-minutes weighted by severity), count (member incidents opened in the range) or growth (in the range minus the range of equal length before it)',
    schema: { type: 'string', enum: ['impact', 'count', 'growth'], default: 'impact' },
  },
  id: { name: 'id', in: 'path', required: true, schema: str },
  ticket: {
    name: 'ticket',
    in: 'query',
    description:
      'a stream ticket from POST /api/v1/stream/tickets, for EventSource clients that cannot send headers: used once, valid 30 s. Without it, a bearer header.',
    schema: str,
  },
};

const errorResponse = (description: string, headers?: Record<string, JsonSchema>): JsonSchema => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ref('Error') } },
});

const responses: Record<string, JsonSchema> = {
  BadRequest: errorResponse('a query parameter or body field is invalid; `field` names it'),
  Unauthorized: errorResponse('no token, an unknown token or an expired one'),
  Forbidden: errorResponse(
    'the token lacks the scope, or names a person in x-aftershock-actor without the delegate scope',
  ),
  TooManyStreams: errorResponse('the token already holds STREAM_MAX_PER_TOKEN live streams'),
  NotFound: errorResponse('no such resource'),
  Conflict: errorResponse(
    'the action cannot apply to the resource as it stands (e.g. acknowledging a resolved incident); `reason` says why',
  ),
  TooLarge: errorResponse('the body is larger than HTTP_MAX_BODY_BYTES'),
  TooManyRequests: errorResponse('over the write rate of the token', {
    'Retry-After': { description: 'seconds until a request is allowed again', schema: { type: 'integer' } },
  }),
};

interface Operation {
  readonly summary: string;
  readonly scope: Scope;
  readonly parameters?: readonly string[];
  readonly body?: string;
  readonly status: number;
  /** Schema name of the success body, or a content map. */
  readonly response: string | Record<string, JsonSchema>;
  readonly notFound?: boolean;
  /** The action can be refused for the state the resource is in (409). */
  readonly conflict?: boolean;
  /** A 429 of its own (other than the write rate limit), by response name. */
  readonly tooMany?: string;
  readonly description?: string;
}

function operation(op: Operation): JsonSchema {
  const out: Record<string, JsonSchema> = {
    [String(op.status)]: {
      description: op.summary,
      content:
        typeof op.response === 'string' ? { 'application/json': { schema: ref(op.response) } } : op.response,
    },
  };
  if (op.parameters?.length || op.body) out['400'] = { $ref: '#/components/responses/BadRequest' };
  if (op.scope !== 'public') {
    out['401'] = { $ref: '#/components/responses/Unauthorized' };
    out['403'] = { $ref: '#/components/responses/Forbidden' };
  }
  if (op.notFound) out['404'] = { $ref: '#/components/responses/NotFound' };
  if (op.conflict) out['409'] = { $ref: '#/components/responses/Conflict' };
  if (op.tooMany) out['429'] = { $ref: `#/components/responses/${op.tooMany}` };
  if (op.body) out['413'] = { $ref: '#/components/responses/TooLarge' };
  if (op.scope === 'write') out['429'] = { $ref: '#/components/responses/TooManyRequests' };
  return {
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    'x-aftershock-scope': op.scope,
    security: op.scope === 'public' ? [] : [{ bearer: [] }],
    parameters: (op.parameters ?? []).map((p) => ({ $ref: `#/components/parameters/${p}` })),
    ...(op.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: ref(op.body) } } } }
      : {}),
    responses: out,
  };
}

const ACTOR_NOTE =
  'The actor is the name configured with the token; a token with the delegate scope may name the person it acts for in `x-aftershock-actor` (any other token sending the header: 403).';

const action = (summary: string, body: string, response: string, description?: string) =>
  operation({
    summary,
    scope: 'write',
    parameters: ['id'],
    body,
    status: 202,
    response,
    notFound: true,
    conflict: true,
    description,
  });

const paths: Record<string, Record<string, JsonSchema>> = {
  '/api/v1/openapi.json': {
    get: operation({
      summary: 'this document',
      scope: 'public',
      status: 200,
      response: { 'application/json': { schema: { type: 'object' } } },
    }),
  },
  '/api/v1/incidents': {
    get: operation({
      summary:
        'incidents open at some time in the range (newest version of each): open first, most severe first, newest first',
      scope: 'read',
      parameters: ['from', 'to', 'service', 'environment', 'incidentStatus', 'severity', 'limit', 'cursor'],
      status: 200,
      response: 'IncidentPage',
      description:
        'Range defaults: the last 7 days up to a day ahead. An incident counts when it opened before `to` and was not resolved before `from`.',
    }),
  },
  '/api/v1/incidents/{id}': {
    get: operation({
      summary: 'one incident with its timeline, the changes, verdicts and metrics around it',
      scope: 'read',
      parameters: ['id'],
      status: 200,
      response: 'IncidentDetail',
      notFound: true,
    }),
  },
  '/api/v1/incidents/{id}/acknowledge': {
    post: action(
      'acknowledge (comment optional)',
      'IncidentActionBody',
      'IncidentCommandAccepted',
      actionNote(),
    ),
  },
  '/api/v1/incidents/{id}/resolve': {
    post: action('resolve (comment optional)', 'IncidentActionBody', 'IncidentCommandAccepted', actionNote()),
  },
  '/api/v1/incidents/{id}/comment': {
    post: action('comment (comment required)', 'IncidentActionBody', 'IncidentCommandAccepted', actionNote()),
  },
  '/api/v1/incidents/{id}/severity': {
    post: action(
      'reassign the severity (severity required)',
      'IncidentActionBody',
      'IncidentCommandAccepted',
      actionNote(),
    ),
  },
  '/api/v1/changes': {
    get: operation({
      summary: 'changes started in the range, newest first, with their latest verdict and risk assessment',
      scope: 'read',
      parameters: ['from', 'to', 'service', 'environment', 'kind', 'limit', 'cursor'],
      status: 200,
      response: 'ChangePage',
      description: 'Without from and to, every recorded change. `service` may list several, comma-separated.',
    }),
  },
  '/api/v1/changes/{id}': {
    get: operation({
      summary: 'one change with every verification look and its risk assessment',
      scope: 'read',
      parameters: ['id'],
      status: 200,
      response: 'ChangeDetail',
      notFound: true,
    }),
  },
  '/api/v1/changes/assess': {
    post: operation({
      summary: 'the change-risk gate: assess a proposed change and decide it by the standard-change policy',
      scope: 'write',
      body: 'Change',
      status: 200,
      response: 'GateResult',
      description:
        'The body is a canonical Change (JSON), `startedAt` its planned start; 400 names the field at fault. Answers from memory; nothing is published (the change is assessed again, and published on the assessments topic, when it arrives).',
    }),
  },
  '/api/v1/problems': {
    get: operation({
      summary: 'problems ranked by impact, by recurrence in the range, or by growth against the range before',
      scope: 'read',
      parameters: ['problemSort', 'from', 'to', 'service', 'problemStatus', 'limit', 'cursor'],
      status: 200,
      response: 'ProblemPage',
      description:
        'The range (default: the last 30 days) sets the counts of `window`; when `from` or `to` is given, only problems with a member incident in the range are listed.',
    }),
  },
  '/api/v1/problems/trend': {
    get: operation({
      summary: 'recurrence per week: problem member incidents opened each week',
      scope: 'read',
      parameters: ['service', 'from', 'to'],
      status: 200,
      response: 'Recurrence',
      description: 'Range default: the last 12 weeks.',
    }),
  },
  '/api/v1/problems/{id}': {
    get: operation({
      summary: 'one problem with its member incidents, its versions and its weekly recurrence',
      scope: 'read',
      parameters: ['id'],
      status: 200,
      response: 'ProblemDetail',
      notFound: true,
    }),
  },
  '/api/v1/problems/{id}/confirm': {
    post: action(
      'confirm a candidate as a problem',
      'ProblemActionBody',
      'ProblemCommandAccepted',
      problemNote(),
    ),
  },
  '/api/v1/problems/{id}/reject': {
    post: action('reject a candidate', 'ProblemActionBody', 'ProblemCommandAccepted', problemNote()),
  },
  '/api/v1/problems/{id}/known-error': {
    post: action(
      'record a known error (workaround required)',
      'ProblemActionBody',
      'ProblemCommandAccepted',
      problemNote(),
    ),
  },
  '/api/v1/problems/{id}/resolve': {
    post: action(
      'resolve (fixChangeId required)',
      'ProblemActionBody',
      'ProblemCommandAccepted',
      problemNote(),
    ),
  },
  '/api/v1/dora': {
    get: operation({
      summary: 'DORA figures per service, per team and for the fleet over the range, with their bands',
      scope: 'read',
      parameters: ['service', 'team', 'environment', 'from', 'to'],
      status: 200,
      response: 'Dora',
      description: 'Range default: the last 30 days.',
    }),
  },
  '/api/v1/stream/incidents': {
    get: operation({
      summary: 'live stream of incident versions as Server-Sent Events',
      scope: 'read',
      parameters: ['service', 'environment', 'ticket'],
      tooMany: 'TooManyStreams',
      status: 200,
      response: {
        'text/event-stream': {
          schema: { type: 'string' },
          description:
            'One unnamed event ("message") per incident version: `id: <incident id>/<version>`, `data:` the Incident as JSON (schema Incident). A comment line (`: heartbeat …`) every 15 s.',
        },
      },
      description:
        'Only versions published after the connection opened. Open it with `?ticket=` (from POST /api/v1/stream/tickets) or a bearer header; a token in the URL (`access_token`) is refused. A token may hold STREAM_MAX_PER_TOKEN streams at once (default 10); more answer 429.',
    }),
  },
  '/api/v1/stream/tickets': {
    post: operation({
      summary: 'a stream ticket: opens the live stream once, within 30 seconds',
      scope: 'read',
      status: 201,
      response: 'StreamTicket',
      description:
        'Tickets keep tokens out of URLs (where proxies log them): the ticket opens GET /api/v1/stream/incidents once, for the token that asked for it, and nothing else. No body is needed.',
    }),
  },
  '/api/v1/session': {
    get: operation({
      summary:
        'who the token is: its name (the actor of what it does), scopes, expiry and whether it may act for others',
      scope: 'read',
      status: 200,
      response: 'Session',
    }),
  },
};

function actionNote(): string {
  return (
    'Publishes an IncidentCommand on aftershock.incident-commands.v1 keyed by the incident’s service, with the incident as recorded, and answers 202 once it is on the bus; the correlator applies it and emits the next incident version — also to an incident resolved long ago. An action that cannot apply to the incident as recorded (acknowledging one that is not open, resolving a resolved one, its current severity) answers 409 with the reason; should the incident move on before the correlator applies it, the command goes to the dead-letter topic with the reason. ' +
    ACTOR_NOTE
  );
}

function problemNote(): string {
  return (
    'Publishes a ProblemCommand on aftershock.problem-commands.v1 keyed by the problem id and answers 202 once it is on the bus; the problems app applies it and emits the next problem version. An action the lifecycle does not allow from the problem’s recorded status answers 409 with the reason. ' +
    ACTOR_NOTE
  );
}

let document: JsonSchema | undefined;

export function openApiDocument(): JsonSchema {
  if (document) return document;
  const schemas: Record<string, JsonSchema> = {};
  eventSchemas(
    ['incident', 'change', 'verdict', 'problem', 'assessment', 'incident-command', 'problem-command'],
    schemas,
  );
  Object.assign(schemas, viewSchemas());
  document = {
    openapi: '3.1.0',
    info: {
      title: 'Aftershock API',
      version: packageVersion(),
      description:
        'Incidents, changes, problems, DORA figures and the change-risk gate. Bearer tokens from AFTERSHOCK_TOKENS, each with a name: read for GETs, write for actions and the gate, delegate to name the person a token acts for, admin for everything. The live stream takes a single-use ticket instead of a token in its URL. Every error has the shape of the Error schema. Lists page with `limit` and `cursor` and answer `{ items, next }`. Times are epoch milliseconds in bodies; query parameters take ISO 8601 or epoch milliseconds.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'a token from AFTERSHOCK_TOKENS' },
      },
      parameters,
      responses,
      schemas,
    },
  };
  return document;
}
