// Small helpers shared by the messaging specs.
import { loadBusConfig, type BusConfig } from '#config';
import type { InboundMessage } from '../port.js';

/** A promise plus the means to settle it, for waiting on events instead of on time. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  return Promise.withResolvers<T>();
}

/** Resolves once `count()` reaches `target`; call `check()` after every change. */
export function whenCount(target: number, count: () => number): { done: Promise<void>; check: () => void } {
  const signal = deferred();
  const check = () => {
    if (count() >= target) signal.resolve();
  };
  check();
  return { done: signal.promise, check };
}

export function text(value: Buffer | string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : value.toString('utf8');
}

export function valueOf(message: InboundMessage): string {
  return text(message.value) ?? '';
}

/** A Kafka bus configuration for tests against the given brokers. */
export function kafkaTestConfig(
  brokers: readonly string[],
  overrides: Record<string, string> = {},
): BusConfig {
  return loadBusConfig({
    AFTERSHOCK_BUS: 'kafka',
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_CLIENT_ID: 'aftershock-test',
    ...overrides,
  });
}
