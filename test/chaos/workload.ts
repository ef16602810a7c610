// A bounded, uniquely identified workload for the fault-injection suite: per service, a minute of
// telemetry per post (OTLP JSON, an error ratio every 10 s), one deploy (CDEvents) and, on the
// services whose deploy is bad, an alert that fires after it (Alertmanager). Every item says
// what ClickHouse must hold once it was acknowledged. Streams are per service, in event order.
const MINUTE = 60_000;

export type ItemKind = 'change' | 'alert' | 'telemetry';

export interface WorkItem {
  readonly kind: ItemKind;
  readonly service: string;
  readonly format: 'otlp_json' | 'cdevents' | 'alertmanager';
  readonly body: string;
  /** Change id, alert fingerprint, or telemetry point timestamps (the metric is fixed). */
  readonly change?: string;
  readonly fingerprint?: string;
  readonly points?: readonly number[];
}

export interface Workload {
  readonly tag: string;
  readonly services: readonly string[];
  /** Services whose deploy raises the error ratio (a fail verdict and an incident follow). */
  readonly bad: ReadonlySet<string>;
  /** One ordered stream per service. */
  readonly streams: readonly (readonly WorkItem[])[];
}

export const CHAOS_METRIC = 'http.server.error.ratio';

export function chaosWorkload(options: { services: number; now: number; tag?: string }): Workload {
  const tag = options.tag ?? `chaos${options.now.toString(36)}`;
  const end = Math.floor(options.now / MINUTE) * MINUTE - 3 * MINUTE;
  const t0 = end - 20 * MINUTE; // verifiable: within every verification horizon of "now"
  const services = Array.from({ length: options.services }, (_, i) => `${tag}-svc${i}`);
  const bad = new Set(services.filter((_, i) => i % 2 === 0));
  const streams = services.map((service) => {
    const items: WorkItem[] = [];
    for (let minute = t0 - 35 * MINUTE; minute < end; minute += MINUTE) {
      if (minute === t0) items.push(deploy(service, t0));
      if (bad.has(service) && minute === t0 + 4 * MINUTE) items.push(alert(service, t0 + 4 * MINUTE));
      items.push(telemetry(service, minute, bad.has(service) ? t0 + MINUTE : Number.POSITIVE_INFINITY));
    }
    return items;
  });
  return { tag, services, bad, streams };
}

function telemetry(service: string, minute: number, badFrom: number): WorkItem {
  const points: number[] = [];
  const dataPoints = [];
  for (let t = minute; t < minute + MINUTE; t += 10_000) {
    const wobble = ((t / 10_000) % 7) / 7;
    const value = t >= badFrom ? 0.05 + 0.01 * wobble : 0.002 + 0.001 * wobble;
    points.push(t);
    dataPoints.push({ timeUnixNano: `${BigInt(t) * 1_000_000n}`, asDouble: value });
  }
  const body = {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeMetrics: [{ metrics: [{ name: CHAOS_METRIC, unit: '1', gauge: { dataPoints } }] }],
      },
    ],
  };
  return { kind: 'telemetry', service, format: 'otlp_json', body: JSON.stringify(body), points };
}

function deploy(service: string, at: number): WorkItem {
  const change = `${service}-deploy`;
  const body = {
    context: {
      version: '0.4.1',
      id: change,
      source: '/chaos/pipeline',
      type: 'dev.cdevents.service.deployed.0.2.0',
      timestamp: new Date(at).toISOString(),
    },
    subject: {
      id: `service/${service}`,
      source: '/chaos/pipeline',
      type: 'service',
      content: { environment: { id: 'production' }, artifactId: `pkg:oci/${service}@v2?tag=v2` },
    },
    customData: { automated: true, finishedAt: new Date(at + MINUTE).toISOString() },
    customDataContentType: 'application/json',
  };
  return { kind: 'change', service, format: 'cdevents', body: JSON.stringify(body), change };
}

function alert(service: string, at: number): WorkItem {
  const fingerprint = `${service}-errors`;
  const labels = { alertname: 'HighErrorRatio', service, environment: 'production', severity: 'critical' };
  const body = {
    version: '4',
    groupKey: `{}:{alertname="HighErrorRatio", service="${service}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'aftershock',
    groupLabels: { alertname: 'HighErrorRatio', service },
    commonLabels: labels,
    commonAnnotations: { summary: `error ratio above 2% on ${service}` },
    externalURL: 'https://alertmanager.chaos.example',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { summary: `error ratio above 2% on ${service}` },
        startsAt: new Date(at).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'https://prometheus.chaos.example/graph',
        fingerprint,
      },
    ],
  };
  return { kind: 'alert', service, format: 'alertmanager', body: JSON.stringify(body), fingerprint };
}
