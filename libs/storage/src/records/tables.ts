// Table names of the schema (libs/storage/migrations), one place for the recorder, the
// repositories and the tests.
export const TABLES = {
  telemetryPoints: 'telemetry_points',
  telemetryRollup1m: 'telemetry_rollup_1m',
  telemetryRollup1h: 'telemetry_rollup_1h',
  changes: 'changes',
  alerts: 'alerts',
  verdicts: 'verdicts',
  incidents: 'incidents',
  incidentEvents: 'incident_events',
  incidentCommands: 'incident_commands',
  incidentVersions: 'incident_versions',
  problems: 'problems',
  problemVersions: 'problem_versions',
  problemCommands: 'problem_commands',
  assessments: 'assessments',
  deadLetters: 'dead_letters',
  recorderIntents: 'recorder_intents',
} as const;

export type TableName = (typeof TABLES)[keyof typeof TABLES];
