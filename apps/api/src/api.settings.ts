// Settings of the api app. Everything that differs between deployments is configuration:
// which origins get CORS headers, how fast a token may write, where the standard-change policy
// lives, and the instance id that names this instance's own consumer groups.
import { hostname } from 'node:os';
import {
  catalogFileSetting,
  collectProblems,
  loadSettings,
  projectPath,
  requireSetting,
  setting,
  publicUrlSetting,
  sloPathSetting,
  type Env,
} from '#config';
import { ssoConfig, ssoSettings } from './auth/sso.settings.js';

const apiSettings = {
  instanceId: setting.string('API_INSTANCE_ID', {
    default: `${hostname()}-${process.pid}`,
    description: 'names this instance’s own consumer groups (risk history, live stream)',
  }),
  assessorGroup: setting.string('API_ASSESSOR_GROUP', {
    default: 'aftershock-api-assessor',
    description: 'consumer group shared by the api instances that assess arriving changes',
  }),
  corsOrigins: setting.list('AFTERSHOCK_CORS_ORIGINS', {
    default: [],
    description: 'origins (scheme://host[:port]) that get CORS headers; unset = CORS closed',
  }),
  writeRatePerSecond: setting.int('API_WRITE_RATE', {
    default: 20,
    min: 1,
    max: 100_000,
    description: 'write requests per second per token (token bucket refill)',
  }),
  writeBurst: setting.int('API_WRITE_BURST', {
    default: 40,
    min: 1,
    max: 100_000,
    description: 'write requests a token may make at once (token bucket size)',
  }),
  policyFile: setting.string('POLICY_FILE', {
    default: projectPath('deploy', 'policy', 'standard-changes.yaml'),
    description: 'standard-change policy (YAML or JSON), reloaded when it changes',
  }),
  catalogFile: catalogFileSetting,
  sloPath: sloPathSetting,
  publicUrl: publicUrlSetting,
  historyWindowMs: setting.duration('RISK_HISTORY_WINDOW', {
    default: 90 * 86_400_000,
    description: 'how far back the risk gate loads history from ClickHouse at start',
  }),
  heartbeatMs: setting.duration('STREAM_HEARTBEAT', {
    default: 15_000,
    description: 'interval of the heartbeat comment on the live incident stream',
  }),
  streamMaxPerToken: setting.int('STREAM_MAX_PER_TOKEN', {
    default: 10,
    min: 1,
    max: 10_000,
    description: 'live incident streams one token may hold open at once',
  }),
};

export type ApiConfig = ReturnType<typeof loadApiConfig>;

export function loadApiConfig(env: Env = process.env) {
  // Both sets are read before either fails, so one message names every bad variable.
  const { attempt, check } = collectProblems();
  const loaded = attempt(() => loadSettings(apiSettings, env));
  const sso = attempt(() => ssoConfig(loadSettings(ssoSettings, env), loaded?.publicUrl));
  check();
  const config = loaded!;
  for (const origin of config.corsOrigins) {
    requireSetting(
      isOrigin(origin),
      'AFTERSHOCK_CORS_ORIGINS',
      `"${origin}" is not an origin such as https://ops.example.com`,
    );
  }
  return { ...config, corsOrigins: config.corsOrigins.map((o) => o.replace(/\/$/, '')), sso };
}

function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return url.origin === text.replace(/\/$/, '') && /^https?:$/.test(url.protocol);
  } catch {
    return false;
  }
}

/** Injection token of the ApiConfig. */
export const API_CONFIG = Symbol.for('aftershock.ApiConfig');
