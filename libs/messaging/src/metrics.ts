// Consumer metrics, shared by both adapters. Without an OpenTelemetry SDK these are no-ops.
import { meter } from '#observability';

export const consumerMetrics = {
  handled: meter.createCounter('aftershock.messaging.messages.handled', {
    description: 'Messages whose batch was handled successfully (dead-lettered ones excluded)',
    unit: '{message}',
  }),
  deadLettered: meter.createCounter('aftershock.messaging.messages.dead_lettered', {
    description: 'Messages the handler rejected and the consumer sent to the dead-letter topic',
    unit: '{message}',
  }),
  failedAttempts: meter.createCounter('aftershock.messaging.batch.failed_attempts', {
    description: 'Batch attempts that threw (dependency unavailable) and were retried',
    unit: '{attempt}',
  }),
  batchDuration: meter.createHistogram('aftershock.messaging.batch.duration', {
    description: 'Time from a batch reaching the consumer until its effects and dead letters were durable',
    unit: 's',
  }),
};
