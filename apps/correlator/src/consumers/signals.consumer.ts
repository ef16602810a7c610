// Alerts, telemetry and incident commands: partitioned by service, so each correlator instance
// handles its own share (one consumer group for all instances).
import { Injectable } from '@nestjs/common';
import { EventCodec, TOPICS } from '#contracts';
import type { CorrelatorInput } from '#core';
import type { Assignment, BatchResult, PartitionBatch, Rejection } from '#messaging';
import { decodeBatch, type BatchConsumer } from '#platform';
import { CorrelatorEngine } from '../correlator-engine.js';

@Injectable()
export class SignalsConsumer implements BatchConsumer {
  constructor(
    private readonly engine: CorrelatorEngine,
    private readonly codec: EventCodec,
  ) {}

  topics(): string[] {
    return [TOPICS.alerts, TOPICS.telemetry, TOPICS.incidentCommands];
  }

  /** Before the first batch of a new assignment: carry on from the history of these partitions. */
  onAssigned(assignment: Assignment): Promise<void> {
    return this.engine.rebuild(assignment);
  }

  async handle(batch: PartitionBatch): Promise<BatchResult> {
    const rejected: Rejection[] = [];
    let inputs: CorrelatorInput[];
    switch (batch.topic) {
      case TOPICS.alerts:
        inputs = (await decodeBatch(this.codec, 'alert', batch, rejected)).map((alert) => ({
          type: 'alert',
          alert,
        }));
        break;
      case TOPICS.telemetry:
        inputs = (await decodeBatch(this.codec, 'telemetry', batch, rejected)).map((b) => ({
          type: 'telemetry',
          batch: b,
        }));
        break;
      default:
        inputs = (await decodeBatch(this.codec, 'incident-command', batch, rejected)).map((command) => ({
          type: 'command',
          command,
        }));
    }
    await this.engine.apply(inputs);
    return { rejected };
  }
}
