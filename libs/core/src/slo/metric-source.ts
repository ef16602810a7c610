// Which OpenSLO metric sources Aftershock can query: its own telemetry, named as
//
//   metricSource:
//     type: Aftershock
//     spec: { metric: http_requests, service: checkout, environment: production, labels: { code: "5xx" } }
//
// `service` defaults to the SLO's service and `environment` to production; every label must
// match. Refused, with the field named: a `metricSourceRef` (DataSource objects hold another
// system's connection details; we read no other system), any other `type` (Prometheus,
// Datadog… queries we cannot run) and any other key in `spec` (such as `query`).
import { Type } from '@sinclair/typebox';
import type { MetricQuery } from './model.js';
import type { MetricSourceSpec } from './openslo-schema.js';
import type { FieldPath } from './problems.js';
import { checkSchema, type FieldProblem } from './schema-check.js';

export const AFTERSHOCK_SOURCE_TYPE = 'Aftershock';

export const AftershockSourceSpec = Type.Object(
  {
    metric: Type.String({ minLength: 1 }),
    service: Type.Optional(Type.String({ minLength: 1 })),
    environment: Type.Optional(Type.String({ minLength: 1 })),
    labels: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false },
);

export function metricQuery(
  source: MetricSourceSpec,
  at: FieldPath,
  service: string,
): MetricQuery | FieldProblem[] {
  if (source.metricSourceRef !== undefined)
    return [
      {
        path: [...at, 'metricSourceRef'],
        message: `DataSource "${source.metricSourceRef}" cannot be queried: Aftershock reads its own telemetry (type: ${AFTERSHOCK_SOURCE_TYPE})`,
      },
    ];
  if (source.type !== AFTERSHOCK_SOURCE_TYPE)
    return [
      {
        path: [...at, 'type'],
        message: `"${source.type}" cannot be queried: Aftershock reads its own telemetry (type: ${AFTERSHOCK_SOURCE_TYPE}, spec: {metric, service, environment, labels})`,
      },
    ];
  if (source.spec === undefined)
    return [
      { path: [...at, 'spec'], message: 'is required (metric, and optionally service, environment, labels)' },
    ];
  const problems = checkSchema(AftershockSourceSpec, source.spec, [...at, 'spec']);
  if (problems.length > 0) return problems;
  const spec = source.spec as {
    metric: string;
    service?: string;
    environment?: string;
    labels?: Record<string, string>;
  };
  return {
    service: spec.service ?? service,
    environment: spec.environment ?? 'production',
    metric: spec.metric,
    labels: spec.labels ?? {},
  };
}
