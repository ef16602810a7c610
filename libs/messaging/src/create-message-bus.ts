// Picks the adapter from configuration: Kafka in service mode, in-memory in all-in-one mode.
import type { BusConfig } from '#config';
import type { Logger } from '#observability';
import { KafkaBus } from './kafka/kafka-bus.js';
import { InMemoryBus } from './memory/in-memory-bus.js';
import type { MessageBus } from './port.js';

export function createMessageBus(config: BusConfig, logger: Logger): MessageBus {
  if (config.bus === 'memory') {
    return new InMemoryBus({
      defaultPartitions: config.topicPartitions,
      retentionMs: config.topicRetentionMs,
      deadLetterTopic: config.deadLetterTopic,
      logger,
    });
  }
  return new KafkaBus(config, logger);
}
