// The labels an incident's alerts agree on, minus the ones that name one instance of something
// (a pod, a host, an address): those differ on every repeat of the same failure, while labels
// such as `route`, `queue` or `region` are what a problem manager groups repeats by.

/** Label keys that identify an instance, or repeat what the incident already says. */
export const INSTANCE_LABELS: ReadonlySet<string> = new Set([
  'instance',
  'pod',
  'pod_name',
  'pod_ip',
  'container',
  'container_id',
  'host',
  'hostname',
  'node',
  'node_name',
  'ip',
  'address',
  'endpoint',
  'uid',
  'id',
  'fingerprint',
  'alertname',
  'service',
  'environment',
  'severity',
  'team',
]);

// Long numbers, hex ids, addresses and uuids: values that change between repeats.
const VOLATILE_VALUE = /\d{3,}|\b[0-9a-f]{8,}\b|\d+\.\d+\.\d+\.\d+|[0-9a-f]{8}-[0-9a-f]{4}-/i;

export type Labels = Readonly<Record<string, string>>;

/** The labels worth comparing across incidents, sorted by key. */
export function stableLabels(labels: Labels | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!labels) return out;
  for (const key of Object.keys(labels).sort()) {
    const value = labels[key]!;
    if (value === '' || INSTANCE_LABELS.has(key.toLowerCase()) || VOLATILE_VALUE.test(value)) continue;
    out[key] = value;
  }
  return out;
}

/** The labels both sets agree on (same key, same value). */
export function agreedLabels(a: Labels, b: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(a)) if (b[key] === a[key]) out[key] = a[key]!;
  return out;
}
