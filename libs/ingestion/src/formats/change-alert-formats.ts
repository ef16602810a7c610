// The normalisers of the standard change and alert formats, ready to register with the ingest
// pipeline (the OTLP metrics normalisers are created in otlp-metrics.ts).
import type { EventCodec } from '#contracts';
import type { Normaliser } from '../normaliser.js';
import { AlertmanagerNormaliser } from './alertmanager.js';
import { ArgoCdNormaliser } from './argocd.js';
import { CDEventsNormaliser } from './cdevents.js';
import { CloudEventsNormaliser } from './cloudevents.js';
import { GitHubDeploymentNormaliser } from './github.js';
import { PagerDutyNormaliser, type RoutingKeyTarget } from './pagerduty.js';

export interface ChangeAndAlertFormatOptions {
  /** Validates canonical events carried in CloudEvents (dev.aftershock.change.v1 / alert.v1). */
  readonly codec: Pick<EventCodec, 'validate'>;
  /** The GitHub webhook secret; without one there is no `github` format (nothing unverified gets in). */
  readonly githubSecret?: string;
  /** PagerDuty routing_key → service, for events whose payload names none. */
  readonly pagerDutyRoutingKeys?: Readonly<Record<string, RoutingKeyTarget>>;
}

/** cloudevents, cdevents, alertmanager, pagerduty, argocd, and github when a secret is set. */
export function createChangeAndAlertNormalisers(options: ChangeAndAlertFormatOptions): Normaliser[] {
  const normalisers: Normaliser[] = [
    new CloudEventsNormaliser({ codec: options.codec }),
    new CDEventsNormaliser(),
    new AlertmanagerNormaliser(),
    new PagerDutyNormaliser({ routingKeys: options.pagerDutyRoutingKeys }),
    new ArgoCdNormaliser(),
  ];
  if (options.githubSecret) normalisers.push(new GitHubDeploymentNormaliser(options.githubSecret));
  return normalisers;
}
