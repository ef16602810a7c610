// HTTP ingest: POST /api/v1/ingest/<format> with the producer's own payload. 202 only once the
// canonical events are durably on the bus; 400 naming the field at fault; 401/403 without a
// valid ingest token; 404 for an unknown format; 503 for a format this deployment has not
// configured (GitHub without its webhook secret); 413 over the body limit. The token is checked
// before the body is read. GitHub cannot send a bearer token: its route authenticates each
// delivery by its X-Hub-Signature-256 alone (401 when it does not match).
// Refused bodies are dead-lettered with the reason (credential headers never kept): whole when
// they were read (400, a bad GitHub signature), as metadata only when too large (413). Requests
// refused for their bearer token (401/403) and unknown formats (404) are not kept.
import { Controller, HttpCode, HttpException, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DecodeError } from '#contracts';
import type { Clock } from '#core';
import { FORMAT_NOT_CONFIGURED, IngestPipeline } from '#ingestion';
import { MESSAGE_BUS, type MessageBus } from '#messaging';
import {
  AuthenticatedByHandler,
  BodyRefused,
  CLOCK,
  HTTP_LIMITS,
  readBody,
  RequireScope,
  type HttpLimits,
} from '#platform';
import { DeadLetterPublisher } from './dead-letter.publisher.js';

export interface IngestAccepted {
  readonly accepted: number;
  readonly ids: string[];
}

const GITHUB = 'github';

@Controller('api/v1/ingest')
export class IngestController {
  constructor(
    private readonly pipeline: IngestPipeline,
    private readonly deadLetters: DeadLetterPublisher,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(HTTP_LIMITS) private readonly limits: HttpLimits,
  ) {}

  // Declared before ':format', so it is the route GitHub deliveries take. Without a webhook
  // secret the format refuses every delivery with 503 naming the setting (and keeps it).
  @Post(GITHUB)
  @HttpCode(202)
  @AuthenticatedByHandler()
  github(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<IngestAccepted> {
    return this.ingestFormat(GITHUB, request, response);
  }

  @Post(':format')
  @HttpCode(202)
  @RequireScope('ingest')
  ingest(
    @Param('format') format: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<IngestAccepted> {
    if (!this.pipeline.has(format)) {
      throw refusal(
        404,
        'unsupported.format',
        `unknown format "${format}"; use one of ${this.pipeline.formats().join(', ')}`,
      );
    }
    return this.ingestFormat(format, request, response);
  }

  private async ingestFormat(format: string, request: Request, response: Response): Promise<IngestAccepted> {
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : v]),
    );
    const source = `http:${request.path}`;
    let body: Buffer;
    try {
      body = await readBody(request, response, this.limits.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyRefused)) throw error;
      const declared = headers['content-length'] ? ` (Content-Length: ${headers['content-length']})` : '';
      await this.deadLetters.publish({
        source,
        body: null,
        headers,
        code: error.code,
        reason: error.reason + declared,
      });
      throw refusal(error.status, error.code, error.reason);
    }
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
      await this.deadLetters.publish({ source, body, headers, code: error.code, reason: error.message });
      if (error.code.startsWith('auth.')) throw refusal(401, error.code, error.reason);
      // Not the sender's fault: this deployment has not configured the format.
      const status = error.code === FORMAT_NOT_CONFIGURED ? 503 : 400;
      throw new HttpException(
        { error: { code: error.code, field: error.field ?? null, reason: error.reason } },
        status,
      );
    }
  }
}

function refusal(status: number, code: string, reason: string): HttpException {
  return new HttpException({ error: { code, reason } }, status);
}
