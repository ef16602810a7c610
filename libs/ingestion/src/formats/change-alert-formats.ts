// The normalisers of the standard change and alert formats, ready to register with the ingest
// pipeline (the OTLP metrics normalisers are created in otlp-metrics.ts).
import { DecodeError, type EventCodec } from '#contracts';
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
  /**
   * The GitHub webhook secret; without one the `github` format refuses every delivery, saying
   * which setting it needs (nothing unverified gets in, and nothing is refused without a reason).
   */
  readonly githubSecret?: string;
  /** PagerDuty routing_key → service, for events whose payload names none. */
  readonly pagerDutyRoutingKeys?: Readonly<Record<string, RoutingKeyTarget>>;
}

/** cloudevents, cdevents, alertmanager, pagerduty, argocd, and github (refusing all input until a secret is set). */
export function createChangeAndAlertNormalisers(options: ChangeAndAlertFormatOptions): Normaliser[] {
  const normalisers: Normaliser[] = [
    new CloudEventsNormaliser({ codec: options.codec }),
    new CDEventsNormaliser(),
    new AlertmanagerNormaliser(),
    new PagerDutyNormaliser({ routingKeys: options.pagerDutyRoutingKeys }),
    new ArgoCdNormaliser(),
  ];
  normalisers.push(
    options.githubSecret
      ? new GitHubDeploymentNormaliser(options.githubSecret)
      : new UnconfiguredFormat(
          'github',
          'GitHub ingest is off: set GITHUB_WEBHOOK_SECRET to the secret of the GitHub webhook (its deliveries are verified by their X-Hub-Signature-256)',
        ),
  );
  return normalisers;
}

/** A format that needs a setting before it can take input: refuses everything with the reason. */
export class UnconfiguredFormat implements Normaliser {
  constructor(
    readonly format: string,
    private readonly reason: string,
  ) {}

  normalise(): never {
    throw new DecodeError(FORMAT_NOT_CONFIGURED, this.reason);
  }
}

/** Error code of input for a format this deployment has not configured (HTTP 503). */
export const FORMAT_NOT_CONFIGURED = 'format.not-configured';
