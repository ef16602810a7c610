// The correlator core at the edge: one Correlator per process, fed by the consumers, its
// outputs encoded and published keyed by service (verdicts and incident events), incident
// events also sent to the webhook. A batch's handler returns only after its outputs are on the
// bus, so offsets are committed after the effects are durable; outputs carry deterministic ids
// and versions, so a redelivered batch republishes the same events and consumers keep one.
import { readFileSync } from 'node:fs';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { parseCatalog } from '#catalog';
import { EventCodec, TOPICS } from '#contracts';
import {
  AnomalyDetector,
  Correlator,
  DEFAULT_CORRELATOR_SETTINGS,
  DeploymentVerifier,
  type Clock,
  type CorrelatorInput,
  type CorrelatorOutput,
} from '#core';
import { MESSAGE_BUS, type MessageBus, type OutboundMessage } from '#messaging';
import type { Logger } from '#observability';
import { CLOCK, LOGGER, SHUTDOWN, type ShutdownSequence } from '#platform';
import { loadCorrelatorConfig, type CorrelatorConfig } from './correlator.settings.js';
import { DEFAULT_WEBHOOK, WebhookNotifier } from './notify/webhook-notifier.js';

@Injectable()
export class CorrelatorEngine implements OnModuleInit {
  readonly config: CorrelatorConfig = loadCorrelatorConfig();
  private correlator!: Correlator;
  private notifier: WebhookNotifier | undefined;
  private readonly codec: EventCodec;
  /** Changes older than this (wall clock) are evidence only: their verification windows are past. */
  private readonly historicalAfterMs: number;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SHUTDOWN) private readonly shutdown: ShutdownSequence,
  ) {
    this.codec = new EventCodec({ format: this.config.wireFormat, now: () => clock.now() });
    const verifier = new DeploymentVerifier({}, clock);
    const s = verifier.settings;
    this.historicalAfterMs = s.baselineMs + s.observationMs + s.graceMs + s.idleTimeoutMs;
  }

  onModuleInit(): void {
    const catalog = this.config.catalogFile
      ? parseCatalog(readFileSync(this.config.catalogFile, 'utf8'), this.config.catalogFile)
      : { services: [], edges: [] };
    const placement = Object.fromEntries(
      catalog.services.map((s) => [s.name, { cluster: s.cluster, region: s.region }]),
    );
    this.correlator = new Correlator(
      new DeploymentVerifier({}, this.clock),
      new AnomalyDetector(),
      { ...DEFAULT_CORRELATOR_SETTINGS, placement },
      catalog.edges,
    );
    this.logger.info('correlator ready', { services: catalog.services.length, edges: catalog.edges.length });
    if (this.config.webhookUrl) {
      this.notifier = new WebhookNotifier(
        { ...DEFAULT_WEBHOOK, url: this.config.webhookUrl, token: this.config.webhookToken },
        this.logger,
      );
      this.shutdown.register('flush', 'incident webhook', () => this.notifier!.close());
    }
  }

  isHistorical(startedAt: number): boolean {
    return startedAt < this.clock.now() - this.historicalAfterMs;
  }

  /** Applies inputs in order and publishes what they cause; resolves once it is on the bus. */
  async apply(inputs: readonly CorrelatorInput[]): Promise<void> {
    const outputs: CorrelatorOutput[] = [];
    for (const input of inputs) outputs.push(...this.correlator.process(input));
    await this.publish(outputs);
  }

  /** Event time moves on while partitions are idle: lets timers (auto-resolve, looks) fire. */
  async tick(): Promise<void> {
    await this.publish(this.correlator.advanceTo(this.clock.now()));
  }

  activeIncidents() {
    return this.correlator.activeIncidents();
  }

  private async publish(outputs: readonly CorrelatorOutput[]): Promise<void> {
    if (outputs.length === 0) return;
    const verdicts: OutboundMessage[] = [];
    const incidents: OutboundMessage[] = [];
    for (const output of outputs) {
      if (output.type === 'verdict') {
        const v = output.verdict;
        // The outcome in a header lets consumers that only care about fails skip decoding.
        verdicts.push({
          key: v.service,
          value: await this.codec.encode('verdict', v),
          headers: {
            'x-aftershock-id': v.id,
            'x-aftershock-outcome': v.outcome,
            'x-aftershock-final': String(v.final),
          },
        });
      } else if (output.type === 'incident') {
        const i = output.incident;
        incidents.push({
          key: i.service,
          value: await this.codec.encode('incident', i),
          headers: { 'x-aftershock-id': `${i.id}/${i.version}` },
        });
        this.notifier?.notify(i);
      }
    }
    await Promise.all([
      verdicts.length ? this.bus.send(TOPICS.verdicts, verdicts) : undefined,
      incidents.length ? this.bus.send(TOPICS.incidents, incidents) : undefined,
    ]);
  }
}
