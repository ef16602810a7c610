// Settings of the correlator app.
import { hostname } from 'node:os';
import {
  catalogFileSetting,
  loadSettings,
  publicUrlSetting,
  setting,
  sloPathSetting,
  type Env,
} from '#config';
import { DEFAULT_VERIFIER_SETTINGS } from '#core';

const correlatorSettings = {
  /** The consumer group that shares the alerts, telemetry and incident-command partitions. */
  groupId: setting.string('CORRELATOR_GROUP_ID', {
    default: 'aftershock-correlator',
    description: 'the consumer group: two deployments on one cluster, benchmarks, tests',
  }),
  catalogFile: catalogFileSetting,
  sloPath: sloPathSetting,
  instanceId: setting.string('CORRELATOR_INSTANCE_ID', {
    default: `${hostname()}-${process.pid}`,
    description: 'names this instance’s own consumer group for the global change table',
  }),
  idleTimeoutMs: setting.duration('CORRELATOR_IDLE_TIMEOUT', {
    default: DEFAULT_VERIFIER_SETTINGS.idleTimeoutMs,
    description: 'a service silent this long (wall time) is judged on the data it sent',
  }),
  webhookUrl: setting.url('INCIDENT_WEBHOOK_URL', { description: 'POST incident events here as JSON' }),
  webhookToken: setting.optionalString('INCIDENT_WEBHOOK_TOKEN'),
  notifyRoutesFile: setting.optionalString(
    'NOTIFY_ROUTES_FILE',
    'a YAML or JSON file of notification channels (Slack, Teams, PagerDuty, webhooks) and the routes to them',
  ),
  publicUrl: publicUrlSetting,
};

export type CorrelatorConfig = ReturnType<typeof loadCorrelatorConfig>;

export const CORRELATOR_CONFIG = Symbol.for('aftershock.CorrelatorConfig');

export function loadCorrelatorConfig(env: Env = process.env) {
  return loadSettings(correlatorSettings, env);
}
