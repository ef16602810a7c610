// Canonical events as NDJSON, one a line: the one line shape the command line reads and writes,
// `{"type": "<event>", "event": {…}}`, the canonical event as JSON under the name of its schema
// (`change`, `alert`, `incident-command`, …). `replay` reads and writes it; `assess --history`
// and the risk backtest read histories of it. Older files wrote `value` instead of `event`, or
// named the topic (`{"topic": "aftershock.changes.v1", "value": …}`): both are still read.
import { DecodeError, parseJson, TOPIC_EVENTS, type EventCodec, type TopicName } from '#contracts';
import type { HistoryEvent } from '#core';

/** A history file that cannot be read: the message names the file, the line and the field. */
export class EventLinesError extends Error {
  override name = 'EventLinesError';
}

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

const EVENT_NAMES = new Set(['change', 'verdict', 'incident', 'problem']);

/**
 * Canonical events from NDJSON, validated, in event-time order. A line is an envelope
 * {"type": "change", "event": …} (older forms too), or a bare event (its type
 * told from its fields). Assessments and other events are skipped; blank lines too. Errors
 * name the file, the line and the field.
 */
export function parseEventLines(text: string, codec: EventCodec, file = 'history'): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '') continue;
    const where = `${file}:${n + 1}`;
    let json: unknown;
    try {
      json = parseJson(Buffer.from(line));
    } catch (error) {
      throw new EventLinesError(`${where}: ${(error as Error).message}`);
    }
    const { type, value } = unwrap(json, where);
    if (type === undefined) continue;
    try {
      events.push(toHistoryEvent(type, codec.validate(type, value)));
    } catch (error) {
      if (error instanceof DecodeError) throw new EventLinesError(`${where}: ${type}: ${error.message}`);
      throw error;
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

type HistoryEventName = 'change' | 'verdict' | 'incident' | 'problem';

function unwrap(json: unknown, where: string): { type: HistoryEventName | undefined; value: unknown } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new EventLinesError(`${where}: expected a JSON object (one event a line)`);
  }
  let envelope;
  try {
    envelope = envelopeOf(json);
  } catch (error) {
    if (error instanceof DecodeError) throw new EventLinesError(`${where}: ${error.message}`);
    throw error;
  }
  if (envelope) {
    const known = EVENT_NAMES.has(envelope.type);
    return { type: known ? (envelope.type as HistoryEventName) : undefined, value: envelope.event };
  }
  const o = json as Record<string, unknown>;
  if ('suspects' in o && 'openedAt' in o) return { type: 'incident', value: o };
  if ('signature' in o && 'members' in o) return { type: 'problem', value: o };
  if ('outcome' in o && 'look' in o) return { type: 'verdict', value: o };
  if ('riskClass' in o && 'policyRule' in o) return { type: undefined, value: o };
  if ('kind' in o && 'startedAt' in o) return { type: 'change', value: o };
  throw new EventLinesError(
    `${where}: cannot tell which event this is; wrap it as {"type": "change" | "verdict" | "incident" | "problem", "event": {…}}`,
  );
}

function toHistoryEvent(type: HistoryEventName, value: unknown): HistoryEvent {
  switch (type) {
    case 'change': {
      const v = value as Extract<HistoryEvent, { type: 'change' }>['value'];
      return { type, at: v.startedAt, value: v };
    }
    case 'verdict': {
      const v = value as Extract<HistoryEvent, { type: 'verdict' }>['value'];
      return { type, at: v.decidedAt, value: v };
    }
    case 'incident': {
      const v = value as Extract<HistoryEvent, { type: 'incident' }>['value'];
      return { type, at: v.updatedAt, value: v };
    }
    case 'problem': {
      const v = value as Extract<HistoryEvent, { type: 'problem' }>['value'];
      return { type, at: v.updatedAt, value: v };
    }
  }
}
