// Every arriving change gets an assessment on the assessments topic (stored by the recorder,
// used by the correlator as the change's prior). One consumer group shared by the api
// instances, so each change is assessed and published once; the assessment id is derived from
// the change id, so a redelivered batch replaces rather than adds.
import { Inject, Injectable } from '@nestjs/common';
import { DecodeError, EventCodec, TOPICS } from '#contracts';
import {
  MESSAGE_BUS,
  type BatchResult,
  type MessageBus,
  type OutboundMessage,
  type PartitionBatch,
  type Rejection,
} from '#messaging';
import type { BatchConsumer } from '#platform';
import { API_CODEC } from '../api.tokens.js';
import { RiskGate } from './risk-gate.js';

@Injectable()
export class AssessmentsConsumer implements BatchConsumer {
  constructor(
    private readonly gate: RiskGate,
    @Inject(API_CODEC) private readonly codec: EventCodec,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
  ) {}

  topics(): string[] {
    return [TOPICS.changes];
  }

  async handle(batch: PartitionBatch): Promise<BatchResult> {
    const rejected: Rejection[] = [];
    const out: OutboundMessage[] = [];
    for (const message of batch.messages) {
      if (!message.value) {
        rejected.push({ message, code: 'decode.empty', reason: 'the message has no value' });
        continue;
      }
      try {
        const change = await this.codec.decode('change', message.value);
        this.gate.add({ type: 'change', at: change.startedAt, value: change });
        const assessment = this.gate.assessArrival(change);
        out.push({
          key: assessment.service,
          value: await this.codec.encode('assessment', assessment),
          headers: { 'x-aftershock-id': assessment.id, 'x-aftershock-decision': assessment.decision },
        });
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        rejected.push({ message, code: error.code, reason: error.message });
      }
    }
    if (out.length > 0) await this.bus.send(TOPICS.assessments, out);
    return { rejected };
  }
}
