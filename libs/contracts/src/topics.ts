// Canonical topics, keyed by service. Producers may write canonical events to the first three
// directly; the rest are Aftershock's outputs.
import type { EventName } from './avro/schema-catalog.js';

export const TOPICS = {
  changes: 'aftershock.changes.v1',
  alerts: 'aftershock.alerts.v1',
  telemetry: 'aftershock.telemetry.v1',
  incidents: 'aftershock.incidents.v1',
  verdicts: 'aftershock.verdicts.v1',
  problems: 'aftershock.problems.v1',
  assessments: 'aftershock.assessments.v1',
  deadLetters: 'aftershock.dlq.v1',
  incidentCommands: 'aftershock.incident-commands.v1',
  problemCommands: 'aftershock.problem-commands.v1',
  sloDefinitions: 'aftershock.slo-definitions.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** Which event each canonical topic carries. */
export const TOPIC_EVENTS: Record<TopicName, EventName> = {
  [TOPICS.changes]: 'change',
  [TOPICS.alerts]: 'alert',
  [TOPICS.telemetry]: 'telemetry',
  [TOPICS.incidents]: 'incident',
  [TOPICS.verdicts]: 'verdict',
  [TOPICS.problems]: 'problem',
  [TOPICS.assessments]: 'assessment',
  [TOPICS.deadLetters]: 'dead-letter',
  [TOPICS.incidentCommands]: 'incident-command',
  [TOPICS.problemCommands]: 'problem-command',
  [TOPICS.sloDefinitions]: 'slo-definition',
};

/**
 * Topics read as tables: the newest record per key is the state, and readers take the whole
 * topic. Compacted on Kafka, never expired by age or size on the embedded log.
 */
export const TABLE_TOPICS: ReadonlySet<TopicName> = new Set([TOPICS.sloDefinitions]);
