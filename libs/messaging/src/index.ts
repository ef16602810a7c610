export * from './port.js';
export { createMessageBus, EMBEDDED_LOG_DIR } from './create-message-bus.js';
export {
  KafkaBus,
  DEFAULT_CONSUMER_TUNING,
  type KafkaBusOptions,
  type KafkaConsumerTuning,
} from './kafka/kafka-bus.js';
export type { KafkaBatchStats } from './kafka/kafka-subscription.js';
export { silenceKafkajsTimeoutWarning } from './kafka/known-warnings.js';
export { InMemoryBus, type InMemoryBusOptions } from './memory/in-memory-bus.js';
export { LocalBus, type LocalBusOptions } from './local/local-bus.js';
export { EmbeddedLogBus, type EmbeddedLogBusOptions } from './embedded/embedded-log-bus.js';
export { LOG_FILE } from './embedded/sqlite-log-store.js';
export type { LogSync } from './embedded/log-protocol.js';
export { BatchRunner, type BatchOutcome, type BatchRunnerOptions } from './batch-runner.js';
export { DEFAULT_BACKOFF, retryDelay, type BackoffPolicy } from './backoff.js';
export {
  DEFAULT_DEAD_LETTER_TOPIC,
  DLQ_HEADER,
  isCredentialHeader,
  parseDeadLetter,
  toDeadLetterMessage,
  toDeadLetterRecord,
  type DeadLetterRecord,
} from './dead-letter.js';
export { partitionForKey, murmur2 } from './murmur2.js';
export { DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_IN_FLIGHT_BATCHES } from './subscribe-options.js';
export { countDeadLetters } from './metrics.js';
