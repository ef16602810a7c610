// Feeds the live incident stream from the incidents topic. Each api instance reads every
// partition (its own consumer group) and only what was published after it started: a stream
// is live, the history is in the REST API. Messages older than the instance are skipped before
// decoding, so a group that starts from the beginning of retention catches up cheaply.
import { Inject, Injectable } from '@nestjs/common';
import { DecodeError, EventCodec, TOPICS } from '#contracts';
import type { BatchResult, PartitionBatch, Rejection } from '#messaging';
import type { BatchConsumer } from '#platform';
import { API_CODEC } from '../api.tokens.js';
import { IncidentStream } from './incident-stream.js';

/** Tolerated skew between the producer's clock and ours. */
const CLOCK_SKEW_MS = 5_000;

// Message timestamps are wall-clock time (the broker's or producer's), whatever clock drives
// event time in this process (the demo simulates one), so this compares with the wall clock.
const wallClock = () => Date.now();

@Injectable()
export class StreamConsumer implements BatchConsumer {
  private readonly since: number;

  constructor(
    private readonly stream: IncidentStream,
    @Inject(API_CODEC) private readonly codec: EventCodec,
  ) {
    this.since = wallClock() - CLOCK_SKEW_MS;
  }

  topics(): string[] {
    return [TOPICS.incidents];
  }

  async handle(batch: PartitionBatch): Promise<BatchResult> {
    const rejected: Rejection[] = [];
    for (const message of batch.messages) {
      if (message.timestamp < this.since || !message.value || this.stream.size() === 0) continue;
      try {
        this.stream.publish(await this.codec.decode('incident', message.value));
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        rejected.push({ message, code: error.code, reason: error.message });
      }
    }
    return { rejected };
  }
}
