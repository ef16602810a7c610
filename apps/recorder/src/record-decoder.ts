// Messages → table rows. Each canonical topic's messages are decoded with the EventCodec (any
// wire format, into the newest schema); what cannot be decoded is rejected with the reason, so
// the batch runner dead-letters it. Dead-letter-topic messages are never rejected (the
// dead-letter topic has no dead-letter topic): whatever cannot be read is kept raw.
import { DecodeError, isDeadLetterRecord, type EventCodec, type EventName } from '#contracts';
import type { InboundMessage, Rejection } from '#messaging';
import { deadLetterRowFromEvent, deadLetterRowFromRaw, deadLetterRowFromRecord, eventRows } from '#storage';

export interface MappedMessage {
  readonly message: InboundMessage;
  readonly rows: readonly object[];
}

export interface Decoded {
  readonly mapped: MappedMessage[];
  readonly rejected: Rejection[];
}

export class RecordDecoder {
  constructor(private readonly codec: EventCodec) {}

  async decode(event: EventName, messages: readonly InboundMessage[]): Promise<Decoded> {
    const mapped: MappedMessage[] = [];
    const rejected: Rejection[] = [];
    for (const message of messages) {
      if (event === 'dead-letter') {
        mapped.push({ message, rows: [await this.deadLetterRow(message)] });
        continue;
      }
      if (!message.value || message.value.length === 0) {
        rejected.push({
          message,
          code: 'decode.empty',
          reason: `an empty message cannot be a ${event} event`,
        });
        continue;
      }
      try {
        const value = await this.codec.decode(event, message.value);
        mapped.push({ message, rows: eventRows(event, value, message) });
      } catch (error) {
        // Anything but a DecodeError (a schema registry that does not answer) is a dependency
        // problem: throwing retries the batch instead of dead-lettering good input.
        if (!(error instanceof DecodeError)) throw error;
        rejected.push({ message, code: error.code, reason: error.message });
      }
    }
    return { mapped, rejected };
  }

  private async deadLetterRow(message: InboundMessage): Promise<object> {
    const value = message.value;
    if (!value || value.length === 0) return deadLetterRowFromRaw(message, 'empty dead-letter message');
    const record = parseJsonObject(value);
    if (isDeadLetterRecord(record)) return deadLetterRowFromRecord(record);
    try {
      return deadLetterRowFromEvent(await this.codec.decode('dead-letter', value));
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      return deadLetterRowFromRaw(
        message,
        `neither a dead-letter record nor a DeadLetter event (${error.code}: ${error.message})`,
      );
    }
  }
}

function parseJsonObject(bytes: Buffer): unknown {
  if (bytes[0] !== 0x7b) return undefined; // '{'
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}
