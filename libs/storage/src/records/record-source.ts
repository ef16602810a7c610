// Where a record came from: the Kafka message it was read from.
export interface RecordSource {
  readonly topic: string;
  readonly partition: number;
  /** Decimal string, as Kafka offsets travel. */
  readonly offset: string;
  /** The message's producer or broker timestamp, epoch milliseconds. */
  readonly timestamp: number;
}
