// Consumes the raw topics (one format each) and publishes canonical events keyed by service.
// Refused input is returned as rejections, so the batch runner dead-letters it with the reason
// and the partition moves on; offsets are committed only after the canonical events are durable.
import { Inject, Injectable } from '@nestjs/common';
import { DecodeError } from '#contracts';
import { IngestPipeline, type Prepared } from '#ingestion';
import type { BatchResult, InboundMessage, MessageBus, PartitionBatch, Rejection } from '#messaging';
import { MESSAGE_BUS } from '#messaging';
import { INGEST_CONFIG } from './ingest.providers.js';
import type { IngestConfig } from './ingest.settings.js';

/** A record may name its format in this header, overriding the topic's. */
export const FORMAT_HEADER = 'x-aftershock-format';

@Injectable()
export class RawTopicsConsumer {
  constructor(
    private readonly pipeline: IngestPipeline,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  topics(): string[] {
    return Object.keys(this.config.rawTopics);
  }

  async handle(batch: PartitionBatch): Promise<BatchResult> {
    const prepared: Prepared[] = [];
    const rejected: Rejection[] = [];
    for (const message of batch.messages) {
      const headers = textHeaders(message);
      const format = headers[FORMAT_HEADER] ?? this.config.rawTopics[batch.topic] ?? '';
      try {
        prepared.push(
          await this.pipeline.prepare(format, {
            body: message.value ?? Buffer.alloc(0),
            headers,
            source: batch.topic,
            receivedAt: message.timestamp,
          }),
        );
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        rejected.push({ message, code: error.code, reason: error.message });
      }
    }
    await IngestPipeline.publish(this.bus, prepared);
    return { rejected };
  }
}

function textHeaders(message: InboundMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = value.toString();
  }
  return out;
}
