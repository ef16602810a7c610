// Puts people's actions on the bus: incident commands keyed by the incident's primary service
// (the partition of the correlator that owns it), problem commands keyed by problem id. Each is
// validated against its schema first and the call resolves once the bus holds it durably.
import { Inject, Injectable } from '@nestjs/common';
import { EventCodec, TOPICS, type Incident, type IncidentCommand, type ProblemCommand } from '#contracts';
import { MESSAGE_BUS, type MessageBus } from '#messaging';
import { API_CODEC } from './api.tokens.js';

@Injectable()
export class CommandsPublisher {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(API_CODEC) private readonly codec: EventCodec,
  ) {}

  /** `stored`: the incident as recorded, carried so the correlator can apply the command to it. */
  async incident(command: Omit<IncidentCommand, 'incident'>, stored: Incident): Promise<IncidentCommand> {
    const [sent] = await this.incidents([{ command, stored }]);
    return sent!;
  }

  /**
   * Several commands in one send (a merge: one to each incident's correlator), each carrying its
   * incident as recorded and, for an absorb, the merged incident (`related`). Answers them
   * without the carried incidents.
   */
  async incidents(
    commands: readonly {
      readonly command: Omit<IncidentCommand, 'incident' | 'relatedIncident'>;
      readonly stored: Incident;
      readonly related?: Incident;
    }[],
  ): Promise<IncidentCommand[]> {
    const valid = await Promise.all(
      commands.map(async ({ command, stored, related }) =>
        this.codec.validate('incident-command', {
          ...command,
          incident: await this.codec.encode('incident', stored),
          relatedIncident: related ? await this.codec.encode('incident', related) : null,
        }),
      ),
    );
    await this.bus.send(
      TOPICS.incidentCommands,
      await Promise.all(
        valid.map(async (command) => ({
          key: command.service,
          value: await this.codec.encode('incident-command', command),
          headers: { 'x-aftershock-id': command.id },
        })),
      ),
    );
    return valid.map((command) => ({ ...command, incident: null, relatedIncident: null }));
  }

  async problem(command: ProblemCommand): Promise<ProblemCommand> {
    const valid = this.codec.validate('problem-command', command);
    await this.bus.send(TOPICS.problemCommands, [
      {
        key: valid.problemId,
        value: await this.codec.encode('problem-command', valid),
        headers: { 'x-aftershock-id': valid.id },
      },
    ]);
    return valid;
  }
}
