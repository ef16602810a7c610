// The SLOs in force for the api: the files' (AFTERSHOCK_SLO_PATH, watched) and the ones written
// through the api (the slo-definitions table topic, followed), with the write path — checked as
// the server loads SLOs, then published and read back at once by this process.
import { basename } from 'node:path';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EventCodec, TOPICS, type SloDefinitionRecord } from '#contracts';
import { formatProblem, validateSloDocument, type Clock, type SloDefinition } from '#core';
import { MESSAGE_BUS, type MessageBus } from '#messaging';
import type { Logger } from '#observability';
import {
  API_SLO_SOURCE,
  CLOCK,
  LOGGER,
  SHUTDOWN,
  SloDefinitions,
  sloSetOf,
  watchSloCatalog,
  type ShutdownSequence,
  type SloCatalog,
} from '#platform';
import { API_CONFIG, type ApiConfig } from '../api.settings.js';
import { API_CODEC } from '../api.tokens.js';
import { ApiError, conflict, notFound } from '../http/api-error.js';

export interface SloDeleted {
  readonly name: string;
  readonly actor: string;
  readonly at: number;
}

@Injectable()
export class SloDefinitionsService implements OnModuleDestroy {
  private catalog: SloCatalog | undefined;
  private api: SloDefinitions | undefined;
  private started?: Promise<void>;
  private readonly listeners: (() => void)[] = [];
  /** The set in force: one array until it changes, so readers can tell a change by identity (the read cache does). */
  private set: readonly SloDefinition[] = [];

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(API_CODEC) private readonly codec: EventCodec,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SHUTDOWN) private readonly shutdown: ShutdownSequence,
  ) {}

  /** Reads the files and the topic once (every caller waits for the same first read). */
  ready(): Promise<void> {
    this.started ??= this.start();
    return this.started;
  }

  private async start(): Promise<void> {
    const changed = () => {
      this.set = sloSetOf(this.catalog?.current() ?? [], this.api?.current() ?? []);
      this.listeners.forEach((listener) => listener());
    };
    const path = this.config.sloPath;
    if (path) this.catalog = watchSloCatalog(path, this.logger, this.shutdown, changed);
    this.api = await new SloDefinitions(this.bus, this.codec, this.logger, {
      onChange: (slos) => {
        this.logger.info('SLOs written through the api reloaded', { slos: slos.length });
        changed();
      },
    }).start();
    changed();
  }

  onModuleDestroy(): void {
    this.api?.close();
    this.catalog?.close();
  }

  /** Called whenever the set in force changes (a file edited, an SLO written or deleted). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  definitions(): readonly SloDefinition[] {
    return this.set;
  }

  definition(name: string): SloDefinition | undefined {
    return this.definitions().find((d) => d.name === name);
  }

  /** Writes an SLO: 409 when a file defines the name, 400 naming the field when the documents do not hold. */
  async put(name: string, openslo: string, actor: string): Promise<SloDefinition> {
    await this.ready();
    this.refuseFileOwned(name);
    const verdict = validateSloDocument(name, openslo, API_SLO_SOURCE);
    if (verdict.problem)
      throw new ApiError(
        400,
        `slo.${verdict.problem.level === 'openslo' ? 'invalid-openslo' : 'not-computable'}`,
        `${verdict.problem.level === 'openslo' ? 'not valid OpenSLO v1' : 'not computable by Aftershock'}: ${formatProblem(verdict.problem)}`,
        'openslo',
      );
    await this.write({ name, openslo, actor, at: this.clock.now() });
    return verdict.slo;
  }

  /** Deletes an SLO written through the api: 404 when there is none, 409 when a file defines it. */
  async delete(name: string, actor: string): Promise<SloDeleted> {
    await this.ready();
    this.refuseFileOwned(name);
    if (!this.api?.record(name)?.openslo) throw notFound('slo', name);
    const record = { name, openslo: null, actor, at: this.clock.now() };
    await this.write(record);
    return { name, actor, at: record.at };
  }

  private refuseFileOwned(name: string): void {
    const file = this.catalog?.current().find((d) => d.name === name)?.file;
    if (file)
      throw conflict(
        `SLO "${name}" is defined in the file ${basename(file)} (AFTERSHOCK_SLO_PATH): change it there`,
        'slo.defined-in-file',
      );
  }

  private async write(record: SloDefinitionRecord): Promise<void> {
    const valid = this.codec.validate('slo-definition', record);
    await this.bus.send(TOPICS.sloDefinitions, [
      { key: valid.name, value: await this.codec.encode('slo-definition', valid) },
    ]);
    this.api!.accept(valid);
  }
}
