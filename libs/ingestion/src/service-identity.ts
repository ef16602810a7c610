// Which label or attribute names the service and the environment is configuration, not code:
// stacks disagree (`service.name` in OpenTelemetry, `service` or `job` in Prometheus, `app` in
// Kubernetes). The first name present wins.
export interface ServiceIdentityRules {
  readonly serviceKeys: readonly string[];
  readonly environmentKeys: readonly string[];
  readonly defaultEnvironment: string;
}

export const DEFAULT_IDENTITY_RULES: ServiceIdentityRules = {
  serviceKeys: [
    'service.name',
    'service',
    'service_name',
    'app.kubernetes.io/name',
    'app',
    'k8s.deployment.name',
    'job',
  ],
  environmentKeys: ['deployment.environment.name', 'deployment.environment', 'environment', 'env'],
  defaultEnvironment: 'production',
};

export class ServiceIdentity {
  constructor(readonly rules: ServiceIdentityRules = DEFAULT_IDENTITY_RULES) {}

  /** The service named by the first matching key across the attribute sets, in order. */
  service(...attributeSets: readonly (Readonly<Record<string, unknown>> | undefined)[]): string | undefined {
    return this.first(this.rules.serviceKeys, attributeSets);
  }

  environment(...attributeSets: readonly (Readonly<Record<string, unknown>> | undefined)[]): string {
    return this.first(this.rules.environmentKeys, attributeSets) ?? this.rules.defaultEnvironment;
  }

  private first(
    keys: readonly string[],
    sets: readonly (Readonly<Record<string, unknown>> | undefined)[],
  ): string | undefined {
    for (const key of keys) {
      for (const set of sets) {
        const value = set?.[key];
        if (typeof value === 'string' && value.trim() !== '') return value.trim();
      }
    }
    return undefined;
  }
}
