// Subscription defaults and checks shared by both adapters, so they behave the same.
import type { SubscribeOptions } from './port.js';

export const DEFAULT_MAX_BATCH_SIZE = 1000;
export const DEFAULT_MAX_IN_FLIGHT_BATCHES = 4;

export type ResolvedSubscribeOptions = Required<Omit<SubscribeOptions, 'onAssigned'>> &
  Pick<SubscribeOptions, 'onAssigned'>;

export function resolveSubscribeOptions(
  options: SubscribeOptions,
  defaultDeadLetterTopic: string,
): ResolvedSubscribeOptions {
  const problems: string[] = [];
  if (!options.groupId) problems.push('groupId is empty');
  if (options.topics.length === 0) problems.push('topics is empty');
  const resolved: ResolvedSubscribeOptions = {
    ...options,
    fromBeginning: options.fromBeginning ?? true,
    exclusive: options.exclusive ?? false,
    deadLetterTopic: options.deadLetterTopic ?? defaultDeadLetterTopic,
    maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
    maxInFlightBatches: options.maxInFlightBatches ?? DEFAULT_MAX_IN_FLIGHT_BATCHES,
  };
  if (!(resolved.maxBatchSize >= 1)) problems.push(`maxBatchSize ${resolved.maxBatchSize} is below 1`);
  if (!(resolved.maxInFlightBatches >= 1))
    problems.push(`maxInFlightBatches ${resolved.maxInFlightBatches} is below 1`);
  if (problems.length > 0) throw new Error(`invalid subscription: ${problems.join('; ')}`);
  return resolved;
}
