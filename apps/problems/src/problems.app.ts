import type { AppSpec } from '#platform';
import { ProblemsModule } from './problems.module.js';

/** The problems app in service mode: its own process, Kafka and (where it needs one) a ClickHouse server or chDB. */
export const problemsApp: AppSpec = {
  name: 'problems',
  features: [ProblemsModule],
  needs: { bus: true, store: true },
};
