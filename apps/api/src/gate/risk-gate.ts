// The change-risk gate's state, in memory so a decision takes milliseconds: the history the
// risk model reads (loaded from ClickHouse at start, then kept current by the history consumer),
// the standard-change policy (from POLICY_FILE, reloaded when the file changes; an invalid edit
// is logged and the previous policy stays), the service's SLO budgets as last refreshed (for
// rules on error budgets; SloBudgets), and the model (refitted hourly once the history
// holds enough failed changes; default weights until then).
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { Assessment, Change } from '#contracts';
import type { Logger } from '#observability';
import { CLOCK, LOGGER, READINESS, SHUTDOWN, type Readiness, type ShutdownSequence } from '#platform';
import type {
  ChangesRepository,
  IncidentsRepository,
  ProblemsRepository,
  VerdictsRepository,
} from '#storage';
import { API_CONFIG, type ApiConfig } from '../api.settings.js';
import {
  CHANGES_REPOSITORY,
  INCIDENTS_REPOSITORY,
  PROBLEMS_REPOSITORY,
  VERDICTS_REPOSITORY,
} from '../api.tokens.js';
import {
  assessDetailed,
  ChangeHistory,
  DEFAULT_RISK_MODEL,
  fitFromHistory,
  trackRecordFits,
  DEFAULT_TRACK_RECORD,
  gateTradeOff,
  type GateTradeOff,
  type HistoryEvent,
  type Policy,
  type PolicyOutcome,
  type RiskModel,
  type Clock,
} from '#core';
import { PolicyFile } from '../policy/policy-file.js';
import { SloBudgets } from '../slo/slo-budgets.js';

const DAY = 86_400_000;
const REFIT_INTERVAL_MS = 3_600_000;
/** The track record a refit learns its trust in the service levels from (level-trust.ts), rebuilt at start. */
const { everyMs: TRACK_RECORD_EVERY_MS, count: TRACK_RECORD_FITS } = DEFAULT_TRACK_RECORD;

export interface GateDecision {
  readonly outcome: PolicyOutcome['decision'];
  /** The id of the policy rule that decided (or the default that applied). */
  readonly rule: string;
  readonly description: string;
  /** Where the rule is written in the policy file. */
  readonly origin: string;
  /** The policy file. */
  readonly policy: string;
  /** Why the rule matched, condition by condition. */
  readonly reasons: readonly string[];
}

export interface GateResult {
  readonly assessment: Assessment;
  readonly decision: GateDecision;
}

/** Deterministic assessment id of a change, so a re-assessment replaces the previous one. */
export const assessmentId = (changeId: string) => `asm_${changeId}`;

@Injectable()
export class RiskGate implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  readonly history = new ChangeHistory();
  private policyFile!: PolicyFile;
  private model: RiskModel = DEFAULT_RISK_MODEL;
  /** Earlier fits, oldest first; the last kept at `keptAt`. */
  private earlier: RiskModel[] = [];
  private keptAt = Number.NEGATIVE_INFINITY;
  private loaded = false;
  /** Set when the app stops: the background load ends at its next page instead of reading on. */
  private stopping = false;
  private loading: Promise<void> = Promise.resolve();
  private refitTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(CHANGES_REPOSITORY) private readonly changes: ChangesRepository,
    @Inject(VERDICTS_REPOSITORY) private readonly verdicts: VerdictsRepository,
    @Inject(INCIDENTS_REPOSITORY) private readonly incidents: IncidentsRepository,
    @Inject(PROBLEMS_REPOSITORY) private readonly problems: ProblemsRepository,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(READINESS) private readonly readiness: Readiness,
    @Inject(SHUTDOWN) private readonly shutdown: ShutdownSequence,
    private readonly slos: SloBudgets,
  ) {}

  /** Reads the policy (an invalid file stops the start, naming the line) and starts watching it. */
  async onModuleInit(): Promise<void> {
    this.policyFile = await PolicyFile.load(this.config.policyFile, {
      onReload: (policy) => this.logger.info('policy reloaded', { file: policy.source }),
      onError: (error) =>
        this.logger.error('policy file rejected; the previous policy stays in force', {
          file: this.config.policyFile,
          error: error.message,
        }),
    });
    this.policyFile.watch();
    this.shutdown.register('stop-intake', 'policy file watcher', () => this.policyFile.close());
    this.readiness.add('risk-history', () => this.loaded);
    this.logger.info('policy loaded', { file: this.policyFile.path });
  }

  /** Loads the history in the background: the gate answers meanwhile, readiness waits for it. */
  onApplicationBootstrap(): void {
    this.loading = this.load().catch((error: unknown) =>
      this.logger.error('risk history could not be loaded from ClickHouse', { error }),
    );
    // A stop soon after the start finds the load still reading: it ends before the store closes.
    this.shutdown.register('stop-intake', 'risk history load', () => {
      this.stopping = true;
      return this.loading;
    });
    this.refitTimer = setInterval(() => this.refit(), REFIT_INTERVAL_MS);
    this.refitTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.refitTimer);
    this.policyFile?.close();
  }

  policy(): Policy {
    return this.policyFile.current();
  }

  isLoaded(): boolean {
    return this.loaded;
  }

  add(event: HistoryEvent): void {
    this.history.add(event);
  }

  /** The gate: a proposed change assessed now against the history and the policy in force. */
  assess(change: Change): GateResult {
    return this.evaluate(change, this.clock.now());
  }

  /** An arriving change assessed as of now (its arrival), for the assessments topic. */
  assessArrival(change: Change): Assessment {
    return this.evaluate(change, this.clock.now()).assessment;
  }

  private evaluate(change: Change, now: number): GateResult {
    const policy = this.policy();
    const detailed = assessDetailed(change, this.history, policy, now, {
      model: this.model,
      budgets: this.slos.standings(change.service),
    });
    const { outcome } = detailed;
    return {
      assessment: { ...detailed.assessment, id: assessmentId(change.id) },
      decision: {
        outcome: outcome.decision,
        rule: outcome.rule,
        description: outcome.ruleDescription,
        origin: outcome.origin,
        policy: policy.source,
        reasons: outcome.reasons,
      },
    };
  }

  /**
   * What the gate said when changes arrived (their published assessments) against what then
   * happened to them: for "approve without review below risk r", the share of changes that would
   * have skipped review and of failing changes that would have slipped through. Only changes
   * whose outcome has had time to show (older than the history's settle time) count.
   */
  tradeOff(assessed: readonly { changeId: string; probability: number }[], now: number): GateTradeOff {
    const settled = now - this.history.settings.settleMs;
    const predictions = assessed.flatMap((a) => {
      const change = this.history.change(a.changeId);
      if (!change || change.startedAt > settled) return [];
      return [{ probability: a.probability, failed: this.history.failure(a.changeId, now) !== undefined }];
    });
    const classes = this.policy().riskClasses;
    return gateTradeOff(predictions, [classes.normalFrom, classes.highFrom]);
  }

  private async load(): Promise<void> {
    const now = this.clock.now();
    const range = { from: now - this.config.historyWindowMs, to: now + DAY };
    let changes = 0;
    let verdicts = 0;
    let incidents = 0;
    for await (const page of this.changes.scan(range)) {
      if (this.stopping) return;
      for (const value of page) this.history.add({ type: 'change', at: value.startedAt, value });
      changes += page.length;
    }
    for await (const page of this.verdicts.scan(range)) {
      if (this.stopping) return;
      for (const value of page) this.history.add({ type: 'verdict', at: value.decidedAt, value });
      verdicts += page.length;
    }
    for await (const page of this.incidents.scan(range)) {
      if (this.stopping) return;
      for (const value of page) this.history.add({ type: 'incident', at: value.updatedAt, value });
      incidents += page.length;
    }
    if (this.stopping) return;
    const problems = await this.problems.current(range.from);
    for (const value of problems) this.history.add({ type: 'problem', at: value.updatedAt, value });
    this.earlier = trackRecordFits(this.history, this.policy(), now);
    this.keptAt = now - TRACK_RECORD_EVERY_MS;
    this.loaded = true;
    this.logger.info('risk history loaded', { changes, verdicts, incidents, problems: problems.length });
    this.refit();
  }

  private refit(): void {
    try {
      // From the previous fit: an hour's new records move the weights a step or two.
      const now = this.clock.now();
      const model = fitFromHistory(this.history, this.policy(), now, {
        start: this.model,
        earlier: this.earlier,
      });
      if (model.fit) {
        this.model = model;
        if (now - this.keptAt >= TRACK_RECORD_EVERY_MS) {
          this.earlier = [...this.earlier, model].slice(-TRACK_RECORD_FITS);
          this.keptAt = now;
        }
        this.logger.info('risk model refitted', { ...model.fit });
      }
    } catch (error) {
      this.logger.error('risk model refit failed; keeping the previous weights', { error });
    }
  }
}
