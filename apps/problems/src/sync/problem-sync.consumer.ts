// Problem events in, tracker records out (problem-sync.ts). Its own consumer group, shared by
// every instance: problems are keyed by id, so each problem's versions arrive in order on one
// partition.
//
// Offsets are committed once every problem of the batch was synced or given up on (bounded
// retries: DEFAULT_SYNC, about 30 s). Giving up rather than retrying forever is deliberate: a
// tracker that stays down or refuses must not stall the other targets and every later problem,
// and nothing is lost for long — each sync sends the problem's whole state, so the next version
// that matters brings the record up to date. Retrying until it works (throwing, so the batch is
// redelivered) would hold the partition for the length of any tracker outage.
import { readFileSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { FieldError } from '#config';
import { EventCodec, TOPICS } from '#contracts';
import type { BatchResult, PartitionBatch, Rejection } from '#messaging';
import type { Logger } from '#observability';
import { decodeBatch, LOGGER, type BatchConsumer } from '#platform';
import { PROBLEMS_CONFIG, type ProblemsConfig } from '../problems.settings.js';
import { ProblemSync } from './problem-sync.js';
import { parseSyncConfig } from './sync-config.js';

@Injectable()
export class ProblemSyncConsumer implements BatchConsumer {
  /** Undefined without PROBLEM_SYNC_FILE (the consumer is not started then). */
  readonly sync: ProblemSync | undefined;

  constructor(
    @Inject(PROBLEMS_CONFIG) config: ProblemsConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly codec: EventCodec,
  ) {
    this.sync = config.syncFile ? loadSync(config.syncFile, config.publicUrl, logger) : undefined;
  }

  topics(): string[] {
    return [TOPICS.problems];
  }

  async handle(batch: PartitionBatch): Promise<BatchResult> {
    const rejected: Rejection[] = [];
    const problems = await decodeBatch(this.codec, 'problem', batch, rejected);
    for (const problem of problems) await this.sync?.handle(problem);
    return { rejected };
  }
}

/** Read once at start; a file at fault stops the start, naming the field. */
function loadSync(file: string, publicUrl: string | undefined, logger: Logger): ProblemSync {
  try {
    const config = parseSyncConfig(readFileSync(file, 'utf8'), process.env);
    logger.info('problem sync targets loaded', { file, targets: [...config.targets.keys()] });
    return new ProblemSync(config, logger, { publicUrl });
  } catch (error) {
    if (error instanceof FieldError)
      throw new Error(`PROBLEM_SYNC_FILE ${file}: ${error.message}`, { cause: error });
    throw error;
  }
}
