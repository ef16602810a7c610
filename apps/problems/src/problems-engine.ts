// Problem management at the edge: one ProblemBook (with its template miner) per process, fed
// with incident events and problem managers' commands, its problem events published keyed by
// problem id. Like the correlator it is deterministic, so a replayed batch republishes the same
// (id, version) events and consumers keep one.
import { Inject, Injectable } from '@nestjs/common';
import { EventCodec, TOPICS, type Incident, type ProblemCommand } from '#contracts';
import { ProblemBook, TemplateMiner } from '#core';
import { MESSAGE_BUS, type MessageBus } from '#messaging';

export type ProblemsInput =
  | { readonly type: 'incident'; readonly incident: Incident }
  | { readonly type: 'command'; readonly command: ProblemCommand };

@Injectable()
export class ProblemsEngine {
  private readonly book = new ProblemBook(new TemplateMiner());
  private watermark = 0;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly codec: EventCodec,
  ) {}

  async apply(inputs: readonly ProblemsInput[]): Promise<void> {
    const problems = [];
    for (const input of inputs) {
      if (input.type === 'incident') {
        problems.push(...this.book.onIncident(input.incident));
        this.watermark = Math.max(this.watermark, input.incident.updatedAt);
      } else {
        const problem = this.book.act(input.command);
        if (problem) problems.push(problem);
      }
    }
    problems.push(...this.book.advance(this.watermark));
    if (problems.length === 0) return;
    const messages = await Promise.all(
      problems.map(async (p) => ({
        key: p.id,
        value: await this.codec.encode('problem', p),
        headers: { 'x-aftershock-id': `${p.id}/${p.version}` },
      })),
    );
    await this.bus.send(TOPICS.problems, messages);
  }

  problems() {
    return this.book.problems();
  }
}
