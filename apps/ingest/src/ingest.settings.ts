// Settings of the ingest app. Raw topics map to formats as data, so a stack that already writes
// to its own topic names needs configuration, not code.
import { ConfigError, loadSettings, setting, type Env } from '#config';
import { DEFAULT_IDENTITY_RULES, type RoutingKeyTarget, type ServiceIdentityRules } from '#ingestion';

export const DEFAULT_RAW_TOPICS: Readonly<Record<string, string>> = {
  otlp_metrics: 'otlp_proto', // the OpenTelemetry Collector Kafka exporter's default topic and encoding
  'aftershock.raw.cloudevents.v1': 'cloudevents',
  'aftershock.raw.cdevents.v1': 'cdevents',
  'aftershock.raw.alertmanager.v1': 'alertmanager',
  'aftershock.raw.pagerduty.v1': 'pagerduty',
  'aftershock.raw.github.v1': 'github',
  'aftershock.raw.argocd.v1': 'argocd',
};

const ingestSettings = {
  rawTopics: setting.optionalString('INGEST_RAW_TOPICS', 'topic=format,... (replaces the defaults)'),
  githubSecret: setting.optionalString(
    'GITHUB_WEBHOOK_SECRET',
    'secret of the GitHub webhook (X-Hub-Signature-256)',
  ),
  pagerDutyRoutingKeys: setting.optionalString(
    'PAGERDUTY_ROUTING_KEYS',
    'routing_key=service[/environment],... for PagerDuty events whose payload names no service',
  ),
  serviceKeys: setting.list('SERVICE_IDENTITY_KEYS', { default: [...DEFAULT_IDENTITY_RULES.serviceKeys] }),
  environmentKeys: setting.list('ENVIRONMENT_IDENTITY_KEYS', {
    default: [...DEFAULT_IDENTITY_RULES.environmentKeys],
  }),
  defaultEnvironment: setting.string('DEFAULT_ENVIRONMENT', {
    default: DEFAULT_IDENTITY_RULES.defaultEnvironment,
  }),
};

export interface IngestConfig {
  readonly rawTopics: Readonly<Record<string, string>>;
  readonly githubSecret?: string;
  readonly pagerDutyRoutingKeys?: Readonly<Record<string, RoutingKeyTarget>>;
  readonly identity: ServiceIdentityRules;
}

export function loadIngestConfig(env: Env = process.env): IngestConfig {
  const s = loadSettings(ingestSettings, env);
  const rawTopics = s.rawTopics ? parseTopicMap(s.rawTopics) : DEFAULT_RAW_TOPICS;
  return {
    rawTopics,
    githubSecret: s.githubSecret,
    pagerDutyRoutingKeys: s.pagerDutyRoutingKeys ? parseRoutingKeys(s.pagerDutyRoutingKeys) : undefined,
    identity: {
      serviceKeys: s.serviceKeys,
      environmentKeys: s.environmentKeys,
      defaultEnvironment: s.defaultEnvironment,
    },
  };
}

/** `a=b,c=d` → pairs; each entry must have both sides. */
function parsePairs(spec: string, variable: string, shape: string): [string, string][] {
  return spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry, index) => {
      const [left, right] = entry.split('=').map((p) => p.trim());
      if (!left || !right) {
        throw new ConfigError([
          { setting: variable, problem: `entry ${index + 1} "${entry}" is not ${shape}` },
        ]);
      }
      return [left, right];
    });
}

function parseTopicMap(spec: string): Record<string, string> {
  return Object.fromEntries(parsePairs(spec, 'INGEST_RAW_TOPICS', 'topic=format'));
}

function parseRoutingKeys(spec: string): Record<string, RoutingKeyTarget> {
  return Object.fromEntries(
    parsePairs(spec, 'PAGERDUTY_ROUTING_KEYS', 'routing_key=service[/environment]').map(([key, target]) => {
      const [service, environment] = target.split('/');
      return [key, { service: service!, environment }];
    }),
  );
}
