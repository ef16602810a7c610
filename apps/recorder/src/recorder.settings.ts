// Settings of the recorder: which topics it records (and which event each carries), retention of
// the telemetry tables, and how long to pause a partition after ClickHouse had trouble.
import { busSettings, ConfigError, loadSettings, setting, storeSettings, type Env } from '#config';
import { TOPIC_EVENTS, type EventName } from '#contracts';
import { recordableEvents } from '#storage';

/** Events the schema has a table for. */
const EVENTS = new Set<string>(recordableEvents());

const recorderSettings = {
  groupId: setting.string('RECORDER_GROUP_ID', {
    default: 'aftershock-recorder',
    description:
      'the consumer group: two recorders writing to different databases from one cluster, tests sharing a broker',
  }),
  topics: setting.optionalString('RECORDER_TOPICS', 'topic=event,... (replaces the defaults)'),
  deadLetterTopic: busSettings.deadLetterTopic,
  cluster: storeSettings.clickhouseCluster,
  pauseOnTroubleMs: setting.duration('RECORDER_PAUSE_ON_TROUBLE', { default: 2_000 }),
  testKillAt: setting.optionalString('RECORDER_TEST_KILL_AT', 'intent:N or write:N (tests only)'),
};

const RETENTION = {
  rawMs: 'AFTERSHOCK_TELEMETRY_RETENTION',
  rollup1mMs: 'AFTERSHOCK_ROLLUP_1M_RETENTION',
  rollup1hMs: 'AFTERSHOCK_ROLLUP_1H_RETENTION',
} as const;

export interface KillPoint {
  readonly after: 'intent' | 'write';
  /** The n-th intent recorded / range written by this process (1-based). */
  readonly nth: number;
}

export interface RecorderConfig {
  /** The recorder's consumer group. */
  readonly groupId: string;
  /** Topic → the canonical event it carries. */
  readonly topics: Readonly<Record<string, EventName>>;
  /** Retention per telemetry table, milliseconds; unset ones are left as they are. */
  readonly retention: { readonly rawMs?: number; readonly rollup1mMs?: number; readonly rollup1hMs?: number };
  /** The ClickHouse cluster the tables live on (retention then changes the local tables on every node). */
  readonly cluster?: string;
  /** A partition whose batch needed insert retries pauses this long, so ClickHouse catches up. */
  readonly pauseOnTroubleMs: number;
  /** Fault injection for the crash tests: SIGKILL this process at that point. */
  readonly testKillAt?: KillPoint;
}

export function loadRecorderConfig(env: Env = process.env): RecorderConfig {
  const s = loadSettings(recorderSettings, env);
  const problems: { setting: string; problem: string }[] = [];
  const retention: Record<string, number> = {};
  for (const [key, name] of Object.entries(RETENTION)) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    try {
      retention[key] = loadSettings({ value: setting.duration(name) }, { [name]: raw }).value;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  let topics: Record<string, EventName> = {};
  try {
    topics = s.topics ? parseTopicMap(s.topics) : defaultTopics(s.deadLetterTopic);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const testKillAt = s.testKillAt ? parseKillPoint(s.testKillAt, problems) : undefined;
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    groupId: s.groupId,
    topics,
    retention,
    cluster: s.cluster,
    pauseOnTroubleMs: s.pauseOnTroubleMs,
    testKillAt,
  };
}

/** Every canonical and output topic with a table, the dead-letter topic under its configured name. */
function defaultTopics(deadLetterTopic: string): Record<string, EventName> {
  const topics: Record<string, EventName> = {};
  for (const [topic, event] of Object.entries(TOPIC_EVENTS)) {
    if (EVENTS.has(event)) topics[event === 'dead-letter' ? deadLetterTopic : topic] = event;
  }
  return topics;
}

function parseTopicMap(spec: string): Record<string, EventName> {
  const map: Record<string, EventName> = {};
  for (const [index, entry] of spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .entries()) {
    const [topic, event] = entry.split('=').map((p) => p.trim());
    if (!topic || !event || !EVENTS.has(event)) {
      throw new ConfigError([
        {
          setting: 'RECORDER_TOPICS',
          problem: `entry ${index + 1} "${entry}" is not topic=event with event one of ${[...EVENTS].join(', ')}`,
        },
      ]);
    }
    map[topic] = event as EventName;
  }
  return map;
}

function parseKillPoint(
  spec: string,
  problems: { setting: string; problem: string }[],
): KillPoint | undefined {
  const match = /^(intent|write):([1-9]\d*)$/.exec(spec);
  if (!match) {
    problems.push({ setting: 'RECORDER_TEST_KILL_AT', problem: `"${spec}" is not intent:N or write:N` });
    return undefined;
  }
  return { after: match[1] as KillPoint['after'], nth: Number(match[2]) };
}
