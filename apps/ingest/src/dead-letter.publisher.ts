// Dead-letters input refused over HTTP in the same record format the consumers use, so one
// place (the dead-letter topic, and the dead_letters table behind it) holds all refused input.
// Credential headers are never kept (the record format drops them). A body over the size limit
// is kept as metadata only: its headers, its declared length and the reason.
import { Inject, Injectable } from '@nestjs/common';
import { TOPICS } from '#contracts';
import type { Clock } from '#core';
import { MESSAGE_BUS, toDeadLetterMessage, type MessageBus } from '#messaging';
import { CLOCK } from '#platform';

export interface HttpRefusal {
  /** The route, e.g. `http:/api/v1/ingest/github`. */
  readonly source: string;
  /** The body as received; null when it was not read (too large). */
  readonly body: Buffer | null;
  readonly headers: Record<string, string | undefined>;
  readonly code: string;
  readonly reason: string;
}

@Injectable()
export class DeadLetterPublisher {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async publish(refusal: HttpRefusal): Promise<void> {
    const message = {
      topic: refusal.source,
      partition: -1,
      offset: '-1',
      key: null,
      value: refusal.body,
      headers: refusal.headers,
      timestamp: this.clock.now(),
    };
    await this.bus.send(TOPICS.deadLetters, [
      toDeadLetterMessage({ message, code: refusal.code, reason: refusal.reason }, 'aftershock-ingest-http'),
    ]);
  }
}
