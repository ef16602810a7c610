// A group member for the paused-member integration test: it reports each assignment it is given
// and, every 50 ms, whether each assignment it was given still holds (Membership.current), as
// JSON lines on stdout. The test pauses it with SIGSTOP past its session timeout.
//   env: KAFKA_BROKERS, TOPIC, GROUP_ID
import { loadBusConfig } from '#config';
import { silentLogger } from '#observability';
import { KafkaBus } from '../src/kafka/kafka-bus.js';
import type { Membership } from '../src/port.js';

export type TenureEvent =
  | { readonly event: 'assigned'; readonly tenure: number; readonly partitions: readonly number[] }
  | { readonly event: 'current'; readonly tenures: readonly boolean[] };

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const emit = (event: TenureEvent) => process.stdout.write(JSON.stringify(event) + '\n');
const tenures: Membership[] = [];
const topic = env('TOPIC');

const bus = new KafkaBus(
  loadBusConfig({ AFTERSHOCK_BUS: 'kafka', KAFKA_BROKERS: env('KAFKA_BROKERS') }),
  silentLogger,
  { consumer: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 500 } },
);
await bus.subscribe({
  groupId: env('GROUP_ID'),
  topics: [topic],
  handler: async () => undefined,
  onAssigned: async (assignment, membership) => {
    tenures.push(membership);
    emit({ event: 'assigned', tenure: tenures.length, partitions: [...(assignment.get(topic) ?? [])] });
  },
});
let last = '';
setInterval(() => {
  const now = tenures.map((t) => t.current);
  if (JSON.stringify(now) === last) return;
  last = JSON.stringify(now);
  emit({ event: 'current', tenures: now });
}, 50);
process.once('SIGTERM', () => void bus.close().then(() => process.exit(0)));
