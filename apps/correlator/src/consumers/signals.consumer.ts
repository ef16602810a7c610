// Alerts, telemetry and incident commands: partitioned by service, so each correlator instance
// handles its own share (one consumer group for all instances).
import { Injectable } from '@nestjs/common';
import { DecodeError, EventCodec, TOPICS } from '#contracts';
import type { CorrelatorInput } from '#core';
import type {
  Assignment,
  BatchResult,
  InboundMessage,
  Membership,
  PartitionBatch,
  Rejection,
} from '#messaging';
import { decodeBatch, type BatchConsumer } from '#platform';
import { CorrelatorEngine } from '../correlator-engine.js';
import { ChangesCaughtUp } from './changes-caught-up.js';

@Injectable()
export class SignalsConsumer implements BatchConsumer {
  constructor(
    private readonly engine: CorrelatorEngine,
    private readonly codec: EventCodec,
    private readonly caughtUp: ChangesCaughtUp,
  ) {}

  topics(): string[] {
    return [TOPICS.alerts, TOPICS.telemetry, TOPICS.incidentCommands];
  }

  /** Before the first batch of a new assignment: carry on from the history of these partitions. */
  onAssigned(assignment: Assignment, membership: Membership): Promise<void> {
    return this.engine.rebuild(assignment, membership);
  }

  async handle(batch: PartitionBatch): Promise<BatchResult> {
    const rejected: Rejection[] = [];
    let inputs: CorrelatorInput[];
    switch (batch.topic) {
      case TOPICS.alerts:
        inputs = (await decodeBatch(this.codec, 'alert', batch, rejected)).map((alert) => ({
          type: 'alert',
          alert,
        }));
        break;
      case TOPICS.telemetry:
        inputs = (await decodeBatch(this.codec, 'telemetry', batch, rejected)).map((b) => ({
          type: 'telemetry',
          batch: b,
        }));
        break;
      default:
        return this.handleCommands(batch, rejected);
    }
    // Every change sent before these signals is known first (see ChangesCaughtUp).
    await this.caughtUp.wait();
    await this.engine.apply(inputs);
    return { rejected };
  }

  /** A command that cannot apply is dead-lettered with the reason: a person's action is never dropped unseen. */
  private async handleCommands(batch: PartitionBatch, rejected: Rejection[]): Promise<BatchResult> {
    const inputs: CorrelatorInput[] = [];
    const messages = new Map<string, InboundMessage>();
    for (const message of batch.messages) {
      const input = await this.commandInput(message, rejected);
      if (!input) continue;
      messages.set(input.command.id, message);
      inputs.push(input);
    }
    for (const { command, reason } of await this.engine.apply(inputs))
      rejected.push({ message: messages.get(command.id)!, code: 'incident-command.not-applicable', reason });
    return { rejected };
  }

  /** The command, with the stored incidents it carries decoded (see the incident-command schema). */
  private async commandInput(
    message: InboundMessage,
    rejected: Rejection[],
  ): Promise<Extract<CorrelatorInput, { type: 'command' }> | undefined> {
    if (!message.value) {
      rejected.push({ message, code: 'decode.empty', reason: 'the message has no value' });
      return undefined;
    }
    try {
      const command = await this.codec.decode('incident-command', message.value);
      const stored = command.incident ? await this.codec.decode('incident', command.incident) : undefined;
      const related = command.relatedIncident
        ? await this.codec.decode('incident', command.relatedIncident)
        : undefined;
      return { type: 'command', command, stored, related };
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      rejected.push({ message, code: error.code, reason: error.message });
      return undefined;
    }
  }
}
