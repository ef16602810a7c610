// SLOs in the api: the definitions in force (SloDefinitionsService: the files and the api's), their
// budgets and burn rates computed from the stored telemetry, and the budget an interval spent —
// an incident, a change's regression. Window counts are fetched once per SLO objective per
// minute and shared by every question asked in that minute (the page, the incident list, the
// gate), so ranking fifty incidents by budget costs the same queries as showing one SLO.
// The gate decides synchronously: it reads the standings refreshed every minute in the
// background (`standings`), never waits on ClickHouse.
import { basename } from 'node:path';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Incident } from '#contracts';
import {
  budgetOfCounts,
  burnDown,
  countsNow,
  CountsUnavailableError,
  intervalCounts,
  spentBetween,
  strictestObjective,
  tierBurnsNow,
  windowAt,
  type BudgetStanding,
  type BudgetState,
  type BurnDownPoint,
  type Clock,
  type SloCountsSource,
  type SloDefinition,
  type SloObjective,
  type TierBurn,
  type WindowCounts,
} from '#core';
import type { Logger } from '#observability';
import { API_SLO_SOURCE, CLOCK, LOGGER, SHUTDOWN, type ShutdownSequence } from '#platform';
import { SLO_COUNTS } from '../api.tokens.js';
import { SloDefinitionsService } from './slo-definitions.service.js';

const MINUTE = 60_000;
/** How often the standings the gate reads are refreshed. */
const STANDINGS_EVERY_MS = MINUTE;
/** Window counts kept for this many distinct (objective, minute) keys. */
const CACHE_ENTRIES = 2_000;

export type BudgetStatus = 'met' | 'at-risk' | 'exhausted' | 'no-data';

export interface ObjectiveView {
  readonly name: string;
  readonly target: number;
  readonly sli: number | null;
  /** Share of the window's budget spent (above 1 once overspent) and left (below 0 then). */
  readonly consumed: number;
  readonly remaining: number;
  readonly goodEvents: number;
  readonly totalEvents: number;
  /** met: budget left · at-risk: under a quarter left · exhausted: none left · no-data: nothing counted. */
  readonly status: BudgetStatus;
}

export interface SloView {
  readonly name: string;
  readonly displayName: string | null;
  readonly service: string;
  readonly environment: string;
  /** The definitions file, by name (not the server's path); `api` for an SLO written through the api. */
  readonly file: string;
  /** Where it is defined: a file (change it there), or the api (PUT/DELETE /api/v1/slos/{name}). */
  readonly source: 'file' | 'api';
  readonly indicator: string;
  readonly budgetingMethod: string;
  readonly window: { readonly text: string; readonly start: number; readonly end: number };
  readonly objectives: ObjectiveView[];
  /** The alerting tiers as their windows stand now (the strictest objective's target). */
  readonly burnRates: TierBurn[];
  /** Why the budget could not be computed (data no longer kept), else null. */
  readonly error: string | null;
}

export interface BudgetSpent {
  readonly slo: string;
  readonly service: string;
  readonly objective: string;
  /** Share of the window's budget spent in the interval. */
  readonly spent: number;
}

export interface SloDetailView {
  readonly slo: SloView;
  /** The strictest objective's remaining budget through the window so far. */
  readonly burnDown: BurnDownPoint[];
}

@Injectable()
export class SloBudgets implements OnModuleInit, OnModuleDestroy {
  private readonly cache = new Map<string, Promise<WindowCounts>>();
  /** An interval's counts (Occurrences budgets), by SLO, minute span and the minute they were asked in. */
  private readonly intervals = new Map<string, ReturnType<typeof intervalCounts>>();
  private standingsByService = new Map<string, BudgetStanding[]>();
  private timer?: ReturnType<typeof setInterval>;
  private refreshing?: Promise<void>;

  constructor(
    private readonly slos: SloDefinitionsService,
    @Inject(SLO_COUNTS) private readonly source: SloCountsSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SHUTDOWN) private readonly shutdown: ShutdownSequence,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.slos.ready();
    // A refresh still querying when the store disconnects would run on a closed engine.
    this.shutdown.register('drain', 'SLO budget standings', () => this.refreshing);
    this.slos.onChange(() => {
      this.cache.clear();
      this.intervals.clear();
      void this.refreshStandings();
    });
    void this.refreshStandings();
    this.timer = setInterval(() => void this.refreshStandings(), STANDINGS_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The loaded definitions: the same array until the file changes (answers are kept by it). */
  definitions(): readonly SloDefinition[] {
    return this.slos.definitions();
  }

  definition(name: string): SloDefinition | undefined {
    return this.slos.definition(name);
  }

  /** The service's budgets as of the last refresh (for the gate, which must not wait). */
  standings(service: string): readonly BudgetStanding[] {
    return this.standingsByService.get(service) ?? [];
  }

  async views(at: number, service?: string): Promise<SloView[]> {
    const defs = this.definitions().filter((d) => service === undefined || d.service === service);
    return Promise.all(defs.map((d) => this.view(d, at)));
  }

  async detail(name: string, at: number): Promise<SloDetailView | undefined> {
    const def = this.definition(name);
    if (!def) return undefined;
    const slo = await this.view(def, at);
    if (slo.error) return { slo, burnDown: [] };
    const objective = strictest(def);
    return { slo, burnDown: burnDown(def.budgeting, objective, await this.counts(def, objective, at)) };
  }

  /**
   * The budget each SLO of these services spent in [from, to): of the window that holds `to`
   * (or now, for an interval still open) — or, with `currentWindow`, of each SLO's window now
   * (what is spent of the budget in force; an interval before it spent none of it). Empty when
   * no SLO applies; an SLO whose data is no longer kept is left out.
   */
  async spentBy(
    services: readonly string[],
    from: number,
    to: number,
    at: number,
    currentWindow = false,
  ): Promise<BudgetSpent[]> {
    const end = Math.min(to, at);
    const defs = this.definitions().filter((d) => services.includes(d.service));
    const out: BudgetSpent[] = [];
    for (const def of defs) {
      const objective = strictest(def);
      try {
        const counts = await this.counts(def, objective, currentWindow ? at : this.askedAt(def, end, at));
        const start = Math.max(from, counts.window.start);
        const interval =
          def.budgeting === 'Occurrences' && start < counts.until
            ? await this.interval(def, start, Math.min(end, counts.until), at)
            : undefined;
        out.push({
          slo: def.name,
          service: def.service,
          objective: objective.name,
          spent: spentBetween(def.budgeting, objective, counts, from, end, interval),
        });
      } catch (error) {
        if (!(error instanceof CountsUnavailableError)) throw error;
      }
    }
    return out;
  }

  /** What an incident spent: from its first symptom (or its opening) to its resolution, or now. */
  spentByIncident(incident: Incident, at: number, currentWindow = false): Promise<BudgetSpent[]> {
    const from = Math.min(incident.openedAt, ...incident.members.map((m) => m.at));
    return this.spentBy(incident.services, from, incident.resolvedAt ?? at, at, currentWindow);
  }

  private async view(def: SloDefinition, at: number): Promise<SloView> {
    const base = {
      name: def.name,
      displayName: def.displayName ?? null,
      service: def.service,
      environment: environmentOf(def),
      file: basename(def.file),
      source: def.file === API_SLO_SOURCE ? ('api' as const) : ('file' as const),
      indicator: indicatorText(def),
      budgetingMethod: def.budgeting,
    };
    const bounds = windowAt(def.window, Math.floor(at / MINUTE) * MINUTE);
    const window = { text: windowText(def), start: bounds.start, end: bounds.end };
    try {
      const objectives = await Promise.all(
        def.objectives.map(async (o) =>
          objectiveView(o, budgetOfCounts(def.budgeting, o, await this.counts(def, o, at))),
        ),
      );
      const burnRates = await tierBurnsNow(def, strictest(def).target, at, this.source);
      return { ...base, window, objectives, burnRates, error: null };
    } catch (error) {
      if (!(error instanceof CountsUnavailableError)) throw error;
      return { ...base, window, objectives: [], burnRates: [], error: error.message };
    }
  }

  /** The current window when the interval ended in it (counts shared with the page), else the window that held its end. */
  private askedAt(def: SloDefinition, end: number, at: number): number {
    return end > windowAt(def.window, at).start ? at : end;
  }

  private counts(def: SloDefinition, objective: SloObjective, at: number): Promise<WindowCounts> {
    const minute = Math.floor(at / MINUTE);
    const key = `${def.name}\0${objective.name}\0${minute}`;
    let counts = this.cache.get(key);
    if (!counts) {
      counts = countsNow(def, objective, at, this.source);
      counts.catch(() => this.cache.delete(key));
      if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, counts);
    }
    return counts;
  }

  /** intervalCounts (whole minutes) shared by every question asked in the same minute, as counts() is. */
  private interval(
    def: SloDefinition,
    from: number,
    to: number,
    at: number,
  ): ReturnType<typeof intervalCounts> {
    const minute = (ms: number) => Math.floor(ms / MINUTE);
    const key = `${def.name}\0${minute(from)}\0${minute(to)}\0${minute(at)}`;
    let counts = this.intervals.get(key);
    if (!counts) {
      counts = intervalCounts(def.indicator, from, to, this.source);
      counts.catch(() => this.intervals.delete(key));
      if (this.intervals.size >= CACHE_ENTRIES) this.intervals.delete(this.intervals.keys().next().value!);
      this.intervals.set(key, counts);
    }
    return counts;
  }

  /** One refresh at a time, in order: one asked for during another runs after it. */
  private refreshStandings(): Promise<void> {
    const next = (this.refreshing ?? Promise.resolve()).then(() => this.computeStandings());
    this.refreshing = next;
    void next.finally(() => {
      if (this.refreshing === next) this.refreshing = undefined;
    });
    return next;
  }

  private async computeStandings(): Promise<void> {
    try {
      const views = await this.views(this.clock.now());
      const next = new Map<string, BudgetStanding[]>();
      for (const v of views) {
        if (v.objectives.length === 0) continue;
        const least = Math.min(...v.objectives.map((o) => o.remaining));
        const list = next.get(v.service) ?? [];
        list.push({ slo: v.name, remaining: least, window: v.window.text });
        next.set(v.service, list);
      }
      this.standingsByService = next;
    } catch (error) {
      this.logger.warn('SLO budgets not refreshed: the gate keeps the last ones', {
        error: (error as Error).message,
      });
    }
  }
}

/** The strictest objective of a definition (every definition has one). */
function strictest(def: SloDefinition): SloObjective {
  return strictestObjective(def.objectives)!;
}

function objectiveView(o: SloObjective, b: BudgetState): ObjectiveView {
  const status: BudgetStatus =
    b.sli === undefined ? 'no-data' : b.remaining <= 0 ? 'exhausted' : b.remaining < 0.25 ? 'at-risk' : 'met';
  return {
    name: o.name,
    target: o.target,
    sli: b.sli ?? null,
    consumed: finite(b.consumed),
    remaining: finite(b.remaining),
    goodEvents: b.goodEvents,
    totalEvents: b.totalEvents,
    status,
  };
}

/** A target of 1 has no budget: any failure overspends it without bound; JSON has no Infinity. */
function finite(x: number): number {
  return Number.isFinite(x) ? x : Math.sign(x) * Number.MAX_VALUE;
}

function environmentOf(def: SloDefinition): string {
  return def.indicator.kind === 'ratio' ? def.indicator.total.environment : def.indicator.metric.environment;
}

function indicatorText(def: SloDefinition): string {
  const q = (m: { metric: string; labels: Readonly<Record<string, string>> }) => {
    const labels = Object.entries(m.labels).map(([k, v]) => `${k}="${v}"`);
    return labels.length > 0 ? `${m.metric}{${labels.join(',')}}` : m.metric;
  };
  const ind = def.indicator;
  if (ind.kind === 'threshold') return `${q(ind.metric)} ${ind.op} ${ind.value}`;
  return `${ind.numerator} ${q(ind.events)} / ${q(ind.total)}${ind.counter ? ' (counters)' : ''}`;
}

function windowText(def: SloDefinition): string {
  const w = def.window;
  const d = `${w.duration.value}${w.duration.unit}`;
  return w.kind === 'rolling' ? `${d} rolling` : `${d} calendar (${w.timeZone})`;
}
