// The bus in the heap, for unit tests: Kafka's semantics, nothing survives the process. The
// all-in-one process runs on the embedded durable log instead (embedded/).
import { LocalBus, type LocalBusOptions } from '../local/local-bus.js';
import { MemoryLogStore } from './memory-log.js';

export type InMemoryBusOptions = LocalBusOptions;

export class InMemoryBus extends LocalBus {
  readonly kind = 'memory';

  constructor(options: InMemoryBusOptions = {}) {
    super(new MemoryLogStore(), options);
  }
}
