// Settings of the problems app.
import { loadSettings, publicUrlSetting, setting, type Env } from '#config';

const problemsSettings = {
  groupId: setting.string('PROBLEMS_GROUP_ID', {
    default: 'aftershock-problems',
    description: 'consumer group: one owner of the problem book per group, the other instances stand by',
  }),
  syncFile: setting.optionalString(
    'PROBLEM_SYNC_FILE',
    'a YAML or JSON file of the trackers (Jira, ServiceNow) problems and known errors sync out to, and which go where',
  ),
  syncGroupId: setting.string('PROBLEM_SYNC_GROUP_ID', {
    default: 'aftershock-problem-sync',
    description: 'consumer group of the problem sync (problem events out to Jira and ServiceNow)',
  }),
  publicUrl: publicUrlSetting,
};

export const PROBLEMS_CONFIG = Symbol.for('aftershock.ProblemsConfig');
export type ProblemsConfig = ReturnType<typeof loadProblemsConfig>;
export const loadProblemsConfig = (env: Env = process.env) => loadSettings(problemsSettings, env);
