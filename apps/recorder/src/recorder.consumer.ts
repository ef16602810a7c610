// Records the canonical and output topics in ClickHouse. Per batch (one partition of one topic):
// decode every message (undecodable ones are rejected: dead-lettered with the reason), plan the
// offset ranges to write from the recorded intents (write-plan.ts), record new ranges as intents,
// write each range's rows with dedup tokens derived from it, and return only once everything is
// durable — the offsets are committed after that. ClickHouse unavailable: the handler throws, the
// batch runner retries with backoff and commits nothing; lag grows and drains afterwards. A batch
// that ends inside a range recorded before is handled up to that range, which waits for a fetch
// holding all of it (a few tries; then it is written as a new range, and said so).
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
import { planWrites, type OffsetRange, type WritePlan } from './write-plan.js';

/** Fetches that may cut a recorded range short before it is written as a new range. */
const MAX_DEFERRALS = 5;
/** Pause before the deferred range is fetched again. */
const DEFER_PAUSE_MS = 250;

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
  /** Recorded ranges left to a later fetch, and how often (topic/partition/first-last). */
  private readonly deferrals = new Map<string, number>();

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
    let recorded: { rejected: Rejection[]; handledBefore?: string };
    try {
      recorded = await this.record(batch);
    } catch (error) {
      this.troubled.add(key);
      throw error;
    }
    // Written, but only after retries (here or by the batch runner): give ClickHouse some room.
    const troubled = this.troubled.delete(key) || this.store.transientFailures > failuresBefore;
    const deferred = recorded.handledBefore !== undefined;
    return {
      ...recorded,
      pauseMs: troubled ? this.config.pauseOnTroubleMs : deferred ? DEFER_PAUSE_MS : 0,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.writer.close();
  }

  private async record(batch: PartitionBatch): Promise<{ rejected: Rejection[]; handledBefore?: string }> {
    const { topic, partition, messages } = batch;
    if (messages.length === 0) return { rejected: [] };
    const event = this.eventOf(topic);
    const table = eventTable(event);
    const recorded = await this.intents.from(topic, partition, BigInt(messages[0]!.offset));
    const plan = this.plan(topic, partition, messages, recorded);
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
    return plan.deferred ? { rejected, handledBefore: plan.deferred.from } : { rejected };
  }

  /** planWrites, deferring a range cut short at most MAX_DEFERRALS times. */
  private plan(
    topic: string,
    partition: number,
    messages: PartitionBatch['messages'],
    recorded: readonly OffsetRange[],
  ): WritePlan {
    const plan = planWrites(messages, recorded);
    const keyOf = (range: OffsetRange) => `${topic}/${partition}/${range.first}-${range.last}`;
    for (const segment of plan.segments) if (segment.replay) this.deferrals.delete(keyOf(segment.range));
    if (!plan.deferred) return plan;
    const { range, from } = plan.deferred;
    const key = keyOf(range);
    const times = (this.deferrals.get(key) ?? 0) + 1;
    if (times > MAX_DEFERRALS) {
      this.deferrals.delete(key);
      return planWrites(messages, recorded, { defer: false });
    }
    this.deferrals.set(key, times);
    this.logger.info('batch ends inside a range recorded before; fetching it again whole', {
      topic,
      partition,
      range: `${range.first}-${range.last}`,
      from,
      attempt: times,
    });
    return plan;
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
