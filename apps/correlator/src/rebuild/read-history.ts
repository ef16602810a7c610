// What a correlator instance reads back to rebuild its state (libs/core correlation/restore.ts):
// the whole change table, the verdicts and incident events published within the signal horizon,
// and — for its own partitions only — alerts, commands and telemetry up to where its consumer
// group resumes. Messages that do not decode were dead-lettered when first consumed; skipped here.
import { EventCodec, TOPICS, type EventName, type EventTypes } from '#contracts';
import type { RestoreHorizons, RestoreSources } from '#core';
import type { Assignment, MessageBus, ReadBackRequest, Rejection } from '#messaging';
import { decodeBatch } from '#platform';

export async function readHistory(
  bus: MessageBus,
  codec: EventCodec,
  assignment: Assignment,
  group: string,
  now: number,
  horizons: RestoreHorizons,
): Promise<RestoreSources> {
  const read = async <E extends EventName>(event: E, request: ReadBackRequest): Promise<EventTypes[E][]> => {
    const out: EventTypes[E][] = [];
    const skipped: Rejection[] = [];
    await bus.readBack(request, async (batch) => {
      out.push(...(await decodeBatch(codec, event, batch, skipped)));
    });
    return out;
  };
  const own = (topic: string, since: number): ReadBackRequest => ({
    topic,
    partitions: assignment.get(topic) ?? [],
    since,
    until: { committedBy: group },
  });
  const signalsSince = now - horizons.signalsMs;
  const [changes, assessments, verdicts, incidents, alerts, commands, telemetry] = await Promise.all([
    read('change', { topic: TOPICS.changes, since: 0, until: 'end' }),
    read('assessment', { topic: TOPICS.assessments, since: 0, until: 'end' }),
    read('verdict', { topic: TOPICS.verdicts, since: signalsSince, until: 'end' }),
    read('incident', { topic: TOPICS.incidents, since: signalsSince, until: 'end' }),
    read('alert', own(TOPICS.alerts, signalsSince)),
    read('incident-command', own(TOPICS.incidentCommands, signalsSince)),
    read('telemetry', own(TOPICS.telemetry, now - horizons.telemetryMs)),
  ]);
  return { changes, assessments, verdicts, incidents, alerts, commands, telemetry };
}
