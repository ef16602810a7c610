// The OTLP metrics protobuf schema (our copy of opentelemetry-proto in libs/ingestion/proto/),
// loaded once at module load with protobufjs. `otlp_proto` records are an
// ExportMetricsServiceRequest in the protobuf binary encoding; decoding turns them into the
// same plain-object shape OTLP/JSON has (lowerCamelCase names, 64-bit integers as decimal
// strings, enums as numbers, bytes as base64), so one reader serves both encodings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { projectPath } from '#config';
import { DecodeError } from '#contracts';

/** The .proto files in dependency order, relative to libs/ingestion/proto/. */
const PROTO_FILES = [
  'opentelemetry/proto/common/v1/common.proto',
  'opentelemetry/proto/resource/v1/resource.proto',
  'opentelemetry/proto/metrics/v1/metrics.proto',
  'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
];

export const OTLP_PROTO_DIR = projectPath('libs', 'ingestion', 'proto');

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  // Parsed file by file (imports are not followed): no reliance on protobufjs finding `fs`.
  for (const file of PROTO_FILES) {
    protobuf.parse(readFileSync(join(OTLP_PROTO_DIR, file), 'utf8'), root, { keepCase: false });
  }
  root.resolveAll();
  return root;
}

const root = loadRoot();

export const ExportMetricsServiceRequest = root.lookupType(
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
);

const TO_OBJECT: protobuf.IConversionOptions = {
  longs: String,
  enums: Number,
  bytes: String,
  defaults: false,
  arrays: true,
};

/** Decodes an `otlp_proto` body into the OTLP/JSON-like object shape; DecodeError if it is not one. */
export function decodeOtlpMetricsProto(body: Uint8Array): Record<string, unknown> {
  try {
    const message = ExportMetricsServiceRequest.decode(body);
    return ExportMetricsServiceRequest.toObject(message, TO_OBJECT);
  } catch (error) {
    // protobufjs throws RangeError/Error for truncated data, bad wire types and the like;
    // hostile nesting can overflow the stack, which is also just a refusal here.
    const reason = error instanceof Error ? error.message : String(error);
    throw new DecodeError(
      'decode.protobuf',
      `not a valid OTLP ExportMetricsServiceRequest in protobuf encoding: ${reason}`,
    );
  }
}

/**
 * Encodes an OTLP/JSON-shaped object (as a Collector writes for `otlp_json`) in the protobuf
 * binary encoding. For tests and tools: trace and span ids in exemplars are taken as base64.
 */
export function encodeOtlpMetricsProto(request: Record<string, unknown>): Buffer {
  const message = ExportMetricsServiceRequest.fromObject(request);
  return Buffer.from(ExportMetricsServiceRequest.encode(message).finish());
}
