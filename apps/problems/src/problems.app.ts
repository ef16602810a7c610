import type { AppSpec } from '#platform';
import { ProblemsConsumer } from './problems.consumer.js';
import { ProblemsModule } from './problems.module.js';

export const PROBLEMS_GROUP = 'aftershock-problems';

/** The problems app in service mode: one instance against Kafka. */
export const problemsApp: AppSpec = {
  name: 'problems',
  features: [ProblemsModule],
  needs: { bus: true, store: false },
  consumers: [{ groupId: PROBLEMS_GROUP, consumer: ProblemsConsumer }],
};
