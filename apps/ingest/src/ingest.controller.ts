// HTTP ingest: POST /api/v1/ingest/<format> with the producer's own payload. 202 only once the
// canonical events are durably on the bus; 400 naming the field at fault; 401/403 without a
// valid ingest token (or a bad GitHub signature); 404 for an unknown format; 503 for a format
// this deployment has not configured (GitHub without its webhook secret); 413 over the body limit. Refused bodies are also dead-lettered, so nothing is silently lost.
import { Controller, HttpCode, HttpException, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { DecodeError } from '#contracts';
import type { Clock } from '#core';
import { FORMAT_NOT_CONFIGURED, IngestPipeline } from '#ingestion';
import { MESSAGE_BUS, type MessageBus } from '#messaging';
import { CLOCK, RequireScope } from '#platform';
import { DeadLetterPublisher } from './dead-letter.publisher.js';

export interface IngestAccepted {
  readonly accepted: number;
  readonly ids: string[];
}

@Controller('api/v1/ingest')
@RequireScope('ingest')
export class IngestController {
  constructor(
    private readonly pipeline: IngestPipeline,
    private readonly deadLetters: DeadLetterPublisher,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':format')
  @HttpCode(202)
  async ingest(@Param('format') format: string, @Req() request: Request): Promise<IngestAccepted> {
    if (!this.pipeline.has(format)) {
      throw new HttpException(
        {
          error: {
            code: 'unsupported.format',
            reason: `unknown format "${format}"; use one of ${this.pipeline.formats().join(', ')}`,
          },
        },
        404,
      );
    }
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : v]),
    );
    const source = `http:${request.path}`;
    try {
      const prepared = await this.pipeline.prepare(format, {
        body,
        headers,
        source,
        receivedAt: this.clock.now(),
      });
      await IngestPipeline.publish(this.bus, [prepared]);
      return { accepted: prepared.events.length, ids: prepared.events.map((e) => e.value.id) };
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      if (error.code.startsWith('auth.')) {
        throw new HttpException({ error: { code: error.code, reason: error.reason } }, 401);
      }
      await this.deadLetters.publishHttp(source, body, headers, error);
      // Not the sender's fault: this deployment has not configured the format (kept in the DLQ).
      const status = error.code === FORMAT_NOT_CONFIGURED ? 503 : 400;
      throw new HttpException(
        { error: { code: error.code, field: error.field ?? null, reason: error.reason } },
        status,
      );
    }
  }
}
