// The one NDJSON line shape the command line reads and writes: `{"type": "<event>", "event":
// {…}}`, the canonical event as JSON under the name of its schema (`change`, `alert`,
// `incident-command`, …). `replay` reads and writes it; `assess --history` reads it. Older
// files wrote `value` instead of `event`, or named the topic (`{"topic":
// "aftershock.changes.v1", "value": …}`): both are still read.
import { DecodeError, parseJson, TOPIC_EVENTS, type TopicName } from '#contracts';

export interface Envelope {
  readonly type: string;
  readonly event: unknown;
}

/** The envelope of one line; DecodeError naming the field when the line is not one. */
export function parseEnvelope(line: string): Envelope {
  const json = parseJson(Buffer.from(line));
  const envelope = envelopeOf(json);
  if (!envelope) {
    throw new DecodeError(
      'envelope.shape',
      'expected {"type": "<event>", "event": {…}} (one event a line)',
      typeof json === 'object' && json !== null && !Array.isArray(json) ? 'event' : '(root)',
    );
  }
  return envelope;
}

/** The envelope when `json` is one (`type` or `topic`, with `event` or `value`); undefined otherwise. */
export function envelopeOf(json: unknown): Envelope | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const o = json as Record<string, unknown>;
  const event = 'event' in o ? o.event : 'value' in o ? o.value : undefined;
  if (event === undefined) return undefined;
  if (typeof o.type === 'string') return { type: o.type, event };
  if (typeof o.topic === 'string') {
    const type = TOPIC_EVENTS[o.topic as TopicName];
    if (type === undefined) throw new DecodeError('envelope.topic', `unknown topic "${o.topic}"`, 'topic');
    return { type, event };
  }
  return undefined;
}
