// The ingest pipeline, framework-free: raw input in, canonical events out on the canonical
// topics keyed by service. Each input is normalised, every resulting event validated against
// the newest schema and encoded; what cannot be is refused with a DecodeError (code, reason,
// field) so the caller can dead-letter it or answer 4xx. Nothing is sent before the whole
// input has been normalised, so one input is never half-published.
import { DecodeError, TOPICS, type EventCodec } from '#contracts';
import type { OutboundMessage, Producer } from '#messaging';
import type { CanonicalEvent, NormaliseContext, Normaliser, RawInput } from './normaliser.js';

const TOPIC_OF: Record<CanonicalEvent['event'], string> = {
  change: TOPICS.changes,
  alert: TOPICS.alerts,
  telemetry: TOPICS.telemetry,
};

export interface Prepared {
  readonly events: readonly CanonicalEvent[];
  readonly messages: ReadonlyMap<string, OutboundMessage[]>;
}

export class IngestPipeline {
  private readonly normalisers = new Map<string, Normaliser>();

  constructor(
    normalisers: readonly Normaliser[],
    private readonly codec: EventCodec,
    private readonly context: NormaliseContext,
  ) {
    for (const n of normalisers) this.normalisers.set(n.format, n);
  }

  formats(): string[] {
    return [...this.normalisers.keys()];
  }

  has(format: string): boolean {
    return this.normalisers.has(format);
  }

  /** Normalises, validates and encodes one input; throws DecodeError when it is refused. */
  async prepare(format: string, input: RawInput): Promise<Prepared> {
    const normaliser = this.normalisers.get(format);
    if (!normaliser) throw new DecodeError('unsupported.format', `no normaliser for format "${format}"`);
    let events: CanonicalEvent[];
    try {
      events = normaliser.normalise(input, this.context);
    } catch (error) {
      if (error instanceof DecodeError) throw error;
      // A normaliser bug must not crash a consumer or lose the input: refuse it with the cause.
      throw new DecodeError(
        'normalise.failed',
        `the ${format} normaliser failed: ${(error as Error).message}`,
      );
    }
    const messages = new Map<string, OutboundMessage[]>();
    const validated: CanonicalEvent[] = [];
    for (const [index, item] of events.entries()) {
      let value;
      try {
        value = this.codec.validate(item.event, item.value);
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        const where = events.length > 1 ? `${item.event}[${index}].${error.field ?? ''}` : error.field;
        throw new DecodeError(error.code, error.reason, where);
      }
      const canonical = { event: item.event, value } as CanonicalEvent;
      validated.push(canonical);
      const bytes = await this.codec.encode(item.event, value as never);
      const topic = TOPIC_OF[item.event];
      const list = messages.get(topic) ?? [];
      list.push({
        key: value.service,
        value: bytes,
        headers: { 'x-aftershock-id': value.id, 'x-aftershock-source': input.source },
      });
      messages.set(topic, list);
    }
    return { events: validated, messages };
  }

  /** Sends prepared events; resolves once the bus has durably accepted all of them. */
  static async publish(producer: Producer, prepared: readonly Prepared[]): Promise<void> {
    const byTopic = new Map<string, OutboundMessage[]>();
    for (const p of prepared) {
      for (const [topic, messages] of p.messages) {
        const list = byTopic.get(topic);
        if (list) list.push(...messages);
        else byTopic.set(topic, [...messages]);
      }
    }
    await Promise.all([...byTopic].map(([topic, messages]) => producer.send(topic, messages)));
  }
}
