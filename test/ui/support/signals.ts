// Inputs the way an observability stack sends them to the ingest endpoints: a CDEvents
// `service.deployed` event and an Alertmanager webhook (version 4) group, as in libs/demo.
const iso = (ms: number) => new Date(ms).toISOString();

export function cdeventDeployed(options: {
  id: string;
  service: string;
  version: string;
  previous: string;
  at: number;
  team?: string;
}): unknown {
  return {
    context: {
      version: '0.4.1',
      id: options.id,
      source: '/argo-workflows/prod',
      type: 'dev.cdevents.service.deployed.0.2.0',
      timestamp: iso(options.at),
    },
    subject: {
      id: `service/${options.service}`,
      source: '/argo-workflows/prod',
      type: 'service',
      content: {
        environment: { id: 'production' },
        artifactId: `pkg:oci/${options.service}@${options.version}?tag=${options.version}`,
      },
    },
    customData: {
      team: options.team ?? 'storefront',
      previousVersion: options.previous,
      rollout: 'all_at_once',
      automated: true,
      finishedAt: iso(options.at + 2 * 60_000),
    },
    customDataContentType: 'application/json',
  };
}

export function alertmanagerFiring(options: {
  name: string;
  service: string;
  severity: string;
  at: number;
  summary: string;
  fingerprint: string;
}): unknown {
  const labels = {
    alertname: options.name,
    service: options.service,
    environment: 'production',
    severity: options.severity,
  };
  return {
    version: '4',
    groupKey: `{}:{alertname="${options.name}", service="${options.service}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'aftershock',
    groupLabels: { alertname: options.name, service: options.service },
    commonLabels: labels,
    commonAnnotations: { summary: options.summary },
    externalURL: 'https://alertmanager.shop.example',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { summary: options.summary },
        startsAt: iso(options.at),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: `https://prometheus.shop.example/graph?g0.expr=${options.name}`,
        fingerprint: options.fingerprint,
      },
    ],
  };
}

/** POSTs one payload to /api/v1/ingest/<format>; fails with the server's answer unless 202. */
export async function ingest(url: string, token: string, format: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}/api/v1/ingest/${format}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 202)
    throw new Error(`POST /api/v1/ingest/${format} → ${response.status}: ${await response.text()}`);
}

/**
 * The story both browser suites tell: a deploy of cart (v3.0.9 → v3.1.0) six minutes before
 * `at`, then its 5xx alert firing at `at` — an incident whose top suspect is the deploy.
 */
export async function cartDeployThenErrors(
  url: string,
  token: string,
  name: string,
  at: number,
): Promise<void> {
  await ingest(
    url,
    token,
    'cdevents',
    cdeventDeployed({
      id: `${name}-deploy-cart-v3.1.0`,
      service: 'cart',
      version: 'v3.1.0',
      previous: 'v3.0.9',
      at: at - 6 * 60_000,
    }),
  );
  await ingest(
    url,
    token,
    'alertmanager',
    alertmanagerFiring({
      name: 'HighErrorRate',
      service: 'cart',
      severity: 'critical',
      at,
      summary: 'cart 5xx ratio above 5% for 5 minutes',
      fingerprint: `${name}-cart-5xx`,
    }),
  );
}
