// Incident events and problem commands in; problems out. Problems span services, so one instance
// owns every partition (an exclusive group); others stand by and take over, restoring the book,
// when it leaves or dies.
import { Injectable } from '@nestjs/common';
import { EventCodec, TOPICS } from '#contracts';
import type { Assignment, BatchResult, PartitionBatch, Rejection } from '#messaging';
import { decodeBatch, type BatchConsumer } from '#platform';
import { ProblemsEngine, type ProblemsInput } from './problems-engine.js';

@Injectable()
export class ProblemsConsumer implements BatchConsumer {
  constructor(
    private readonly engine: ProblemsEngine,
    private readonly codec: EventCodec,
  ) {}

  topics(): string[] {
    return [TOPICS.incidents, TOPICS.problemCommands];
  }

  /** Before the first batch of an assignment: restore the book (or let it go, standing by). */
  onAssigned(assignment: Assignment): Promise<void> {
    return this.engine.restore(assignment);
  }

  async handle(batch: PartitionBatch): Promise<BatchResult> {
    const rejected: Rejection[] = [];
    const inputs: ProblemsInput[] =
      batch.topic === TOPICS.incidents
        ? (await decodeBatch(this.codec, 'incident', batch, rejected)).map((incident) => ({
            type: 'incident',
            incident,
          }))
        : (await decodeBatch(this.codec, 'problem-command', batch, rejected)).map((command) => ({
            type: 'command',
            command,
          }));
    await this.engine.apply(inputs);
    return { rejected };
  }
}
