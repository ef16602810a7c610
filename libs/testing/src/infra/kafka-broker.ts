// Gives integration tests a real Kafka broker: KAFKA_BROKERS when set (CI starts the local
// KRaft broker from deploy/kafka), else a testcontainers broker where Docker runs, else a
// failure that says how to get one. Never a silent skip.
import { dockerAvailable } from './docker.js';

let brokers: Promise<string[]> | undefined;

export const NO_BROKER_HELP =
  'No Kafka broker for integration tests. Start the local one with `npm run kafka:start` and ' +
  'export the KAFKA_BROKERS=127.0.0.1:<port> line it prints, point KAFKA_BROKERS at any Kafka 3.x, ' +
  'or run where a Docker engine is reachable (testcontainers).';

export function testKafkaBrokers(): Promise<string[]> {
  brokers ??= resolveBrokers();
  return brokers;
}

async function resolveBrokers(): Promise<string[]> {
  const fromEnv = process.env.KAFKA_BROKERS?.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (fromEnv && fromEnv.length > 0) return fromEnv;
  if (await dockerAvailable()) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const container = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
    process.once('beforeExit', () => void container.stop());
    return [`${container.getHost()}:${container.getMappedPort(9093)}`];
  }
  throw new Error(NO_BROKER_HELP);
}

/** A topic name no other test run uses, so tests can share one broker. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}.${process.pid}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
}
