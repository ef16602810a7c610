// Changes (and their risk assessments) as a global table: every correlator instance reads every
// partition — its own consumer group per instance, from the beginning of retention — because an
// alert on one service may be caused by a change on a neighbour owned by another instance.
import { Injectable } from '@nestjs/common';
import { EventCodec, TOPICS } from '#contracts';
import type { CorrelatorInput } from '#core';
import type { BatchResult, PartitionBatch, Rejection } from '#messaging';
import { decodeBatch, type BatchConsumer } from '#platform';
import { CorrelatorEngine } from '../correlator-engine.js';
import { ChangesCaughtUp } from './changes-caught-up.js';

@Injectable()
export class ChangesConsumer implements BatchConsumer {
  constructor(
    private readonly engine: CorrelatorEngine,
    private readonly codec: EventCodec,
    private readonly caughtUp: ChangesCaughtUp,
  ) {}

  topics(): string[] {
    return [TOPICS.changes, TOPICS.assessments];
  }

  async handle(batch: PartitionBatch): Promise<BatchResult> {
    const rejected: Rejection[] = [];
    const inputs: CorrelatorInput[] =
      batch.topic === TOPICS.changes
        ? (await decodeBatch(this.codec, 'change', batch, rejected)).map((change) =>
            this.engine.changeInput(change),
          )
        : (await decodeBatch(this.codec, 'assessment', batch, rejected)).map((assessment) => ({
            type: 'assessment',
            assessment,
          }));
    await this.engine.apply(inputs);
    this.caughtUp.handled(batch);
    return { rejected };
  }
}
