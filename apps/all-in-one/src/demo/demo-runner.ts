// Streams the bundled demo scenario into a running all-in-one app the way a real stack would
// send it — CDEvents, Alertmanager webhooks, CloudEvents and telemetry through the ingest
// pipeline onto the bus — at accelerated time on a simulated clock, then reports what the
// engine concluded: incidents with their top suspects, verdicts, and problem candidates.
import type { INestApplication } from '@nestjs/common';
import {
  EventCodec,
  TOPICS,
  type Incident,
  type Problem,
  type TelemetryBatch,
  type Verdict,
} from '#contracts';
import type { ManualClock } from '#core';
import type { DemoScenario } from '#demo';
import { IngestPipeline } from '#ingestion';
import type { RecorderConfig } from '../../../recorder/src/recorder.settings.js';
import { RECORDER_CONFIG } from '../../../recorder/src/recorder.tokens.js';
import { LocalBus, MESSAGE_BUS, type MessageBus, type Subscription } from '#messaging';
import { SloBudgets, type BudgetSpent } from '../../../api/src/slo/slo-budgets.js';

const MINUTE = 60_000;
/** Sends handed to the bus and not yet durable, at most. */
const MAX_UNACKED_SENDS = 512;

export interface DemoOptions {
  /** Simulated seconds per real second. */
  readonly speed: number;
  readonly progress: (done: number, total: number, simulatedTime: number) => void;
}

export interface DemoOutcome {
  readonly incidents: Incident[];
  /** The SLO budget each incident spent, by incident id (empty: no SLO of its services). */
  readonly budgets: Record<string, BudgetSpent[]>;
  readonly verdicts: Verdict[];
  readonly problems: Problem[];
  readonly seconds: number;
}

export class DemoRunner {
  private readonly incidents = new Map<string, Incident>();
  private readonly verdicts = new Map<string, Verdict>();
  private readonly problems = new Map<string, Problem>();
  private readonly bus: MessageBus;
  private readonly recorderGroup: string;
  private readonly pipeline: IngestPipeline;
  private readonly codec: EventCodec;
  private readonly slos: SloBudgets;
  private lastOutputAt = performance.now();

  constructor(
    app: INestApplication,
    private readonly clock: ManualClock,
  ) {
    this.bus = app.get<MessageBus>(MESSAGE_BUS);
    this.recorderGroup = app.get<RecorderConfig>(RECORDER_CONFIG, { strict: false }).groupId;
    this.pipeline = app.get(IngestPipeline, { strict: false });
    this.codec = app.get(EventCodec);
    this.slos = app.get(SloBudgets, { strict: false });
  }

  async run(scenario: DemoScenario, options: DemoOptions): Promise<DemoOutcome> {
    const started = performance.now();
    const watch = await this.watchOutputs();
    const day = scenario.end - 24 * 60 * MINUTE;
    let sentSimulated = day;
    let pacedFrom = performance.now();
    const total = scenario.inputs.length;
    const sending: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const input = scenario.inputs[i]!;
      if (input.at > this.clock.now()) this.clock.set(input.at);
      // Sends are issued in order without waiting for each to be durable, so the log commits
      // many in one transaction; they are awaited before the pacing below and in bounded numbers.
      sending.push((await this.send(input.format, input.body, input.headers, input.at)).durable);
      if (sending.length >= MAX_UNACKED_SENDS) await Promise.all(sending.splice(0));
      // Pace the demo day (the nights before it stream at once): simulated time / speed.
      if (input.at >= day && input.at - sentSimulated >= MINUTE) {
        // As in real time, every consumer keeps up before the next minute of events arrives:
        // otherwise one stream's event time would run ahead of another's by the demo's speed.
        await Promise.all(sending.splice(0));
        await this.drained();
        const due = (input.at - sentSimulated) / options.speed;
        const spent = performance.now() - pacedFrom;
        if (due > spent) await sleep(due - spent);
        sentSimulated = input.at;
        pacedFrom = performance.now();
      }
      if (i % 200 === 0 || i === total - 1) options.progress(i + 1, total, this.clock.now());
    }
    await Promise.all(sending.splice(0));
    // Let timers fire (verifications close, quiet incidents resolve) and the consumers drain.
    this.clock.set(scenario.end + 2 * 60 * MINUTE);
    await this.quiesce();
    await watch.stop();
    const incidents = [...this.incidents.values()].sort((a, b) => a.openedAt - b.openedAt);
    const budgets: Record<string, BudgetSpent[]> = {};
    for (const i of incidents) budgets[i.id] = await this.slos.spentByIncident(i, this.clock.now());
    return {
      incidents,
      budgets,
      verdicts: [...this.verdicts.values()],
      problems: [...this.problems.values()],
      seconds: (performance.now() - started) / 1000,
    };
  }

  /** Prepares an input and hands it to the bus; `durable` settles once the bus holds it. */
  private async send(
    format: string,
    body: Buffer,
    headers: Readonly<Record<string, string>>,
    at: number,
  ): Promise<{ durable: Promise<void> }> {
    if (format === 'telemetry') {
      const batch = this.codec.validate('telemetry', JSON.parse(body.toString('utf8')) as TelemetryBatch);
      const value = await this.codec.encode('telemetry', batch);
      return { durable: this.bus.send(TOPICS.telemetry, [{ key: batch.service, value }]) };
    }
    const prepared = await this.pipeline.prepare(format, { body, headers, source: 'demo', receivedAt: at });
    return { durable: IngestPipeline.publish(this.bus, [prepared]) };
  }

  private async watchOutputs(): Promise<Subscription> {
    return this.bus.subscribe({
      groupId: 'aftershock-demo-summary',
      topics: [TOPICS.incidents, TOPICS.verdicts, TOPICS.problems],
      handler: async (batch) => {
        this.lastOutputAt = performance.now();
        for (const message of batch.messages) {
          if (!message.value) continue;
          if (batch.topic === TOPICS.incidents)
            keepNewest(this.incidents, await this.codec.decode('incident', message.value));
          else if (batch.topic === TOPICS.problems)
            keepNewest(this.problems, await this.codec.decode('problem', message.value));
          else {
            const verdict = await this.codec.decode('verdict', message.value);
            const known = this.verdicts.get(verdict.changeId);
            if (!known || !known.final) this.verdicts.set(verdict.changeId, verdict);
          }
        }
      },
    });
  }

  private async drained(): Promise<void> {
    if (!(this.bus instanceof LocalBus)) return;
    const deadline = performance.now() + 30_000;
    // The recorder batches best when it lags a little; what people see comes from the others.
    while (this.bus.lag([this.recorderGroup]) > 0 && performance.now() < deadline) await sleep(2);
  }

  /** Waits until no output has appeared for two seconds (the correlator ticks every five). */
  private async quiesce(): Promise<void> {
    this.lastOutputAt = performance.now();
    const deadline = performance.now() + 60_000;
    while (performance.now() - this.lastOutputAt < 6_000 && performance.now() < deadline) await sleep(250);
  }
}

function keepNewest<T extends { id: string; version: number }>(map: Map<string, T>, item: T): void {
  const known = map.get(item.id);
  if (!known || item.version > known.version) map.set(item.id, item);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
