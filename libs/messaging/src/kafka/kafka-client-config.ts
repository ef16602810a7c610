// BusConfig → kafkajs client options: brokers, TLS (with an optional CA bundle), SASL
// (PLAIN / SCRAM), and kafkajs's own log lines routed into our structured logger.
import { readFileSync } from 'node:fs';
import kafkajs, { type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { BusConfig } from '#config';
import type { Logger } from '#observability';

const { logLevel } = kafkajs;

export function kafkaClientConfig(config: BusConfig, logger: Logger): KafkaConfig {
  return {
    clientId: config.kafkaClientId,
    brokers: [...config.kafkaBrokers],
    ssl: tlsOptions(config),
    sasl: saslOptions(config),
    logLevel: logLevel.INFO,
    logCreator: () => (entry) => logKafkaEntry(logger, entry),
  };
}

function tlsOptions(config: BusConfig): KafkaConfig['ssl'] {
  if (!config.kafkaSsl) return false;
  if (!config.kafkaSslCaFile) return true;
  return { ca: [readFileSync(config.kafkaSslCaFile, 'utf8')] };
}

function saslOptions(config: BusConfig): SASLOptions | undefined {
  const username = config.kafkaSaslUsername ?? '';
  const password = config.kafkaSaslPassword ?? '';
  switch (config.kafkaSaslMechanism) {
    case 'none':
      return undefined;
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

/** kafkajs INFO lines (joins, assignments) are chatty, so they become our debug. */
function logKafkaEntry(logger: Logger, entry: LogEntry): void {
  const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry.log;
  const line = `kafkajs ${entry.namespace}: ${message}`;
  if (entry.level === logLevel.ERROR) logger.error(line, fields);
  else if (entry.level === logLevel.WARN) logger.warn(line, fields);
  else logger.debug(line, fields);
}
