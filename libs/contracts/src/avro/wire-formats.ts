// The three ways a canonical event travels: Avro single-object encoding (a 10-byte header with
// the writer schema's fingerprint; no registry needed), the Confluent wire format (magic byte 0
// and a 4-byte schema id from a registry), and JSON. Readers detect the format from the bytes.
import type avro from 'avsc';
import { DecodeError } from '../errors.js';
import type { EventName, SchemaCatalog, SchemaVersion } from './schema-catalog.js';

export type WireFormat = 'avro' | 'confluent' | 'json';

const SINGLE_OBJECT_MAGIC = Buffer.from([0xc3, 0x01]);
const SINGLE_OBJECT_HEADER = 10;
const CONFLUENT_MAGIC = 0x00;
const CONFLUENT_HEADER = 5;

export function detectWireFormat(bytes: Buffer): WireFormat | undefined {
  if (bytes.length >= SINGLE_OBJECT_HEADER && bytes[0] === 0xc3 && bytes[1] === 0x01) return 'avro';
  if (bytes.length >= CONFLUENT_HEADER && bytes[0] === CONFLUENT_MAGIC) return 'confluent';
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (first === 0x7b) return 'json'; // '{'
  return undefined;
}

export function encodeSingleObject(version: SchemaVersion, value: unknown): Buffer {
  const body = version.type.toBuffer(value);
  return Buffer.concat([SINGLE_OBJECT_MAGIC, Buffer.from(version.fingerprint, 'hex'), body]);
}

/** Decodes single-object bytes into the newest version of `event`'s schema. */
export function decodeSingleObject(catalog: SchemaCatalog, event: EventName, bytes: Buffer): unknown {
  if (bytes.length < SINGLE_OBJECT_HEADER || !bytes.subarray(0, 2).equals(SINGLE_OBJECT_MAGIC)) {
    throw new DecodeError('decode.avro', 'not Avro single-object encoding (missing the C3 01 header)');
  }
  const fingerprint = bytes.subarray(2, SINGLE_OBJECT_HEADER).toString('hex');
  const writer = catalog.findByFingerprint(fingerprint);
  if (!writer)
    throw new DecodeError('decode.avro-unknown-schema', `unknown schema fingerprint ${fingerprint}`);
  if (writer.event !== event) {
    throw new DecodeError(
      'decode.avro-wrong-schema',
      `a ${writer.event} event on a topic for ${event} events`,
    );
  }
  return readBody(catalog, writer.type, catalog.latest(event).type, bytes.subarray(SINGLE_OBJECT_HEADER));
}

export function encodeConfluent(schemaId: number, type: avro.Type, value: unknown): Buffer {
  const header = Buffer.alloc(CONFLUENT_HEADER);
  header.writeUInt8(CONFLUENT_MAGIC, 0);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, type.toBuffer(value)]);
}

export function confluentSchemaId(bytes: Buffer): number {
  if (bytes.length < CONFLUENT_HEADER || bytes[0] !== CONFLUENT_MAGIC) {
    throw new DecodeError('decode.confluent', 'not Confluent wire format (missing magic byte 0)');
  }
  return bytes.readUInt32BE(1);
}

export function decodeConfluentBody(
  catalog: SchemaCatalog,
  writer: avro.Type,
  event: EventName,
  bytes: Buffer,
): unknown {
  return readBody(catalog, writer, catalog.latest(event).type, bytes.subarray(CONFLUENT_HEADER));
}

function readBody(catalog: SchemaCatalog, writer: avro.Type, reader: avro.Type, body: Buffer): unknown {
  try {
    if (writer === reader) return reader.fromBuffer(body);
    return reader.fromBuffer(body, catalog.resolver(writer, reader));
  } catch (error) {
    throw new DecodeError('decode.avro', `invalid Avro body: ${(error as Error).message}`);
  }
}
