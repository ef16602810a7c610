// Every normaliser the ingest app serves, by format name.
import type { Normaliser } from '../normaliser.js';
import { createChangeAndAlertNormalisers, type ChangeAndAlertFormatOptions } from './change-alert-formats.js';
import { createOtlpMetricsNormalisers } from './otlp-metrics.js';

export type NormaliserOptions = ChangeAndAlertFormatOptions & { readonly maxSeries?: number };

export function createNormalisers(options: NormaliserOptions): Normaliser[] {
  return [
    ...createChangeAndAlertNormalisers(options),
    ...Object.values(createOtlpMetricsNormalisers({ maxSeries: options.maxSeries })),
  ];
}
