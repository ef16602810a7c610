// Problems, for the known errors the notifier follows up with: every correlator instance reads
// every partition (its own group per instance, new records only), since the incident a problem
// lists may be any instance's; only the instance that told people about it sends the follow-up.
import { Injectable } from '@nestjs/common';
import { EventCodec, TOPICS } from '#contracts';
import type { BatchResult, PartitionBatch, Rejection } from '#messaging';
import { decodeBatch, type BatchConsumer } from '#platform';
import { CorrelatorEngine } from '../correlator-engine.js';

@Injectable()
export class ProblemsConsumer implements BatchConsumer {
  constructor(
    private readonly engine: CorrelatorEngine,
    private readonly codec: EventCodec,
  ) {}

  topics(): string[] {
    return [TOPICS.problems];
  }

  async handle(batch: PartitionBatch): Promise<BatchResult> {
    const rejected: Rejection[] = [];
    this.engine.problems(await decodeBatch(this.codec, 'problem', batch, rejected));
    return { rejected };
  }
}
