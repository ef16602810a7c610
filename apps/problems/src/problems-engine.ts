// Problem management at the edge: one ProblemBook (with its template miner) per process, fed
// with incident events and problem managers' commands, its problem events published keyed by
// problem id. Problems span services, so one instance owns every partition (an exclusive group:
// others stand by and take over when it goes). At every assignment the book is restored (the
// stateful-consumer contract, StateRecovery): incidents, commands and published problems of the
// lookback, from ClickHouse and from the log (which holds what the recorder has not written
// yet), replayed through a fresh book; then versions go on from the published ones, published
// only while the assignment holds.
import { Inject, Injectable } from '@nestjs/common';
import {
  EventCodec,
  TOPICS,
  type EventName,
  type EventTypes,
  type Incident,
  type Problem,
  type ProblemCommand,
} from '#contracts';
import { DEFAULT_PROBLEM_SETTINGS, ProblemBook, restoreProblemBook, TemplateMiner, type Clock } from '#core';
import { MESSAGE_BUS, type Assignment, type Membership, type MessageBus, type Rejection } from '#messaging';
import type { Logger } from '#observability';
import { CLOCK, decodeBatch, LOGGER, StateRecovery, type RestoreSummary } from '#platform';
import { CLICKHOUSE_STORE, ProblemHistoryRepository, type ClickHouseStore } from '#storage';

export type ProblemsInput =
  | { readonly type: 'incident'; readonly incident: Incident }
  | { readonly type: 'command'; readonly command: ProblemCommand };

const LOOKBACK_MS = DEFAULT_PROBLEM_SETTINGS.lookbackMs;

@Injectable()
export class ProblemsEngine {
  private book = newBook();
  private readonly history: ProblemHistoryRepository;
  private readonly recovery: StateRecovery;
  private watermark = 0;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CLICKHOUSE_STORE) store: ClickHouseStore,
    @Inject(LOGGER) logger: Logger,
    private readonly codec: EventCodec,
  ) {
    this.history = new ProblemHistoryRepository(store);
    const lookback = `${LOOKBACK_MS / 86_400_000} d`;
    this.recovery = new StateRecovery(
      'problems',
      { 'incidents, problems, commands (ClickHouse and the log)': lookback },
      logger,
    );
  }

  /** The group gave this instance every partition (it owns the book) or none (it stands by). */
  restore(assignment: Assignment, membership: Membership): Promise<void> {
    return this.recovery.restore(assignment, membership, () => this.restoreNow(assignment));
  }

  apply(inputs: readonly ProblemsInput[]): Promise<void> {
    return this.recovery.step(async () => {
      const problems: Problem[] = [];
      for (const input of inputs) {
        if (input.type === 'incident') {
          problems.push(...this.book.onIncident(input.incident));
          this.watermark = Math.max(this.watermark, input.incident.updatedAt);
        } else {
          problems.push(...this.book.act(input.command));
        }
      }
      problems.push(...this.book.advance(this.watermark));
      await this.publish(problems);
    });
  }

  problems() {
    return this.book.problems();
  }

  private async restoreNow(assignment: Assignment): Promise<RestoreSummary> {
    this.book = newBook();
    this.watermark = 0;
    if ((assignment.get(TOPICS.incidents) ?? []).length === 0) return { standby: true };
    const since = this.clock.now() - LOOKBACK_MS;
    const [stored, incidents, problems, commands] = await Promise.all([
      this.history.since(since),
      this.readLog('incident', TOPICS.incidents, since),
      this.readLog('problem', TOPICS.problems, since),
      this.readLog('problem-command', TOPICS.problemCommands, since),
    ]);
    const result = restoreProblemBook(this.book, {
      incidents: [...stored.incidents, ...incidents],
      problems: [...stored.problems, ...problems],
      commands: [...stored.commands, ...commands],
    });
    this.watermark = result.watermark;
    await this.publish(result.publish);
    return {
      incidents: result.incidents,
      commands: result.commands,
      problems: this.book.problems().length,
      caughtUp: result.publish.length,
    };
  }

  /** Everything the topic still holds since `since`; what does not decode was dead-lettered when consumed. */
  private async readLog<E extends EventName>(
    event: E,
    topic: string,
    since: number,
  ): Promise<EventTypes[E][]> {
    const out: EventTypes[E][] = [];
    const skipped: Rejection[] = [];
    await this.bus.readBack({ topic, since, until: 'end' }, async (batch) => {
      out.push(...(await decodeBatch(this.codec, event, batch, skipped)));
    });
    return out;
  }

  private async publish(problems: readonly Problem[]): Promise<void> {
    if (problems.length === 0) return;
    const messages = await Promise.all(
      problems.map(async (p) => ({
        key: p.id,
        value: await this.codec.encode('problem', p),
        headers: { 'x-aftershock-id': `${p.id}/${p.version}` },
      })),
    );
    await this.recovery.publish(() => this.bus.send(TOPICS.problems, messages));
  }
}

function newBook(): ProblemBook {
  return new ProblemBook(new TemplateMiner());
}
