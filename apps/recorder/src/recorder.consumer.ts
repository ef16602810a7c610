// Records the canonical and output topics in ClickHouse. Per batch (one partition of one topic):
// decode every message (undecodable ones are rejected: dead-lettered with the reason), plan the
// offset ranges to write from the recorded intents (write-plan.ts), record new ranges as intents,
// write each range's rows with dedup tokens derived from it, and return only once everything is
// durable — the offsets are committed after that. ClickHouse unavailable: the handler throws, the
// batch runner retries with backoff and commits nothing; lag grows and drains afterwards.
import { Inject, Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { EventCodec, type EventName } from '#contracts';
import type { Clock } from '#core';
import type { BatchResult, PartitionBatch, Rejection } from '#messaging';
import type { Logger } from '#observability';
import { CLOCK, LOGGER } from '#platform';
import { CLICKHOUSE_STORE, type ClickHouseStore } from '#storage';
import { RecorderIntentsRepository } from '#storage';
import { eventTable } from '#storage';
import { RangeWriter, type RangeWriterOptions } from './range-writer.js';
import { RecordDecoder } from './record-decoder.js';
import { RECORDER_CONFIG, RECORDER_WRITER_OPTIONS } from './recorder.tokens.js';
import type { RecorderConfig } from './recorder.settings.js';
import { TroubleTrackingStore } from './trouble-tracking-store.js';
import { planWrites } from './write-plan.js';

@Injectable()
export class RecorderConsumer implements OnApplicationShutdown {
  private readonly store: TroubleTrackingStore;
  private readonly intents: RecorderIntentsRepository;
  private readonly writer: RangeWriter;
  private readonly decoder: RecordDecoder;
  private intentsRecorded = 0;
  private rangesWritten = 0;
  /** Partitions whose last attempt failed: their next successful batch asks for a pause. */
  private readonly troubled = new Set<string>();

  constructor(
    @Inject(CLICKHOUSE_STORE) store: ClickHouseStore,
    @Inject(RECORDER_CONFIG) private readonly config: RecorderConfig,
    @Inject(EventCodec) codec: EventCodec,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(RECORDER_WRITER_OPTIONS) writerOptions?: RangeWriterOptions,
  ) {
    this.store = new TroubleTrackingStore(store);
    this.intents = new RecorderIntentsRepository(this.store);
    this.writer = new RangeWriter(this.store, logger, writerOptions);
    this.decoder = new RecordDecoder(codec);
  }

  topics(): string[] {
    return Object.keys(this.config.topics);
  }

  async handle(batch: PartitionBatch): Promise<BatchResult> {
    const key = `${batch.topic}\0${batch.partition}`;
    const failuresBefore = this.store.transientFailures;
    let rejected: Rejection[];
    try {
      rejected = await this.record(batch);
    } catch (error) {
      this.troubled.add(key);
      throw error;
    }
    // Written, but only after retries (here or by the batch runner): give ClickHouse some room.
    const troubled = this.troubled.delete(key) || this.store.transientFailures > failuresBefore;
    return { rejected, pauseMs: troubled ? this.config.pauseOnTroubleMs : 0 };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.writer.close();
  }

  private async record(batch: PartitionBatch): Promise<Rejection[]> {
    const { topic, partition, messages } = batch;
    if (messages.length === 0) return [];
    const event = this.eventOf(topic);
    const table = eventTable(event);
    const recorded = await this.intents.from(topic, partition, BigInt(messages[0]!.offset));
    const plan = planWrites(messages, recorded);
    if (plan.partial.length > 0) {
      this.logger.warn('batch holds only part of a range recorded before; its rows may be written twice', {
        topic,
        partition,
        ranges: plan.partial.map((r) => `${r.first}-${r.last}`),
      });
    }
    const rejected: Rejection[] = [];
    for (const segment of plan.segments) {
      const decoded = await this.decoder.decode(event, segment.messages);
      rejected.push(...decoded.rejected);
      if (!decoded.mapped.some((m) => m.rows.length > 0)) continue;
      if (!segment.replay) {
        await this.intents.record(topic, partition, segment.range, this.clock.now());
        this.checkpoint('intent', ++this.intentsRecorded);
      }
      rejected.push(...(await this.writer.write(table, topic, partition, segment.range, decoded.mapped)));
      this.logger.debug('range written', {
        topic,
        partition,
        first: segment.range.first.toString(),
        last: segment.range.last.toString(),
        replay: segment.replay,
        messages: segment.messages.length,
      });
      this.checkpoint('write', ++this.rangesWritten);
    }
    return rejected;
  }

  private eventOf(topic: string): EventName {
    const event = this.config.topics[topic];
    if (!event) throw new Error(`the recorder is not configured for topic ${topic}`);
    return event;
  }

  /** Crash tests: SIGKILL right after the n-th intent / written range (RECORDER_TEST_KILL_AT). */
  private checkpoint(after: 'intent' | 'write', nth: number): void {
    const kill = this.config.testKillAt;
    if (kill && kill.after === after && kill.nth === nth) {
      this.logger.warn('RECORDER_TEST_KILL_AT reached: killing this process', { after, nth });
      process.kill(process.pid, 'SIGKILL');
    }
  }
}
