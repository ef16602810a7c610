// What `@Ctx()` gives a batch handler: the batch and the consumer group it is consumed by.
import { BaseRpcContext } from '@nestjs/microservices';
import type { PartitionBatch } from '../port.js';

export class BatchContext extends BaseRpcContext<[PartitionBatch, string]> {
  getBatch(): PartitionBatch {
    return this.args[0];
  }

  getGroupId(): string {
    return this.args[1];
  }
}
