// Consumer metrics, shared by both adapters, named by OpenTelemetry's messaging semantic
// conventions where they define one (messaging.client.consumed.messages,
// messaging.process.duration); the rest under aftershock.messaging.*.
import type { Attributes } from '@opentelemetry/api';
import { COUNT_BUCKETS, meter, SECONDS_BUCKETS } from '#observability';

export const consumerMetrics = {
  consumed: meter.createCounter('messaging.client.consumed.messages', {
    description: 'Messages handed to a handler whose batch completed (dead-lettered ones included)',
    unit: '{message}',
  }),
  processDuration: meter.createHistogram('messaging.process.duration', {
    description: 'Time from a batch reaching the handler until its effects and dead letters were durable',
    unit: 's',
    advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
  }),
  batchSize: meter.createHistogram('aftershock.messaging.batch.size', {
    description: 'Messages per handler batch',
    unit: '{message}',
    advice: { explicitBucketBoundaries: COUNT_BUCKETS },
  }),
  failedAttempts: meter.createCounter('aftershock.messaging.batch.failed_attempts', {
    description: 'Batch attempts that threw (dependency unavailable) and were retried',
    unit: '{attempt}',
  }),
  deadLettered: meter.createCounter('aftershock.messaging.dead_lettered', {
    description: 'Messages sent to the dead-letter topic, by reason code (error.type)',
    unit: '{message}',
  }),
  lag: meter.createGauge('aftershock.messaging.consumer.lag', {
    description:
      "Messages in a partition after the group's committed offset, measured at each fetch (the broker's high watermark minus the next offset)",
    unit: '{message}',
  }),
};

/** Counts dead letters by reason code, wherever they are sent from (consumers, HTTP ingest). */
export function countDeadLetters(codes: readonly string[], attributes: Attributes): void {
  const byCode = new Map<string, number>();
  for (const code of codes) byCode.set(code, (byCode.get(code) ?? 0) + 1);
  for (const [code, count] of byCode)
    consumerMetrics.deadLettered.add(count, { ...attributes, 'error.type': code });
}

/** The bus behind a consumer, as `messaging.system` names it. */
export type BusSystem = 'kafka' | 'embedded' | 'memory';

/** The group's lag on one partition after a commit: messages in the log past `next`. */
export function recordConsumerLag(
  system: BusSystem,
  groupId: string,
  topic: string,
  partition: number,
  lag: number,
): void {
  consumerMetrics.lag.record(lag, {
    'messaging.system': system,
    'messaging.consumer.group.name': groupId,
    'messaging.destination.name': topic,
    'messaging.destination.partition.id': String(partition),
  });
}
