// Building canonical events from what a format's mapper found: the schema defaults filled in
// one place, identifiers checked one last time (mappers compose some of them), and the
// vocabulary every format shares (severity words, change kinds).
import type { Alert, Change, ChangeKind, Link, RolloutStrategy, Severity } from '#contracts';
import { CHANGE_KIND_VALUES, ROLLOUT_STRATEGY_VALUES } from '#contracts/enums';
import { completeChange } from '#core';
import type { CanonicalEvent } from '../normaliser.js';
import type { ServiceIdentity } from '../service-identity.js';
import { at, identifier, missing, type JsonObject } from './fields.js';

type Required<T, K extends keyof T> = Partial<T> & Pick<T, K>;

export type ChangeDraft = Required<Change, 'id' | 'source' | 'kind' | 'service' | 'startedAt'>;
export type AlertDraft = Required<
  Alert,
  'id' | 'fingerprint' | 'status' | 'name' | 'service' | 'startsAt' | 'source'
>;

/** A complete Change with the schema's defaults; `path` prefixes the field names of refusals. */
export function changeEvent(draft: ChangeDraft, path = ''): CanonicalEvent {
  // What a producer leaves out is unknown here: not automated, rollout strategy unknown.
  const value = completeChange({ automated: false, rollout: 'unknown', ...draft });
  return {
    event: 'change',
    value: {
      ...value,
      id: identifier(value.id, at(path, 'id')),
      service: identifier(value.service, at(path, 'service')),
      environment: identifier(value.environment, at(path, 'environment')),
    },
  };
}

export function alertEvent(draft: AlertDraft, path = ''): CanonicalEvent {
  const value: Alert = {
    environment: 'production',
    severity: 'warning',
    summary: '',
    labels: {},
    annotations: {},
    endsAt: null,
    link: null,
    team: null,
    runbookUrl: null,
    ...draft,
  };
  return {
    event: 'alert',
    value: {
      ...value,
      id: identifier(value.id, at(path, 'id')),
      fingerprint: identifier(value.fingerprint, at(path, 'fingerprint')),
      name: identifier(value.name, at(path, 'name')),
      service: identifier(value.service, at(path, 'service')),
      environment: identifier(value.environment, at(path, 'environment')),
    },
  };
}

const SEVERITY_WORDS: Readonly<Record<string, Severity>> = {
  critical: 'critical',
  crit: 'critical',
  page: 'critical',
  fatal: 'critical',
  emergency: 'critical',
  error: 'high',
  high: 'high',
  major: 'high',
  warning: 'warning',
  warn: 'warning',
  minor: 'warning',
  medium: 'warning',
  info: 'info',
  informational: 'info',
  none: 'info',
  low: 'info',
};

/** Severity words stacks use (Prometheus conventions, PagerDuty levels) → canonical; default warning. */
export function severityOf(word: string | undefined): Severity {
  return (word && SEVERITY_WORDS[word.trim().toLowerCase()]) || 'warning';
}

export function isChangeKind(value: unknown): value is ChangeKind {
  return typeof value === 'string' && (CHANGE_KIND_VALUES as readonly string[]).includes(value);
}

export function isRollout(value: unknown): value is RolloutStrategy {
  return typeof value === 'string' && (ROLLOUT_STRATEGY_VALUES as readonly string[]).includes(value);
}

/**
 * The service named by the identity rules in the first attribute set that names one; `path`
 * says where the attribute sets are, for the refusal when none does.
 */
export function serviceOf(
  identity: ServiceIdentity,
  sets: readonly (JsonObject | undefined)[],
  path: string,
): string | undefined {
  const service = identity.service(...sets);
  return service === undefined ? undefined : identifier(service, path);
}

export function requireService(service: string | undefined, path: string, identity: ServiceIdentity): string {
  if (service === undefined) {
    missing(
      path,
      `names no service: none of the keys ${identity.rules.serviceKeys.join(', ')} is present (the service identity rules decide which keys name the service)`,
    );
  }
  return service;
}

/** Links without empty or duplicate URLs, in order. */
export function links(...candidates: readonly (Link | undefined)[]): Link[] {
  const seen = new Set<string>();
  const out: Link[] = [];
  for (const link of candidates) {
    if (!link || seen.has(link.url)) continue;
    seen.add(link.url);
    out.push(link);
  }
  return out;
}

/** Drops undefined values so a label map holds only what the source said. */
export function definedLabels(labels: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (v !== undefined) out[k] = v;
  return out;
}
