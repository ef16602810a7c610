// Keeps the risk gate's history current: every change, verdict, incident version and problem
// version, read by each api instance in full (its own consumer group), like the correlator's
// global change table. Feeding is idempotent (by id and version), so redelivery is harmless.
import { Inject, Injectable } from '@nestjs/common';
import { DecodeError, EventCodec, TOPICS } from '#contracts';
import type { BatchResult, PartitionBatch, Rejection } from '#messaging';
import type { BatchConsumer } from '#platform';
import { API_CODEC } from '../api.tokens.js';
import type { HistoryEvent } from '#core';
import { RiskGate } from './risk-gate.js';

export const HISTORY_TOPICS = [TOPICS.changes, TOPICS.verdicts, TOPICS.incidents, TOPICS.problems];

@Injectable()
export class HistoryConsumer implements BatchConsumer {
  constructor(
    private readonly gate: RiskGate,
    @Inject(API_CODEC) private readonly codec: EventCodec,
  ) {}

  topics(): string[] {
    return HISTORY_TOPICS;
  }

  async handle(batch: PartitionBatch): Promise<BatchResult> {
    const rejected: Rejection[] = [];
    for (const message of batch.messages) {
      if (!message.value) {
        rejected.push({ message, code: 'decode.empty', reason: 'the message has no value' });
        continue;
      }
      try {
        this.gate.add(await this.toEvent(batch.topic, message.value));
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        rejected.push({ message, code: error.code, reason: error.message });
      }
    }
    return { rejected };
  }

  private async toEvent(topic: string, bytes: Buffer): Promise<HistoryEvent> {
    switch (topic) {
      case TOPICS.changes: {
        const value = await this.codec.decode('change', bytes);
        return { type: 'change', at: value.startedAt, value };
      }
      case TOPICS.verdicts: {
        const value = await this.codec.decode('verdict', bytes);
        return { type: 'verdict', at: value.decidedAt, value };
      }
      case TOPICS.incidents: {
        const value = await this.codec.decode('incident', bytes);
        return { type: 'incident', at: value.updatedAt, value };
      }
      default: {
        const value = await this.codec.decode('problem', bytes);
        return { type: 'problem', at: value.updatedAt, value };
      }
    }
  }
}
