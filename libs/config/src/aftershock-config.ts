// The settings every Aftershock app shares. Apps add their own on top with `loadSettings`.
import { ConfigError, loadSettings, setting, type Env, type Loaded } from './settings.js';

/** Embedded chDB and the embedded log both live here. */
const dataDirSetting = setting.string('AFTERSHOCK_DATA_DIR', {
  default: '.data',
  description: 'directory for embedded data (chDB, and the embedded log in bus/)',
});

export const busSettings = {
  bus: setting.oneOf('AFTERSHOCK_BUS', ['kafka', 'embedded', 'memory'] as const, {
    default: 'kafka',
    description:
      'message bus: kafka (service mode), embedded (the durable log in AFTERSHOCK_DATA_DIR; all-in-one) or memory (tests only: nothing survives the process)',
  }),
  dataDir: dataDirSetting,
  logSync: setting.oneOf('AFTERSHOCK_LOG_SYNC', ['full', 'normal'] as const, {
    default: 'full',
    description:
      'embedded log: full fsyncs every commit before a send or 202 returns (survives power loss); normal survives a killed process, not an OS crash',
  }),
  logRetentionBytes: setting.int('AFTERSHOCK_LOG_RETENTION_BYTES', {
    default: 1_073_741_824,
    min: 1_048_576,
    max: Number.MAX_SAFE_INTEGER,
    description:
      'embedded log: bytes kept per partition (oldest go first; KAFKA_TOPIC_RETENTION bounds the age)',
  }),
  kafkaBrokers: setting.list('KAFKA_BROKERS', { default: [], hostPorts: true, description: 'host:port,...' }),
  kafkaClientId: setting.string('KAFKA_CLIENT_ID', { default: 'aftershock' }),
  kafkaSsl: setting.bool('KAFKA_SSL', { default: false }),
  kafkaSslCaFile: setting.optionalString('KAFKA_SSL_CA_FILE', 'path to a PEM CA bundle'),
  kafkaSaslMechanism: setting.oneOf(
    'KAFKA_SASL_MECHANISM',
    ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const,
    {
      default: 'none',
    },
  ),
  kafkaSaslUsername: setting.optionalString('KAFKA_SASL_USERNAME'),
  kafkaSaslPassword: setting.optionalString('KAFKA_SASL_PASSWORD'),
  topicPartitions: setting.int('KAFKA_TOPIC_PARTITIONS', { default: 6, min: 1, max: 10_000 }),
  topicReplication: setting.int('KAFKA_TOPIC_REPLICATION', { default: 1, min: 1, max: 16 }),
  topicMinInsyncReplicas: setting.int('KAFKA_TOPIC_MIN_INSYNC_REPLICAS', {
    default: 1,
    min: 1,
    max: 16,
    description:
      'min.insync.replicas of topics Aftershock creates (with acks=all: replicas that must have a write)',
  }),
  kafkaIdempotent: setting.bool('KAFKA_IDEMPOTENT', {
    default: true,
    description: 'idempotent producer: a retried send is written once per partition',
  }),
  topicRetentionMs: setting.duration('KAFKA_TOPIC_RETENTION', { default: 7 * 86_400_000 }),
  deadLetterTopic: setting.string('AFTERSHOCK_DLQ_TOPIC', { default: 'aftershock.dlq.v1' }),
  kafkaFetchMaxBytesPerPartition: setting.int('KAFKA_FETCH_MAX_BYTES_PER_PARTITION', {
    default: 1_048_576,
    min: 1_024,
    max: 256 * 1_048_576,
    description:
      'bytes a consumer fetches per partition at once (the recorder defaults to 8 MiB: larger inserts)',
  }),
};

/**
 * The service catalog: the correlator attributes along its dependencies and placement, the api
 * shows an incident's neighbours from it. One setting, read by both.
 */
export const catalogFileSetting = setting.optionalString(
  'SERVICE_CATALOG_FILE',
  'service catalog (YAML/JSON, or Backstage catalog-info.yaml)',
);

export const publicUrlSetting = setting.url('AFTERSHOCK_PUBLIC_URL', {
  description: 'where people open the web UI: notifications and reports link to <url>/#/…',
});

export const sloPathSetting = setting.optionalString(
  'AFTERSHOCK_SLO_PATH',
  'OpenSLO v1 definitions: a YAML file, or a directory of them (watched; the last good set stays on error)',
);

/** How canonical events are written on the bus; every app reads all three formats. */
export const wireSettings = {
  format: setting.oneOf('AFTERSHOCK_WIRE_FORMAT', ['avro', 'json', 'confluent'] as const, {
    default: 'avro',
    description: 'avro (single-object encoding), confluent (needs SCHEMA_REGISTRY_URL) or json',
  }),
  registryUrl: setting.url('SCHEMA_REGISTRY_URL', {
    description: 'schema registry for the confluent format',
  }),
  registryUser: setting.optionalString('SCHEMA_REGISTRY_USERNAME'),
  registryPassword: setting.optionalString('SCHEMA_REGISTRY_PASSWORD'),
};

export interface WireConfig {
  readonly format: 'avro' | 'json' | 'confluent';
  /** A schema registry (required for confluent; used to read confluent input in any format). */
  readonly registry?: { readonly url: string; readonly username?: string; readonly password?: string };
}

/** The wire format and schema registry, one setting group for every app that uses the bus. */
export function loadWireConfig(env: Env = process.env): WireConfig {
  const s = loadSettings(wireSettings, env);
  if (s.format === 'confluent' && !s.registryUrl) {
    throw new ConfigError([
      { setting: 'SCHEMA_REGISTRY_URL', problem: 'is required with AFTERSHOCK_WIRE_FORMAT=confluent' },
    ]);
  }
  return {
    format: s.format,
    registry: s.registryUrl
      ? { url: s.registryUrl, username: s.registryUser, password: s.registryPassword }
      : undefined,
  };
}

export const storeSettings = {
  clickhouseUrl: setting.url('CLICKHOUSE_URL', {
    description: 'http(s)://host:8123 of a ClickHouse server; unset = embedded chDB',
  }),
  clickhouseUser: setting.string('CLICKHOUSE_USER', { default: 'default' }),
  clickhousePassword: setting.string('CLICKHOUSE_PASSWORD', { default: '' }),
  clickhouseDatabase: setting.string('CLICKHOUSE_DATABASE', { default: 'aftershock' }),
  clickhouseCluster: setting.optionalString(
    'CLICKHOUSE_CLUSTER',
    'cluster in the server remote_servers whose tables `aftershock migrate --cluster` created',
  ),
  dataDir: dataDirSetting,
};

/** How long an orderly stop (or a start-up interrupted by a stop) may take before the process exits 1. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

export const serverSettings = {
  httpHost: setting.string('HTTP_HOST', { default: '127.0.0.1' }),
  httpPort: setting.int('HTTP_PORT', { default: 8080, min: 0, max: 65_535 }),
  logLevel: setting.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, { default: 'info' }),
  shutdownTimeoutMs: setting.duration('SHUTDOWN_TIMEOUT', { default: DEFAULT_SHUTDOWN_TIMEOUT_MS }),
  tokens: setting.optionalString('AFTERSHOCK_TOKENS', '[<name>=]<scope[+scope]>:<secret>[@<expiry>],...'),
  maxBodyBytes: setting.int('HTTP_MAX_BODY_BYTES', {
    default: 5 * 1024 * 1024,
    min: 1024,
    max: 1024 * 1024 * 1024,
  }),
};

export type BusConfig = Loaded<typeof busSettings>;
export type StoreConfig = Loaded<typeof storeSettings>;
export type ServerConfig = Loaded<typeof serverSettings>;

/** Bus settings with the cross-field rules: Kafka needs brokers, SASL needs credentials. */
export function loadBusConfig(env: Env = process.env, defaults: Partial<Env> = {}): BusConfig {
  const merged = { ...defaults, ...stripEmpty(env) };
  const config = loadSettings(busSettings, merged);
  const problems: { setting: string; problem: string }[] = [];
  if (config.bus === 'kafka' && config.kafkaBrokers.length === 0) {
    problems.push({
      setting: 'KAFKA_BROKERS',
      problem: 'is required when AFTERSHOCK_BUS=kafka (e.g. 127.0.0.1:9092)',
    });
  }
  if (config.kafkaSaslMechanism !== 'none') {
    if (!config.kafkaSaslUsername)
      problems.push({ setting: 'KAFKA_SASL_USERNAME', problem: 'is required with SASL' });
    if (!config.kafkaSaslPassword)
      problems.push({ setting: 'KAFKA_SASL_PASSWORD', problem: 'is required with SASL' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function stripEmpty(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
}
