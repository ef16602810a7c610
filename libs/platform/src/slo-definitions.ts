// SLOs written through the api (PUT /api/v1/slos/{name}), read by every app that needs them —
// the api for budgets, the correlator for burn-rate alerts — from the slo-definitions topic, a
// table topic: the newest record per name is in force, and a deleted SLO's record says so. Read
// whole at start, then followed: the topic's ends are checked every few seconds and, when they
// moved, it is read whole again (definitions are few and rarely edited, so a full read is cheap
// and deletes and compaction need no bookkeeping).
import { TOPICS, type EventCodec, type SloDefinitionRecord } from '#contracts';
import { formatProblem, validateSloDocument, type SloDefinition } from '#core';
import type { MessageBus, PartitionBounds } from '#messaging';
import type { Logger } from '#observability';

/** Where an SLO written through the api says it came from (its `file`). */
export const API_SLO_SOURCE = 'api';

/** How often the topic's ends are checked for new definitions. */
export const SLO_DEFINITIONS_POLL_MS = 2_000;

export interface SloDefinitionsOptions {
  readonly pollMs?: number;
  /** Called with the api's SLOs whenever they change (not for the first read). */
  readonly onChange?: (slos: readonly SloDefinition[]) => void;
}

export class SloDefinitions {
  private records = new Map<string, SloDefinitionRecord>();
  private slos: readonly SloDefinition[] = [];
  private ends = '';
  private timer?: ReturnType<typeof setInterval>;
  private reading?: Promise<void>;

  constructor(
    private readonly bus: MessageBus,
    private readonly codec: EventCodec,
    private readonly logger: Logger,
    private readonly options: SloDefinitionsOptions = {},
  ) {}

  /** Reads the topic whole, then follows it. */
  async start(): Promise<this> {
    await this.refresh(false);
    this.timer = setInterval(() => void this.refresh(true), this.options.pollMs ?? SLO_DEFINITIONS_POLL_MS);
    this.timer.unref();
    return this;
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** The SLOs written through the api that are in force. */
  current(): readonly SloDefinition[] {
    return this.slos;
  }

  /** The record in force for a name (a deleted SLO's too), if any. */
  record(name: string): SloDefinitionRecord | undefined {
    return this.records.get(name);
  }

  /**
   * Takes a record this process has just written durably, before the topic is read again, so
   * its writer reads its own write. A record older than the one held changes nothing.
   */
  accept(record: SloDefinitionRecord): void {
    const held = this.records.get(record.name);
    if (held && held.at > record.at) return;
    this.records.set(record.name, record);
    this.publish(true);
  }

  private refresh(notify: boolean): Promise<void> {
    // One read at a time: a slow read (a rebalance of the throwaway group) is not overlapped.
    this.reading ??= this.readIfMoved(notify)
      .catch((error: unknown) =>
        this.logger.warn('SLO definitions not read: the ones held stay in force', {
          error: error instanceof Error ? error.message : String(error),
        }),
      )
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readIfMoved(notify: boolean): Promise<void> {
    const ends = endsOf(await this.bus.bounds(TOPICS.sloDefinitions));
    if (ends === this.ends) return;
    const read = new Map<string, SloDefinitionRecord>();
    await this.bus.readBack({ topic: TOPICS.sloDefinitions, since: 0, until: 'end' }, async (batch) => {
      for (const message of batch.messages) {
        if (!message.value) continue;
        try {
          const record = await this.codec.decode('slo-definition', message.value);
          const held = read.get(record.name);
          if (!held || held.at <= record.at) read.set(record.name, record);
        } catch (error) {
          this.logger.warn('an SLO definition record could not be read: skipped', {
            partition: message.partition,
            offset: message.offset,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
    });
    // Records this process accepted but the read did not reach yet stay (read-your-writes).
    for (const [name, record] of this.records) {
      const got = read.get(name);
      if (!got || got.at < record.at) read.set(name, record);
    }
    this.records = read;
    this.ends = ends;
    this.publish(notify);
  }

  private publish(notify: boolean): void {
    const slos: SloDefinition[] = [];
    for (const record of this.records.values()) {
      if (record.openslo === null) continue;
      const verdict = validateSloDocument(record.name, record.openslo, API_SLO_SOURCE);
      if (verdict.slo) slos.push(verdict.slo);
      // Written valid; a newer Aftershock may judge it otherwise: said, and left out.
      else
        this.logger.warn('an SLO written through the api is not in force', {
          error: formatProblem(verdict.problem),
        });
    }
    slos.sort((a, b) => a.name.localeCompare(b.name));
    this.slos = slos;
    if (notify) this.options.onChange?.(slos);
  }
}

function endsOf(bounds: readonly PartitionBounds[]): string {
  return bounds.map((b) => `${b.partition}:${b.end}`).join(',');
}

/**
 * The SLOs in force: the files' and the api's. A name defined in a file is the file's — the api
 * refuses to write it — so a file always wins a clash (e.g. an SLO written before the file).
 */
export function sloSetOf(
  fromFiles: readonly SloDefinition[],
  fromApi: readonly SloDefinition[],
): readonly SloDefinition[] {
  const names = new Set(fromFiles.map((s) => s.name));
  return [...fromFiles, ...fromApi.filter((s) => !names.has(s.name))];
}
