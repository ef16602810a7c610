// `@BatchPattern('<topic>')`: `@EventPattern` bound to the BatchTransport, typed so the compiler
// checks the handler's shape — (batch, context?) → BatchResult | void.
import { EventPattern } from '@nestjs/microservices';
import type { BatchResult, PartitionBatch } from '../port.js';
import type { BatchContext } from './batch-context.js';
import { BATCH_TRANSPORT } from './batch-transport.js';

export type BatchHandlerMethod = (
  batch: PartitionBatch,
  context: BatchContext,
) => Promise<BatchResult | void>;

export function BatchPattern(
  topic: string,
): <M extends BatchHandlerMethod>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void {
  const decorate: MethodDecorator = EventPattern<string>(topic, BATCH_TRANSPORT);
  return (target, key, descriptor) => {
    decorate(target, key, descriptor);
  };
}
