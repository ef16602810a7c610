import { loadSettings, setting } from '#config';
import type { AppSpec } from '#platform';
import { ProblemsConsumer } from './problems.consumer.js';
import { ProblemsModule } from './problems.module.js';

const problemsSettings = {
  groupId: setting.string('PROBLEMS_GROUP_ID', {
    default: 'aftershock-problems',
    description: 'consumer group: one owner of the problem book per group, the other instances stand by',
  }),
};

/** The problems app's consumer group (PROBLEMS_GROUP_ID), read when the app starts. */
export const problemsGroup = () => loadSettings(problemsSettings, process.env).groupId;

/**
 * The problems app in service mode: run one or more instances; one owns the book (every
 * partition), the others stand by and take over, restoring it, when the owner goes.
 */
export const problemsApp: AppSpec = {
  name: 'problems',
  features: [ProblemsModule],
  needs: { bus: true, store: true },
  consumers: [{ groupId: problemsGroup, consumer: ProblemsConsumer, exclusive: true }],
};
