// Dead-letters input refused over HTTP in the same record format the consumers use, so one
// place (the dead-letter topic, and the dead_letters table behind it) holds all refused input.
import { Inject, Injectable } from '@nestjs/common';
import { TOPICS, type DecodeError } from '#contracts';
import type { Clock } from '#core';
import { countDeadLetters, MESSAGE_BUS, toDeadLetterMessage, type MessageBus } from '#messaging';
import { CLOCK } from '#platform';

/** Stands for the consumer group in dead letters refused over HTTP. */
const HTTP_GROUP = 'aftershock-ingest-http';

@Injectable()
export class DeadLetterPublisher {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async publishHttp(
    source: string,
    body: Buffer,
    headers: Record<string, string | undefined>,
    error: DecodeError,
  ): Promise<void> {
    const { authorization: _secret, ...kept } = headers; // never store credentials
    const message = {
      topic: source,
      partition: -1,
      offset: '-1',
      key: null,
      value: body,
      headers: kept,
      timestamp: this.clock.now(),
    };
    await this.bus.send(TOPICS.deadLetters, [
      toDeadLetterMessage({ message, code: error.code, reason: error.message }, HTTP_GROUP),
    ]);
    countDeadLetters([error.code], {
      'messaging.consumer.group.name': HTTP_GROUP,
      'messaging.destination.name': source,
    });
  }
}
