import { appSettings, type AppSpec } from '#platform';
import { ProblemsConsumer } from './problems.consumer.js';
import { ProblemsModule } from './problems.module.js';
import { loadProblemsConfig, PROBLEMS_CONFIG, type ProblemsConfig } from './problems.settings.js';
import { ProblemSyncConsumer } from './sync/problem-sync.consumer.js';

/**
 * The problems app in service mode: run one or more instances; one owns the book (every
 * partition), the others stand by and take over, restoring it, when the owner goes. With
 * PROBLEM_SYNC_FILE, a second group syncs the problems out to Jira and ServiceNow.
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
    {
      groupId: (provided) => provided<ProblemsConfig>(PROBLEMS_CONFIG).syncGroupId,
      consumer: ProblemSyncConsumer,
      enabled: (provided) => provided<ProblemsConfig>(PROBLEMS_CONFIG).syncFile !== undefined,
    },
  ],
};
