// CloudEvents 1.0 over Kafka (and HTTP): every content mode is read into one CloudEvent shape,
// then dispatched by type.
//
// Content modes:
//   binary      attributes in headers — `ce_specversion`, `ce_id`, `ce_source`, `ce_type`,
//               `ce_time`, `ce_subject`, … (Kafka binding; the HTTP binding's `ce-` prefix with
//               percent-encoded values is read too); `content-type` is datacontenttype; the
//               body is the data (parsed as JSON when the content type is JSON or absent)
//   structured  `content-type: application/cloudevents+json`: the whole event is the body,
//               data in `data` (or `data_base64`)
//   batch       `content-type: application/cloudevents-batch+json`: an array of events
// A body without CloudEvents headers or content type is read as structured (or batch) when it
// is a JSON object with `specversion` (or an array), since some producers omit the header.
// Required attributes are checked (specversion "1.0", non-empty id, source, type; time, when
// present, RFC 3339).
//
// Dispatch by type:
//   dev.cdevents.*              → the CDEvents mapper (cdevents.ts) with the data as the event
//   dev.aftershock.change.v1    → the data is a canonical Change (JSON); id defaults to the
//   dev.aftershock.alert.v1       CloudEvent id, source to "cloudevents", startedAt/startsAt to
//                                 the CloudEvent time; validated against the newest schema
//   anything else               → refused, code `unsupported.cloudevent-type`
// A batch is accepted or refused whole: a refusal names the event (`[2].data.subject.id`).
import { DecodeError, type EventCodec } from '#contracts';
import type { CanonicalEvent, NormaliseContext, Normaliser, RawInput } from '../normaliser.js';
import { cdeventChanges, CDEVENTS_PREFIX } from './cdevents.js';
import {
  asArray,
  asObject,
  at,
  describe,
  header,
  identifier,
  invalid,
  isObject,
  jsonBody,
  MAX_TEXT_LENGTH,
  missing,
  optionalString,
  parseRfc3339,
  timestampOf,
  type JsonObject,
} from './fields.js';

export const AFTERSHOCK_CHANGE_TYPE = 'dev.aftershock.change.v1';
export const AFTERSHOCK_ALERT_TYPE = 'dev.aftershock.alert.v1';

export interface CloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time?: string;
  readonly subject?: string;
  readonly datacontenttype?: string;
  readonly dataschema?: string;
  /** Parsed JSON when the content type is JSON (or absent); the raw bytes otherwise. */
  readonly data?: unknown;
  /** Extension attributes, as text. */
  readonly extensions: Readonly<Record<string, string>>;
  /** Where the data is in the input, for refusals: `data`, `[2].data`, or '' (binary: the body). */
  readonly dataPath: string;
  /** Where an attribute is in the input: `type`, `[2].type`, or the header `ce_type`. */
  readonly attributePath: (name: string) => string;
}

const CORE_ATTRIBUTES = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
  'datacontenttype',
  'dataschema',
  'data',
  'data_base64',
]);

function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const mediaType = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || mediaType === 'text/json' || mediaType.endsWith('+json');
}

function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(';', 1)[0]!.trim().toLowerCase();
}

/** Every CloudEvent in the input, whatever the content mode. */
export function parseCloudEvents(input: RawInput): CloudEvent[] {
  const contentType = header(input.headers, 'content-type');
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === 'application/cloudevents-batch+json') return parseBatch(jsonBody(input.body));
  if (mediaType === 'application/cloudevents+json') return [parseStructured(jsonBody(input.body), '')];
  if (mediaType?.startsWith('application/cloudevents')) {
    invalid(
      'content-type',
      `"${mediaType}" is not supported; send the JSON event format (application/cloudevents+json)`,
      'unsupported.content-type',
    );
  }
  const prefix =
    header(input.headers, 'ce_specversion') !== undefined
      ? 'ce_'
      : header(input.headers, 'ce-specversion') !== undefined
        ? 'ce-'
        : undefined;
  if (prefix) return [parseBinary(input, prefix, contentType)];
  // No CloudEvents header and no CloudEvents content type: accept a structured body as such.
  const body = jsonBody(input.body);
  if (Array.isArray(body)) return parseBatch(body);
  if (isObject(body) && body['specversion'] !== undefined) return [parseStructured(body, '')];
  missing(
    'ce_specversion',
    'neither CloudEvents binary-mode headers (ce_specversion, ce_id, ce_source, ce_type) nor a structured CloudEvent (content-type application/cloudevents+json)',
  );
}

function parseBatch(body: unknown): CloudEvent[] {
  return asArray(body, '', 'a CloudEvents batch (a JSON array)').map((item, i) =>
    parseStructured(item, at('', i)),
  );
}

function checkAttributes(
  attributes: JsonObject,
  where: (name: string) => string,
): Pick<CloudEvent, 'specversion' | 'id' | 'source' | 'type' | 'time' | 'subject' | 'dataschema'> {
  const read = (name: string, required: boolean): string | undefined => {
    const value = attributes[name];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      invalid(where(name), `expected a string, got ${describe(value)}`);
    }
    if (value === undefined || value === null || value.trim() === '') {
      if (required) missing(where(name), `the CloudEvents ${name} attribute is required`);
      return undefined;
    }
    if (name === 'id') return identifier(value, where(name));
    if (value.length > MAX_TEXT_LENGTH) invalid(where(name), `is longer than ${MAX_TEXT_LENGTH} characters`);
    return value;
  };
  const specversion = read('specversion', true);
  if (specversion !== '1.0') {
    invalid(where('specversion'), `"${specversion}" is not supported; only CloudEvents 1.0 is`);
  }
  const id = read('id', true)!;
  const source = read('source', true)!;
  const type = read('type', true)!;
  const time = read('time', false);
  if (time !== undefined && parseRfc3339(time) === undefined) {
    invalid(where('time'), `${describe(time)} is not an RFC 3339 timestamp`);
  }
  return {
    specversion,
    id,
    source,
    type,
    time,
    subject: read('subject', false),
    dataschema: read('dataschema', false),
  };
}

function parseStructured(document: unknown, path: string): CloudEvent {
  const event = asObject(document, path);
  const where = (name: string) => at(path, name);
  const attributes = checkAttributes(event, where);
  const datacontenttype = optionalString(event, 'datacontenttype', path);
  let data: unknown = event['data'];
  const base64 = event['data_base64'];
  if (base64 !== undefined && base64 !== null) {
    if (typeof base64 !== 'string' || !/^[A-Za-z0-9+/\s]*={0,2}$/.test(base64)) {
      invalid(where('data_base64'), 'expected base64 text');
    }
    const bytes = Buffer.from(base64, 'base64');
    data = isJsonContentType(datacontenttype) ? jsonData(bytes, where('data_base64')) : bytes;
  } else if (typeof data === 'string' && isJsonContentType(datacontenttype) && /^\s*[[{]/.test(data)) {
    // Some producers put the JSON text of the data in `data` rather than the JSON value.
    data = jsonData(Buffer.from(data), where('data'));
  }
  const extensions: Record<string, string> = {};
  for (const [name, value] of Object.entries(event)) {
    if (CORE_ATTRIBUTES.has(name)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      extensions[name] = String(value);
    }
  }
  return {
    ...attributes,
    specversion: '1.0',
    datacontenttype,
    data: data === null ? undefined : data,
    extensions,
    dataPath: where(base64 !== undefined && base64 !== null ? 'data_base64' : 'data'),
    attributePath: where,
  };
}

function parseBinary(input: RawInput, prefix: 'ce_' | 'ce-', contentType: string | undefined): CloudEvent {
  const attributes: JsonObject = {};
  for (const [name, value] of Object.entries(input.headers)) {
    if (!name.startsWith(prefix) || value === undefined) continue;
    // The HTTP binding percent-encodes header values; the Kafka binding does not.
    attributes[name.slice(prefix.length)] = prefix === 'ce-' ? percentDecode(value) : value;
  }
  const where = (name: string) => `${prefix}${name}`;
  const checked = checkAttributes(attributes, where);
  const extensions: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (!CORE_ATTRIBUTES.has(name) && typeof value === 'string') extensions[name] = value;
  }
  let data: unknown;
  if (input.body.length > 0) data = isJsonContentType(contentType) ? jsonBody(input.body) : input.body;
  return {
    ...checked,
    specversion: '1.0',
    datacontenttype: contentType,
    data,
    extensions,
    dataPath: '',
    attributePath: where,
  };
}

function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function jsonData(bytes: Buffer, path: string): unknown {
  try {
    return jsonBody(bytes);
  } catch (error) {
    if (error instanceof DecodeError) throw new DecodeError(error.code, error.reason, path);
    throw error;
  }
}

export interface CloudEventsOptions {
  /**
   * Validates canonical events carried as CloudEvent data (an EventCodec does): the schema is the
   * one definition of a canonical event, so it is not repeated here.
   */
  readonly codec: Pick<EventCodec, 'validate'>;
}

export class CloudEventsNormaliser implements Normaliser {
  readonly format = 'cloudevents';

  constructor(private readonly options: CloudEventsOptions) {}

  normalise(input: RawInput, context: NormaliseContext): CanonicalEvent[] {
    return parseCloudEvents(input).flatMap((event) => this.dispatch(event, input, context));
  }

  private dispatch(event: CloudEvent, input: RawInput, context: NormaliseContext): CanonicalEvent[] {
    if (event.type.startsWith(CDEVENTS_PREFIX)) {
      if (event.data === undefined)
        missing(event.dataPath || '(body)', 'a CDEvents CloudEvent carries the event as data');
      return cdeventChanges(event.data, event.dataPath, input, context, event);
    }
    if (event.type === AFTERSHOCK_CHANGE_TYPE) return [this.canonical('change', event, input)];
    if (event.type === AFTERSHOCK_ALERT_TYPE) return [this.canonical('alert', event, input)];
    throw new DecodeError(
      'unsupported.cloudevent-type',
      `"${event.type}" is not a CloudEvent type Aftershock maps: send CDEvents (dev.cdevents.*), ${AFTERSHOCK_CHANGE_TYPE} or ${AFTERSHOCK_ALERT_TYPE}`,
      event.attributePath('type'),
    );
  }

  private canonical(kind: 'change' | 'alert', event: CloudEvent, input: RawInput): CanonicalEvent {
    const path = event.dataPath || '(body)';
    if (event.data === undefined) missing(path, `a ${event.type} CloudEvent carries the ${kind} as data`);
    const data = asObject(event.data, path);
    const timeField = kind === 'change' ? 'startedAt' : 'startsAt';
    const defaults: JsonObject = { id: event.id, source: 'cloudevents' };
    if (event.time !== undefined && data[timeField] === undefined) {
      defaults[timeField] = timestampOf(event.time, event.attributePath('time'), input.receivedAt);
    }
    const candidate = { ...defaults, ...data };
    try {
      return kind === 'change'
        ? { event: 'change', value: this.options.codec.validate('change', candidate) }
        : { event: 'alert', value: this.options.codec.validate('alert', candidate) };
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      const field =
        error.field === undefined || error.field === '(root)' ? path : at(event.dataPath, error.field);
      throw new DecodeError(error.code, error.reason, field);
    }
  }
}
