// What makes two incidents "the same failure": the services involved, the mined template of the
// title/summary (numbers, ids, hosts masked), the alert names, the labels its alerts agree on
// (per-instance ones already dropped by the correlator), and the suspect change's kind and
// component. A signature is a set of weighted features; similarity is weighted Jaccard.
import type { Incident } from '#contracts';

export interface TemplateSource {
  /** Learns the text and returns its template (variables masked) and a stable template id. */
  add(text: string): { readonly templateId: string; readonly template: string };
}

export interface Signature {
  readonly features: ReadonlyMap<string, number>;
  readonly template: string;
  readonly services: readonly string[];
  readonly alertNames: readonly string[];
  readonly labels: readonly string[];
  readonly changeKind: string | null;
  readonly component: string | null;
  readonly suspectService: string | null;
}

/** How much each kind of feature counts towards similarity. */
export const FEATURE_WEIGHTS = {
  template: 3,
  service: 1.5,
  alert: 1.5,
  label: 1,
  changeKind: 0.5,
  component: 0.5,
  suspectService: 0.5,
} as const;

export function signatureOf(incident: Incident, templates: TemplateSource): Signature {
  const text =
    incident.summary && incident.kind === 'alert' ? `${incident.title}: ${incident.summary}` : incident.title;
  const { templateId, template } = templates.add(stripBlastRadius(text));
  const services = [...new Set(incident.services.length ? incident.services : [incident.service])].sort();
  const alertNames = [
    ...new Set(incident.members.filter((m) => m.type === 'alert').map((m) => m.name)),
  ].sort();
  const top = incident.suspects[0];
  const labels = labelPairs(incident.labels);
  const changeKind = top?.changeId ? (top.kind ?? null) : null;
  const component = top?.changeId ? (top.component ?? null) : null;
  const suspectService = top?.changeId ? (top.service ?? null) : null;
  const features = new Map<string, number>([[`template:${templateId}`, FEATURE_WEIGHTS.template]]);
  for (const s of services) features.set(`service:${s}`, FEATURE_WEIGHTS.service / services.length);
  for (const a of alertNames) features.set(`alert:${a}`, FEATURE_WEIGHTS.alert / alertNames.length);
  for (const l of labels) features.set(`label:${l}`, FEATURE_WEIGHTS.label / labels.length);
  if (changeKind) features.set(`change-kind:${changeKind}`, FEATURE_WEIGHTS.changeKind);
  if (component) features.set(`component:${component}`, FEATURE_WEIGHTS.component);
  if (suspectService) features.set(`suspect-service:${suspectService}`, FEATURE_WEIGHTS.suspectService);
  return { features, template, services, alertNames, labels, changeKind, component, suspectService };
}

/** `key=value` per label, sorted (a missing map, from an incident before schema v3, is none). */
export function labelPairs(labels: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .sort();
}

/** Weighted Jaccard similarity of two feature sets (1 = identical, 0 = nothing shared). */
export function similarity(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let shared = 0;
  let all = 0;
  for (const [k, w] of a) {
    const v = b.get(k) ?? 0;
    shared += Math.min(w, v);
    all += Math.max(w, v);
  }
  for (const [k, v] of b) if (!a.has(k)) all += v;
  return all === 0 ? 0 : shared / all;
}

/** The incident's title without the engine's "— N services affected" suffix, which varies. */
export function stripBlastRadius(title: string): string {
  return title.replace(/ — \d+ services affected$/, '');
}
