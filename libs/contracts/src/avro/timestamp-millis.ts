// `timestamp-millis` values stay plain epoch-millisecond numbers in memory (not Date objects):
// cheaper, and what every time computation in the core expects. Registering the logical type
// anyway lets validation recognise timestamp fields from the schema itself.
import avro from 'avsc';

export class TimestampMillis extends avro.types.LogicalType {
  override _fromValue(value: unknown): unknown {
    return value;
  }
  override _toValue(value: unknown): unknown {
    return value;
  }
  override _resolve(type: avro.Type): ((value: unknown) => unknown) | undefined {
    const name = type.typeName;
    if (name === 'long' || name === 'int' || name === 'logical:timestamp-millis') return (v) => v;
    return undefined;
  }
}

export const LOGICAL_TYPES = { 'timestamp-millis': TimestampMillis };
