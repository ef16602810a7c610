// The correlator core at the edge: one Correlator per process, fed by the consumers, its
// outputs encoded and published keyed by service (verdicts and incident events), incident
// events also sent to the webhook. A batch's handler returns only after its outputs are on the
// bus, so offsets are committed after the effects are durable; outputs carry deterministic ids
// and versions, so a redelivered batch republishes the same events and consumers keep one.
// At every assignment of the signal partitions (start, rebalance) the state is rebuilt from
// history (rebuild/read-history.ts) before any of their batches is handled, and outputs are
// published only while that assignment holds (StateRecovery): an instance the group has replaced
// publishes nothing beside its successor.
// SLOs (AFTERSHOCK_SLO_PATH) are watched on the same telemetry: a burn-rate tier that starts or
// stops firing is published as an alert to the alerts topic, where it is recorded and comes
// back as a symptom the correlator attributes to changes like any other alert (SloWatch).
import { readFileSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { parseCatalog } from '#catalog';
import { FieldError } from '#config';
import { EventCodec, TOPICS, type Alert, type Change, type Problem } from '#contracts';
import {
  AnomalyDetector,
  Correlator,
  DEFAULT_CORRELATOR_SETTINGS,
  DEFAULT_VERIFIER_SETTINGS,
  DeploymentVerifier,
  lastPointAt,
  restoreCorrelator,
  restoreHorizons,
  SloWatch,
  type Clock,
  type CorrelatorInput,
  type CorrelatorOutput,
  type CorrelatorSettings,
  type Edge,
  type RestoreHorizons,
  type SloDefinition,
  type VerifierSettings,
} from '#core';
import {
  MESSAGE_BUS,
  partitionForKey,
  type Assignment,
  type Membership,
  type MessageBus,
  type OutboundMessage,
} from '#messaging';
import type { Logger } from '#observability';
import {
  CLOCK,
  LOGGER,
  NotOwnerError,
  watchSloCatalog,
  SloDefinitions,
  sloSetOf,
  SHUTDOWN,
  type SloCatalog,
  StateRecovery,
  type RestoreSummary,
  type ShutdownSequence,
} from '#platform';
import { CORRELATOR_CONFIG, type CorrelatorConfig } from './correlator.settings.js';
import { IncidentNotifier } from './notify/incident-notifier.js';
import { parseRoutes } from './notify/routes.js';
import { readHistory } from './rebuild/read-history.js';
import { countOutputs, observeEngine } from './correlator.metrics.js';

export type RefusedCommand = Extract<CorrelatorOutput, { type: 'refused' }>;

/** The telemetry partitions assigned here: a service is this instance's when its key hashes to one. */
interface Ownership {
  readonly partitionCount: number;
  readonly partitions: ReadonlySet<number>;
}

@Injectable()
export class CorrelatorEngine {
  private correlator!: Correlator;
  private verifier!: DeploymentVerifier;
  private settings!: CorrelatorSettings;
  private edges!: readonly Edge[];
  private notifier: IncidentNotifier | undefined;
  private sloCatalog: SloCatalog | undefined;
  /** The SLOs written through the api, and their first read (a rebuild waits for it). */
  private apiSlos: SloDefinitions | undefined;
  private apiSlosRead: Promise<unknown> = Promise.resolve();
  private sloWatch = new SloWatch([]);
  private readonly horizons: RestoreHorizons;
  /** Undefined until the first assignment: until then no service is this instance's. */
  private ownership: Ownership | undefined;
  private readonly recovery: StateRecovery;
  private ticking = false;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SHUTDOWN) private readonly shutdown: ShutdownSequence,
    private readonly codec: EventCodec,
    @Inject(CORRELATOR_CONFIG) readonly config: CorrelatorConfig,
  ) {
    this.horizons = restoreHorizons(this.verifierSettings(), DEFAULT_CORRELATOR_SETTINGS);
    this.recovery = new StateRecovery(
      'correlator',
      {
        changes: 'all retained',
        'verdicts, incidents, alerts, commands': `${this.horizons.signalsMs / 60_000} min`,
        telemetry: `${this.horizons.telemetryMs / 60_000} min`,
      },
      logger,
    );
    this.init();
  }

  /** Built here, not in onModuleInit: Nest starts the consumers (and their first batches) before that hook. */
  private init(): void {
    const catalog = this.config.catalogFile
      ? parseCatalog(readFileSync(this.config.catalogFile, 'utf8'), this.config.catalogFile)
      : { services: [], edges: [] };
    const placement = Object.fromEntries(
      catalog.services.map((s) => [s.name, { cluster: s.cluster, region: s.region }]),
    );
    this.settings = { ...DEFAULT_CORRELATOR_SETTINGS, placement };
    this.edges = catalog.edges;
    ({ correlator: this.correlator, verifier: this.verifier } = this.createCorrelator());
    const stopObserving = observeEngine({
      activeVerifications: () => this.verifier.activeChanges().length,
      activeIncidents: () => this.correlator.activeIncidents().length,
    });
    this.shutdown.register('disconnect', 'correlator metrics', stopObserving);
    this.logger.info('correlator ready', { services: catalog.services.length, edges: catalog.edges.length });
    this.watchSlos();
    const notifier = new IncidentNotifier(
      {
        webhook: this.config.webhookUrl
          ? { url: this.config.webhookUrl, token: this.config.webhookToken }
          : undefined,
        routes: this.notificationRoutes(),
        publicUrl: this.config.publicUrl,
      },
      this.logger,
    );
    if (notifier.configured) {
      this.notifier = notifier;
      this.shutdown.register('flush', 'incident notifications', () => notifier.close());
    }
  }

  /**
   * The SLOs: the files' (read at start — a file at fault stops it — and watched) and the ones
   * written through the api (the slo-definitions topic, followed). A new set keeps the state of
   * the SLOs it did not change; new and changed ones are measured afresh from the next points
   * (until the next rebuild, which replays the telemetry history into them).
   */
  private watchSlos(): void {
    const rewatch = () => {
      const before = new Set(this.sloWatch.names());
      this.sloWatch = this.newSloWatch(this.slos(), this.sloWatch);
      const added = this.sloWatch.names().filter((n) => !before.has(n));
      this.logger.info('SLOs alerted on', { slos: this.sloWatch.size, added: added.slice(0, 20).join(', ') });
    };
    const path = this.config.sloPath;
    if (path) this.sloCatalog = watchSloCatalog(path, this.logger, this.shutdown, rewatch);
    const apiSlos = new SloDefinitions(this.bus, this.codec, this.logger, { onChange: rewatch });
    this.apiSlos = apiSlos;
    this.apiSlosRead = apiSlos.start().then(rewatch);
    this.shutdown.register('stop-intake', 'SLO definitions follower', () => apiSlos.close());
    rewatch();
  }

  private slos(): readonly SloDefinition[] {
    return sloSetOf(this.sloCatalog?.current() ?? [], this.apiSlos?.current() ?? []);
  }

  /** `previous`: the watch replaced (its unchanged SLOs keep their state); none for a rebuild, which replays history. */
  private newSloWatch(slos: readonly SloDefinition[], previous?: SloWatch): SloWatch {
    return new SloWatch(slos, { publicUrl: this.config.publicUrl }, previous);
  }

  /** The notification routes file, read once at start; a problem in it stops the start, naming the field. */
  private notificationRoutes() {
    const file = this.config.notifyRoutesFile;
    if (!file) return undefined;
    try {
      const routes = parseRoutes(readFileSync(file, 'utf8'), process.env);
      this.logger.info('notification routes loaded', { file, channels: routes.channels.size });
      return routes;
    } catch (error) {
      if (error instanceof FieldError)
        throw new Error(`NOTIFY_ROUTES_FILE ${file}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  /**
   * A change is verified by the instance that owns its service's telemetry, while its windows
   * are not past; everywhere else it is evidence only (attribution of neighbours' symptoms).
   */
  changeInput(change: Change): CorrelatorInput {
    const past = change.startedAt < this.clock.now() - this.horizons.verifyWithinMs;
    return { type: 'change', change, historical: past || !this.owns(change.service) };
  }

  /**
   * Applies inputs in order and publishes what they cause; resolves once it is on the bus, with
   * the commands that could not apply (for the dead-letter topic, with the reason).
   */
  apply(inputs: readonly CorrelatorInput[]): Promise<RefusedCommand[]> {
    return this.recovery.step(async () => {
      const outputs: CorrelatorOutput[] = [];
      const burns: Alert[] = [];
      for (const input of inputs) {
        outputs.push(...this.correlator.process(input));
        if (input.type === 'telemetry') burns.push(...this.sloWatch.observe(input.batch));
      }
      await this.publish(outputs, burns);
      return outputs.filter((o): o is RefusedCommand => o.type === 'refused');
    });
  }

  /**
   * Event time moves on while partitions are idle: lets timers (auto-resolve, looks) fire. Wall
   * time counts as event time only the verifier's idle timeout late, so a change reported after
   * it started has that long for its telemetry to be consumed before it is judged.
   */
  async tick(): Promise<void> {
    if (this.recovery.restoring || this.ticking || !this.recovery.owner) return;
    this.ticking = true;
    try {
      await this.recovery.step(async () => {
        // Not the owner any more: the next assignment rebuilds the state, timers included.
        if (!this.recovery.owner) return;
        const eventTime = this.clock.now() - this.config.idleTimeoutMs;
        await this.publish(this.correlator.advanceTo(eventTime), this.sloWatch.advanceTo(eventTime));
      });
    } catch (error) {
      if (!(error instanceof NotOwnerError)) throw error;
    } finally {
      this.ticking = false;
    }
  }

  /**
   * The signal partitions were (re)assigned: a fresh correlator replays this instance's history
   * so it carries on where the previous owner stopped — same baselines, running verifications
   * and open incidents — instead of opening duplicates and judging changes without baselines.
   */
  rebuild(assignment: Assignment, membership: Membership): Promise<void> {
    return this.recovery.restore(assignment, membership, () => this.rebuildNow(assignment));
  }

  private async rebuildNow(assignment: Assignment): Promise<RestoreSummary> {
    const now = this.clock.now();
    this.ownership = {
      partitionCount: await this.bus.partitionCount(TOPICS.telemetry),
      partitions: new Set(assignment.get(TOPICS.telemetry) ?? []),
    };
    const history = await readHistory(
      this.bus,
      this.codec,
      assignment,
      this.config.groupId,
      now,
      this.horizons,
    );
    // Always a fresh correlator, even with no signals to replay: the one before may hold
    // verifications, incidents and timers of partitions that are another instance's now.
    const { correlator, verifier } = this.createCorrelator();
    const { publish, ...summary } = restoreCorrelator(correlator, history, {
      verifySince: now - this.horizons.verifyWithinMs,
      unsettledSince: now - this.horizons.signalsMs,
      owns: (service) => this.owns(service),
    });
    this.correlator = correlator;
    this.verifier = verifier;
    // The SLO watch replays the same telemetry silently; tiers still firing are announced again
    // with the ids they were raised with, so an alert lost in a crash is sent and a sent one
    // is recognised as the same.
    await this.apiSlosRead;
    this.sloWatch = this.newSloWatch(this.slos());
    const inOrder = [...history.telemetry].sort((a, b) => lastPointAt(a) - lastPointAt(b));
    for (const batch of inOrder) this.sloWatch.observe(batch);
    await this.publish(publish, this.sloWatch.firing());
    return {
      changes: history.changes.length,
      alerts: history.alerts.length,
      commands: history.commands.length,
      telemetryBatches: history.telemetry.length,
      verdicts: history.verdicts.length,
      incidentEvents: history.incidents.length,
      ...summary,
      caughtUp: publish.length,
      activeIncidents: correlator.activeIncidents().length,
    };
  }

  private owns(service: string): boolean {
    const owned = this.ownership;
    return owned !== undefined && owned.partitions.has(partitionForKey(service, owned.partitionCount));
  }

  private verifierSettings(): VerifierSettings {
    return { ...DEFAULT_VERIFIER_SETTINGS, idleTimeoutMs: this.config.idleTimeoutMs };
  }

  /** A fresh correlator, and its verifier (whose running verifications the metrics report). */
  private createCorrelator(): { correlator: Correlator; verifier: DeploymentVerifier } {
    const verifier = new DeploymentVerifier(this.verifierSettings(), this.clock);
    const correlator = new Correlator(verifier, new AnomalyDetector(), this.settings, this.edges);
    return { correlator, verifier };
  }

  activeIncidents() {
    return this.correlator.activeIncidents();
  }

  private async publish(outputs: readonly CorrelatorOutput[], burns: readonly Alert[] = []): Promise<void> {
    const alerts: OutboundMessage[] = [];
    for (const alert of burns)
      if (this.owns(alert.service))
        alerts.push({
          key: alert.service,
          value: await this.codec.encode('alert', alert),
          headers: { 'x-aftershock-id': alert.id },
        });
    if (outputs.length === 0 && alerts.length === 0) return;
    countOutputs(outputs);
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
      }
    }
    if (verdicts.length + incidents.length + alerts.length === 0) return;
    await this.recovery.publish(async () => {
      await Promise.all([
        verdicts.length ? this.bus.send(TOPICS.verdicts, verdicts) : undefined,
        incidents.length ? this.bus.send(TOPICS.incidents, incidents) : undefined,
        alerts.length ? this.bus.send(TOPICS.alerts, alerts) : undefined,
      ]);
    });
    this.logger.debug('published', { outputs: outputs.map(describeOutput) });
    for (const output of outputs) if (output.type === 'incident') this.notifier?.notify(output.incident);
  }

  /** Problems' new versions: the known errors of incidents people were told about go out to them. */
  problems(problems: readonly Problem[]): void {
    if (!this.notifier) return;
    let sent = 0;
    for (const problem of problems) sent += this.notifier.knownError(problem);
    if (sent > 0) this.logger.info('known errors sent', { incidents: sent });
  }
}

/** One output in a debug line: enough to follow an incident's versions across hand-overs. */
function describeOutput(output: CorrelatorOutput): unknown {
  switch (output.type) {
    case 'verdict':
      return { verdict: output.verdict.id, outcome: output.verdict.outcome, final: output.verdict.final };
    case 'incident': {
      const i = output.incident;
      return {
        incident: i.id,
        version: i.version,
        status: i.status,
        alerts: i.members.filter((m) => m.type === 'alert').map((m) => m.ref),
        suspect: [...i.suspects].sort((a, b) => b.probability - a.probability)[0]?.changeId ?? null,
      };
    }
    default:
      return { type: output.type };
  }
}
