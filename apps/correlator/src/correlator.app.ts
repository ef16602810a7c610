import type { AppSpec } from '#platform';
import { CorrelatorModule } from './correlator.module.js';

/** The correlator app in service mode: its own process, Kafka and (where it needs one) a ClickHouse server or chDB. */
export const correlatorApp: AppSpec = {
  name: 'correlator',
  features: [CorrelatorModule],
  needs: { bus: true, store: false },
};
