// Where problems and known errors sync out to, as data (PROBLEM_SYNC_FILE, YAML or JSON): named
// targets — Jira projects (issues, moved through the workflow by transition name) and
// ServiceNow instances (problem records, known errors as their known-error fields) — and
// routes that send a problem to targets by service glob and status. Secrets stay out of the
// file: a target names the environment variable holding its token or password.
//
//   targets:
//     - name: ops-jira
//       kind: jira
//       url: https://example.atlassian.net
//       project: OPS
//       issueType: Problem
//       auth: { type: basic, email: aftershock@example.com, tokenEnv: JIRA_API_TOKEN }
//       transitions: { known_error: Known Error, resolved: Done, rejected: Won't Do }
//     - name: snow
//       kind: servicenow
//       url: https://example.service-now.com
//       auth: { type: basic, user: aftershock, passwordEnv: SNOW_PASSWORD }
//   routes:
//     - { match: { service: ['payments-*'] }, targets: [ops-jira] }
//     - { match: { status: [known_error, resolved] }, targets: [snow] }
import { Type } from '@sinclair/typebox';
import { checkData, FieldError, parseDataFile, resolveSecret } from '#config';
import type { Problem, ProblemStatus } from '#contracts';
import { PROBLEM_STATUS_VALUES } from '#contracts/enums';
import { matchesAnyGlob } from '#core';

export const PROBLEM_STATUSES: readonly ProblemStatus[] = PROBLEM_STATUS_VALUES;

/** Without a status match, a route sends confirmed problems (not candidates the miner suggests). */
export const DEFAULT_SYNCED_STATUSES: readonly ProblemStatus[] = PROBLEM_STATUSES.filter(
  (s) => s !== 'candidate',
);

/**
 * ServiceNow's base problem states (the state model since Madrid): 101 New, 102 Assess, 103 Root
 * Cause Analysis, 104 Fix in Progress, 106 Resolved, 107 Closed. A known error is a problem whose
 * cause is found: Fix in Progress with the known_error flag. An instance with its own state
 * model maps them in the file.
 */
export const SERVICENOW_STATES: Readonly<Record<ProblemStatus, string>> = {
  candidate: '101',
  problem: '103',
  known_error: '104',
  resolved: '106',
  verified: '107',
  rejected: '107',
};

/** ServiceNow's resolution codes (fix_applied, risk_accepted, duplicate, canceled) for the ending states. */
export const SERVICENOW_RESOLUTION_CODES: Readonly<Partial<Record<ProblemStatus, string>>> = {
  resolved: 'fix_applied',
  verified: 'fix_applied',
  rejected: 'canceled',
};

const text = Type.String({ minLength: 1 });
const optionalText = (description: string) => Type.Optional(Type.String({ minLength: 1, description }));
const statusMap = Type.Partial(
  Type.Object(
    Object.fromEntries(PROBLEM_STATUSES.map((s) => [s, text])) as Record<ProblemStatus, typeof text>,
    {
      additionalProperties: false,
    },
  ),
);
const authType = Type.Union([Type.Literal('basic'), Type.Literal('bearer')]);
const token = {
  token: optionalText('the API token itself (prefer tokenEnv)'),
  tokenEnv: optionalText('environment variable holding the API token'),
};

const JiraSchema = Type.Object(
  {
    name: text,
    kind: Type.Literal('jira'),
    url: text,
    project: text,
    issueType: Type.Optional(text),
    // basic: the account's email and an API token; bearer: a personal access token (Data Center).
    auth: Type.Object(
      { type: authType, email: Type.Optional(Type.String({ minLength: 3 })), ...token },
      { additionalProperties: false },
    ),
    transitions: Type.Optional(statusMap),
    labels: Type.Optional(Type.Array(Type.String({ pattern: '^[^\\s]+$' }))),
  },
  { additionalProperties: false },
);

const ServiceNowSchema = Type.Object(
  {
    name: text,
    kind: Type.Literal('servicenow'),
    url: text,
    table: Type.Optional(Type.String({ pattern: '^[a-z0-9_]+$' })),
    // basic: a user and password; bearer: an OAuth access token.
    auth: Type.Object(
      {
        type: authType,
        user: optionalText('the user of basic auth'),
        password: optionalText('the password itself (prefer passwordEnv)'),
        passwordEnv: optionalText('environment variable holding the password'),
        ...token,
      },
      { additionalProperties: false },
    ),
    states: Type.Optional(statusMap),
    resolutionCodes: Type.Optional(statusMap),
  },
  { additionalProperties: false },
);

const SyncSchema = Type.Object(
  {
    // Each target is checked against its kind's schema (parseSyncConfig), so errors name the field.
    targets: Type.Array(
      Type.Object(
        { name: text, kind: Type.Union([Type.Literal('jira'), Type.Literal('servicenow')]) },
        { additionalProperties: true },
      ),
      { minItems: 1 },
    ),
    routes: Type.Array(
      Type.Object(
        {
          match: Type.Optional(
            Type.Object(
              {
                service: Type.Optional(Type.Array(text, { minItems: 1 })),
                status: Type.Optional(
                  Type.Array(Type.Union(PROBLEM_STATUSES.map((s) => Type.Literal(s))), { minItems: 1 }),
                ),
              },
              { additionalProperties: false },
            ),
          ),
          targets: Type.Array(text, { minItems: 1 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);

type StatusMap = Readonly<Partial<Record<ProblemStatus, string>>>;

export interface JiraTarget {
  readonly name: string;
  readonly kind: 'jira';
  /** Without a trailing slash. */
  readonly url: string;
  readonly project: string;
  readonly issueType: string;
  readonly authorization: string;
  /** Status → the name of the workflow transition that brings an issue there. */
  readonly transitions: StatusMap;
  readonly labels: readonly string[];
}

export interface ServiceNowTarget {
  readonly name: string;
  readonly kind: 'servicenow';
  readonly url: string;
  readonly table: string;
  readonly authorization: string;
  readonly states: StatusMap;
  readonly resolutionCodes: StatusMap;
}

export type SyncTarget = JiraTarget | ServiceNowTarget;

export interface SyncRoute {
  readonly service?: readonly string[];
  readonly status: readonly ProblemStatus[];
  readonly targets: readonly string[];
}

export interface SyncConfig {
  readonly targets: ReadonlyMap<string, SyncTarget>;
  readonly routes: readonly SyncRoute[];
}

/** Reads a sync file's text; every problem names its field. Secrets come from `env`. */
export function parseSyncConfig(text: string, env: Readonly<Record<string, string | undefined>>): SyncConfig {
  const file = parseDataFile(text, SyncSchema);
  const targets = new Map<string, SyncTarget>();
  file.targets.forEach((entry, i) => {
    const at = `targets.${i}`;
    const t =
      entry.kind === 'jira' ? checkData(JiraSchema, entry, at) : checkData(ServiceNowSchema, entry, at);
    if (targets.has(t.name)) throw new FieldError(`${at}.name`, `"${t.name}" is named twice`);
    if (!/^https?:\/\/[^/]/.test(t.url)) throw new FieldError(`${at}.url`, 'is not an http(s) URL');
    const url = t.url.replace(/\/+$/, '');
    const authorization = authorizationOf(`${at}.auth`, t.kind, t.auth, env);
    if (t.kind === 'jira') {
      targets.set(t.name, {
        name: t.name,
        kind: 'jira',
        url,
        project: t.project,
        issueType: t.issueType ?? 'Task',
        authorization,
        transitions: t.transitions ?? {},
        labels: t.labels ?? [],
      });
    } else {
      targets.set(t.name, {
        name: t.name,
        kind: 'servicenow',
        url,
        table: t.table ?? 'problem',
        authorization,
        states: { ...SERVICENOW_STATES, ...t.states },
        resolutionCodes: { ...SERVICENOW_RESOLUTION_CODES, ...t.resolutionCodes },
      });
    }
  });
  const routes = file.routes.map((r, i) => {
    r.targets.forEach((name, j) => {
      if (!targets.has(name))
        throw new FieldError(`routes.${i}.targets.${j}`, `no target is named "${name}"`);
    });
    return {
      service: r.match?.service,
      status: r.match?.status ?? DEFAULT_SYNCED_STATUSES,
      targets: r.targets,
    };
  });
  return { targets, routes };
}

interface AuthField {
  readonly type: 'basic' | 'bearer';
  readonly email?: string;
  readonly user?: string;
  readonly password?: string;
  readonly passwordEnv?: string;
  readonly token?: string;
  readonly tokenEnv?: string;
}

/** Jira's basic auth is an account email and an API token; ServiceNow's a user and password. */
function authorizationOf(
  at: string,
  kind: SyncTarget['kind'],
  auth: AuthField,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (auth.type === 'bearer') return `Bearer ${resolveSecret(at, 'token', auth.token, auth.tokenEnv, env)}`;
  const [userField, user] = kind === 'jira' ? ['email', auth.email] : ['user', auth.user];
  if (!user) throw new FieldError(`${at}.${userField}`, 'is required for basic auth');
  const secret =
    kind === 'jira'
      ? resolveSecret(at, 'token', auth.token, auth.tokenEnv, env, 'API token')
      : resolveSecret(at, 'password', auth.password, auth.passwordEnv, env);
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

/** The targets a problem version goes to under the routes (each once). */
export function targetsFor(config: SyncConfig, problem: Problem): SyncTarget[] {
  const out = new Map<string, SyncTarget>();
  for (const route of config.routes) {
    if (!route.status.includes(problem.status)) continue;
    if (route.service && !problem.services.some((s) => matchesAnyGlob(route.service!, s))) continue;
    for (const name of route.targets) out.set(name, config.targets.get(name)!);
  }
  return [...out.values()];
}
