// Decodes a batch of canonical events; what cannot be decoded or validated becomes a rejection
// (dead-lettered with the reason by the batch runner) instead of an exception.
import { DecodeError, type EventCodec, type EventName, type EventTypes } from '#contracts';
import type { PartitionBatch, Rejection } from '#messaging';

export async function decodeBatch<E extends EventName>(
  codec: EventCodec,
  event: E,
  batch: PartitionBatch,
  rejected: Rejection[],
): Promise<EventTypes[E][]> {
  const out: EventTypes[E][] = [];
  for (const message of batch.messages) {
    if (!message.value) {
      rejected.push({ message, code: 'decode.empty', reason: 'the message has no value' });
      continue;
    }
    try {
      out.push(await codec.decode(event, message.value));
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      rejected.push({ message, code: error.code, reason: error.message });
    }
  }
  return out;
}
