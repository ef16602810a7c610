export * from './normaliser.js';
export * from './service-identity.js';
export * from './ingest-pipeline.js';
export * from './formats/otlp-metrics.js';
export {
  OtlpSeriesState,
  DEFAULT_MAX_SERIES,
  type OtlpSeriesStateOptions,
} from './formats/otlp-series-state.js';
export { decodeOtlpMetricsProto, encodeOtlpMetricsProto } from './formats/otlp-proto.js';
export * from './formats/cloudevents.js';
export * from './formats/cdevents.js';
export * from './formats/alertmanager.js';
export * from './formats/pagerduty.js';
export * from './formats/github.js';
export * from './formats/argocd.js';
export * from './formats/change-alert-formats.js';
export * from './formats/create-normalisers.js';
export * from './event-lines.js';
