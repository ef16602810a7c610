// Encodes and decodes canonical events in the configured wire format, and reads any of the
// three formats on input (detected from the bytes), always into the newest schema version.
import { TextDecoder } from 'node:util';
import {
  decodeConfluentBody,
  decodeSingleObject,
  detectWireFormat,
  encodeConfluent,
  encodeSingleObject,
  confluentSchemaId,
  type WireFormat,
} from './avro/wire-formats.js';
import { schemaCatalog, type EventName, type SchemaCatalog } from './avro/schema-catalog.js';
import type { SchemaRegistryClient } from './avro/schema-registry-client.js';
import { DecodeError } from './errors.js';
import type { EventTypes } from './generated/events.js';
import { limitsAt, toCanonical } from './validate.js';

export interface EventCodecOptions {
  /** Format written on output (default avro single-object). Input accepts all three. */
  readonly format?: WireFormat;
  /** Required for the confluent format. */
  readonly registry?: SchemaRegistryClient;
  /** Subject naming: `<topic>-value` (TopicNameStrategy) needs the topic; default uses the event name. */
  readonly subjectFor?: (event: EventName) => string;
  /** Current time, for the plausible-timestamp check. */
  readonly now: () => number;
  readonly catalog?: SchemaCatalog;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export class EventCodec {
  readonly format: WireFormat;
  private readonly catalog: SchemaCatalog;

  constructor(private readonly options: EventCodecOptions) {
    this.format = options.format ?? 'avro';
    this.catalog = options.catalog ?? schemaCatalog();
    if (this.format === 'confluent' && !options.registry) {
      throw new Error('the confluent wire format needs a schema registry URL');
    }
  }

  /** Checks an event against the newest schema (defaults filled in) without encoding it. */
  validate<E extends EventName>(event: E, value: unknown): EventTypes[E] {
    return toCanonical<EventTypes[E]>(this.catalog.latest(event).type, value, limitsAt(this.options.now()));
  }

  async encode<E extends EventName>(event: E, value: EventTypes[E]): Promise<Buffer> {
    const latest = this.catalog.latest(event);
    switch (this.format) {
      case 'avro':
        return encodeSingleObject(latest, value);
      case 'json':
        return Buffer.from(JSON.stringify(value, bytesAsBase64));
      case 'confluent': {
        const id = await this.options.registry!.idFor(this.subject(event), latest.canonical);
        return encodeConfluent(id, latest.type, value);
      }
    }
  }

  /** Decodes bytes in any supported format into a validated event of the newest schema. */
  async decode<E extends EventName>(event: E, bytes: Buffer): Promise<EventTypes[E]> {
    const format = detectWireFormat(bytes);
    let value: unknown;
    switch (format) {
      case 'avro':
        value = decodeSingleObject(this.catalog, event, bytes);
        break;
      case 'confluent': {
        if (!this.options.registry) {
          throw new DecodeError(
            'decode.confluent',
            'Confluent wire format, but no schema registry is configured',
          );
        }
        const writer = await this.options.registry.typeById(confluentSchemaId(bytes));
        value = decodeConfluentBody(this.catalog, writer, event, bytes);
        break;
      }
      case 'json':
        value = parseJson(bytes);
        break;
      default:
        throw new DecodeError(
          'decode.unknown-format',
          'neither Avro (single-object or Confluent) nor a JSON object',
        );
    }
    return this.validate(event, value);
  }

  private subject(event: EventName): string {
    return this.options.subjectFor?.(event) ?? `aftershock.${event}`;
  }
}

/** No real event nests deeper; deeper input is an attack on recursive code downstream. */
export const MAX_JSON_DEPTH = 64;

/** Strict JSON: invalid UTF-8 is refused rather than silently replaced, and so is absurd nesting. */
export function parseJson(bytes: Buffer): unknown {
  const depth = jsonDepth(bytes);
  if (depth > MAX_JSON_DEPTH) {
    throw new DecodeError(
      'decode.too-deep',
      `JSON nested ${depth} levels deep; the limit is ${MAX_JSON_DEPTH}`,
    );
  }
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new DecodeError('decode.utf8', 'the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DecodeError('decode.json', `not valid JSON: ${(error as Error).message}`);
  }
}

function bytesAsBase64(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer') {
    return Buffer.from((value as { data: number[] }).data).toString('base64');
  }
  return value;
}

/** The deepest bracket nesting in JSON text (brackets inside strings do not count). */
function jsonDepth(bytes: Buffer): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      if (++depth > deepest) deepest = depth;
      if (deepest > MAX_JSON_DEPTH) return deepest;
    } else if (b === 0x7d || b === 0x5d) depth--;
  }
  return deepest;
}
