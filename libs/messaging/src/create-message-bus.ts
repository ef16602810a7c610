// Picks the adapter from configuration: Kafka in service mode, the embedded durable log in
// all-in-one mode, the in-memory bus for tests.
import { join } from 'node:path';
import type { BusConfig } from '#config';
import type { Logger } from '#observability';
import { EmbeddedLogBus } from './embedded/embedded-log-bus.js';
import { KafkaBus } from './kafka/kafka-bus.js';
import { InMemoryBus } from './memory/in-memory-bus.js';
import type { MessageBus } from './port.js';

/** Where the embedded log lives inside the data directory. */
export const EMBEDDED_LOG_DIR = 'bus';

export function createMessageBus(config: BusConfig, logger: Logger): MessageBus {
  const local = {
    defaultPartitions: config.topicPartitions,
    retentionMs: config.topicRetentionMs,
    deadLetterTopic: config.deadLetterTopic,
    fetchMaxBytes: config.kafkaFetchMaxBytesPerPartition,
    logger,
  };
  if (config.bus === 'embedded') {
    return new EmbeddedLogBus({
      ...local,
      dir: join(config.dataDir, EMBEDDED_LOG_DIR),
      sync: config.logSync,
      retentionBytes: config.logRetentionBytes,
    });
  }
  if (config.bus === 'memory') return new InMemoryBus(local);
  return new KafkaBus(config, logger);
}
