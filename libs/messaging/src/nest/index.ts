export { BatchContext } from './batch-context.js';
export { BatchPattern, type BatchHandlerMethod } from './batch-pattern.decorator.js';
export {
  BATCH_TRANSPORT,
  BatchTransport,
  type BatchTransportOptions,
  type BatchTransportStatus,
} from './batch-transport.js';
export { MessagingModule, type MessagingModuleOptions } from './messaging.module.js';
