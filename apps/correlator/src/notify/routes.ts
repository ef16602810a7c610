// Where notifications go, as data (NOTIFY_ROUTES_FILE, YAML or JSON): named channels, and routes
// that send an incident's notable versions to channels when it matches — service and
// environment globs, a minimum severity. Every matching route sends (a channel once). Secrets
// stay out of the file: a channel names the environment variable holding its URL or key.
//
//   channels:
//     - { name: oncall, type: slack, urlEnv: SLACK_ONCALL_URL }
//     - { name: payments-pager, type: pagerduty, routingKeyEnv: PD_PAYMENTS_KEY }
//   routes:
//     - { match: { service: ['payments-*'], minSeverity: high }, channels: [payments-pager] }
//     - { channels: [oncall] }
import { Type, type Static } from '@sinclair/typebox';
import { FieldError, parseDataFile, resolveSecret } from '#config';
import type { Incident } from '#contracts';
import { SEVERITY_VALUES } from '#contracts/enums';
import { matchesAnyGlob } from '#core';

/** PagerDuty's Events API v2 endpoint, unless a channel names another (a proxy, a test receiver). */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

const secret = (name: string) =>
  Type.Optional(Type.String({ minLength: 1, description: `the ${name} itself (prefer the Env form)` }));
const secretEnv = (name: string) =>
  Type.Optional(Type.String({ minLength: 1, description: `environment variable holding the ${name}` }));
const names = Type.Array(Type.String({ minLength: 1 }), { minItems: 1 });

const ChannelSchema = Type.Union([
  Type.Object(
    {
      name: Type.String({ minLength: 1 }),
      type: Type.Union([Type.Literal('slack'), Type.Literal('teams'), Type.Literal('webhook')]),
      url: secret('URL'),
      urlEnv: secretEnv('URL'),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      name: Type.String({ minLength: 1 }),
      type: Type.Literal('pagerduty'),
      url: Type.Optional(Type.String({ minLength: 1 })),
      routingKey: secret('routing key'),
      routingKeyEnv: secretEnv('routing key'),
    },
    { additionalProperties: false },
  ),
]);

const RoutesSchema = Type.Object(
  {
    channels: Type.Array(ChannelSchema, { minItems: 1 }),
    routes: Type.Array(
      Type.Object(
        {
          match: Type.Optional(
            Type.Object(
              {
                service: Type.Optional(names),
                environment: Type.Optional(names),
                minSeverity: Type.Optional(Type.Union(SEVERITY_VALUES.map((s) => Type.Literal(s)))),
              },
              { additionalProperties: false },
            ),
          ),
          channels: names,
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);

type RoutesFile = Static<typeof RoutesSchema>;

export type Channel =
  | { readonly name: string; readonly type: 'slack' | 'teams' | 'webhook'; readonly url: string }
  | { readonly name: string; readonly type: 'pagerduty'; readonly url: string; readonly routingKey: string };

export interface Routes {
  readonly channels: ReadonlyMap<string, Channel>;
  readonly routes: RoutesFile['routes'];
}

/** Reads a routes file's text; every problem names its field. Secrets come from `env`. */
export function parseRoutes(text: string, env: Readonly<Record<string, string | undefined>>): Routes {
  const file = parseDataFile(text, RoutesSchema);
  const channels = new Map<string, Channel>();
  file.channels.forEach((c, i) => {
    const at = `channels.${i}`;
    if (channels.has(c.name)) throw new FieldError(`${at}.name`, `"${c.name}" is named twice`);
    if (c.type === 'pagerduty') {
      channels.set(c.name, {
        name: c.name,
        type: 'pagerduty',
        url: c.url ?? PAGERDUTY_EVENTS_URL,
        routingKey: resolveSecret(at, 'routingKey', c.routingKey, c.routingKeyEnv, env, 'routing key'),
      });
    } else {
      const url = resolveSecret(at, 'url', c.url, c.urlEnv, env, 'URL');
      if (!/^https?:\/\//.test(url)) throw new FieldError(`${at}.url`, 'is not an http(s) URL');
      channels.set(c.name, { name: c.name, type: c.type, url });
    }
  });
  file.routes.forEach((r, i) =>
    r.channels.forEach((name, j) => {
      if (!channels.has(name))
        throw new FieldError(`routes.${i}.channels.${j}`, `no channel is named "${name}"`);
    }),
  );
  return { channels, routes: file.routes };
}

/** The channels an incident goes to: those of every route it matches, each once. */
export function channelsFor(routes: Routes, incident: Incident): Channel[] {
  const out = new Map<string, Channel>();
  for (const route of routes.routes) {
    const m = route.match;
    if (m?.service && !matchesAnyGlob(m.service, incident.service)) continue;
    if (m?.environment && !matchesAnyGlob(m.environment, incident.environment)) continue;
    if (m?.minSeverity && rank(incident.severity) > rank(m.minSeverity)) continue;
    for (const name of route.channels) out.set(name, routes.channels.get(name)!);
  }
  return [...out.values()];
}

/** critical 0 … info 3: lower is more severe. */
const rank = (severity: string) => (SEVERITY_VALUES as readonly string[]).indexOf(severity);
