// The OpenAPI 3.1 document of the REST API, as data: every route with its parameters, body,
// responses, required scope (`x-aftershock-scope`) and the one error shape. Canonical event
// schemas come from the Avro schemas; the api's own views are written here. A unit spec checks
// that every controller route is documented, and the e2e contract test checks the running app's
// answers against these schemas.
import type { TSchema } from '@sinclair/typebox';
import { packageVersion } from '#config';
import type { Type } from '@nestjs/common';
import { INCIDENT_BODIES } from '../incidents/incident-bodies.js';
import { BUDGET_SORT_MAX } from '../incidents/incidents.service.js';
import { PROBLEM_BODIES } from '../problems/problem-bodies.js';
import { SLO_BODIES } from '../slo/slo-bodies.js';
import { documentedRoutes, type DocumentedRoute, type JsonSchema } from './documented.js';
import { eventSchemas } from './avro-schemas.js';
import { named } from './schema-kit.js';
import { viewSchemas } from './view-schemas.js';

const str: JsonSchema = { type: 'string' };
/** A reference from the document to one of its schema components. */
const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

let components: Record<string, TSchema> | undefined;

/**
 * Every schema component of the document as TypeBox schemas, each with its name as `$id`: the
 * canonical events (from Avro), the views, the action bodies. Validators take them as the
 * references of a check (`Value.Check(ref('Incident'), Object.values(componentSchemas()), x)`).
 */
export function componentSchemas(): Readonly<Record<string, TSchema>> {
  if (components) return components;
  const all: Record<string, TSchema> = {};
  eventSchemas(
    ['incident', 'change', 'verdict', 'problem', 'assessment', 'incident-command', 'problem-command'],
    all,
  );
  for (const [name, schema] of Object.entries({
    ...viewSchemas(),
    ...INCIDENT_BODIES,
    ...PROBLEM_BODIES,
    ...SLO_BODIES,
  }))
    all[name] = named(name, schema);
  return (components = all);
}

/**
 * A TypeBox schema as the document writes it (JSON Schema 2020-12): references to components
 * by their path, no `$id`, tuples with `prefixItems`.
 */
function documentSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(documentSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$id') continue;
    if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) out.$ref = ref(value).$ref;
    else if (key === 'items' && Array.isArray(value)) out.prefixItems = documentSchema(value);
    else if (key === 'additionalItems') out.items = value;
    else out[key] = documentSchema(value);
  }
  return out;
}

const parameters: Record<string, JsonSchema> = {
  limit: {
    name: 'limit',
    in: 'query',
    description: 'page size, 1 to 1000 (default 50)',
    schema: { type: 'integer', minimum: 1, maximum: 1000 },
  },
  points: {
    name: 'points',
    in: 'query',
    description:
      'about how many points per series the charts show, 10 to 100000: the series come from the 1-minute or 1-hour rollups (averages) when raw points would be more (default: the resolution the range calls for)',
    schema: { type: 'integer', minimum: 10, maximum: 100_000 },
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
  q: {
    name: 'q',
    in: 'query',
    description: 'text in the title or summary (case-insensitive), or an incident id',
    schema: str,
  },
  change: { name: 'change', in: 'query', description: 'a change among the suspects (its id)', schema: str },
  assignee: { name: 'assignee', in: 'query', description: 'who the incident is assigned to', schema: str },
  snoozed: {
    name: 'snoozed',
    in: 'query',
    description:
      'true: only incidents snoozed now; false: only those that are not (the on-call list); any (default): both',
    schema: { type: 'string', enum: ['true', 'false', 'any'], default: 'any' },
  },
  reportFormat: {
    name: 'format',
    in: 'query',
    description: 'json (default), markdown or html',
    schema: { type: 'string', enum: ['json', 'markdown', 'html'], default: 'json' },
  },
  incidentSort: {
    name: 'sort',
    in: 'query',
    description: `rank (open, most severe, newest first) or budget (the SLO budget spent, most first; of the ${BUDGET_SORT_MAX} most relevant incidents of the range)`,
    schema: { type: 'string', enum: ['rank', 'budget'], default: 'rank' },
  },
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
      'impact (incident-minutes weighted by severity), count (member incidents opened in the range), growth (in the range minus the range of equal length before it) or budget (SLO budget its member incidents spent of the windows in force, most first, then count; of the 500 problems with most impact)',
    schema: { type: 'string', enum: ['impact', 'count', 'growth', 'budget'], default: 'impact' },
  },
  id: { name: 'id', in: 'path', required: true, schema: str },
  name: { name: 'name', in: 'path', required: true, schema: str },
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

function operation(route: DocumentedRoute): JsonSchema {
  const { doc, scope } = route;
  if (!doc) throw new Error(`${route.method.toUpperCase()} ${route.path} has no @Documented: document it`);
  const parameters = [...route.pathParameters, ...(doc.query ?? [])];
  const out: Record<string, JsonSchema> = {
    [String(route.status)]: {
      description: doc.summary,
      content:
        typeof doc.response === 'string'
          ? { 'application/json': { schema: ref(doc.response) } }
          : doc.response,
    },
  };
  if (parameters.length || doc.body) out['400'] = { $ref: '#/components/responses/BadRequest' };
  if (scope !== 'public') {
    out['401'] = { $ref: '#/components/responses/Unauthorized' };
    out['403'] = { $ref: '#/components/responses/Forbidden' };
  }
  if (doc.notFound) out['404'] = { $ref: '#/components/responses/NotFound' };
  if (doc.conflict) out['409'] = { $ref: '#/components/responses/Conflict' };
  if (doc.tooMany) out['429'] = { $ref: `#/components/responses/${doc.tooMany}` };
  if (doc.body) out['413'] = { $ref: '#/components/responses/TooLarge' };
  if (scope === 'write') out['429'] = { $ref: '#/components/responses/TooManyRequests' };
  return {
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    'x-aftershock-scope': scope,
    security: scope === 'public' ? [] : [{ bearer: [] }],
    parameters: parameters.map((p) => ({ $ref: `#/components/parameters/${p}` })),
    ...(doc.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: ref(doc.body) } } } }
      : {}),
    responses: out,
  };
}

const documents = new WeakMap<readonly Type[], JsonSchema>();

/** The document of the routes the controllers serve (each with its @Documented). */
export function openApiDocument(controllers: readonly Type[]): JsonSchema {
  const known = documents.get(controllers);
  if (known) return known;
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of documentedRoutes(controllers))
    (paths[route.path] ??= {})[route.method] = operation(route);
  const schemas = documentSchema(componentSchemas());
  const document: JsonSchema = {
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
  documents.set(controllers, document);
  return document;
}
