import { loadSettings, setting, type Env } from '#config';
import { appSettings, type AppSpec } from '#platform';
import { ProblemsConsumer } from './problems.consumer.js';
import { ProblemsModule } from './problems.module.js';

const problemsSettings = {
  groupId: setting.string('PROBLEMS_GROUP_ID', {
    default: 'aftershock-problems',
    description: 'consumer group: one owner of the problem book per group, the other instances stand by',
  }),
};

const PROBLEMS_CONFIG = Symbol.for('aftershock.ProblemsConfig');
type ProblemsConfig = ReturnType<typeof loadProblemsConfig>;
const loadProblemsConfig = (env: Env) => loadSettings(problemsSettings, env);

/**
 * The problems app in service mode: run one or more instances; one owns the book (every
 * partition), the others stand by and take over, restoring it, when the owner goes.
 */
export const problemsApp: AppSpec = {
  name: 'problems',
  features: [ProblemsModule],
  needs: { bus: true, store: true },
  settings: [appSettings(PROBLEMS_CONFIG, loadProblemsConfig)],
  consumers: [
    {
      groupId: (provided) => provided<ProblemsConfig>(PROBLEMS_CONFIG).groupId,
      consumer: ProblemsConsumer,
      exclusive: true,
    },
  ],
};
