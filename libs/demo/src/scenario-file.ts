// The demo's data (scenarios/shop-day.json): the shop's services and the stories of its day, read
// once at import and checked here, so the generator in scenario.ts holds no figures of its own.
// Times: a story's `at` is "HH:MM" UTC on the demo day; the minutes of its changes, effects and
// alerts count from there.
import data from '../scenarios/shop-day.json' with { type: 'json' };

export interface DemoService {
  readonly name: string;
  readonly team: string;
  readonly dependsOn: readonly string[];
  /** Requests per second at the daily peak. */
  readonly peakRps: number;
  /** p95 latency in seconds under normal load. */
  readonly p95: number;
  /** Normal error ratio. */
  readonly errorRatio: number;
}

/** A change the stack announces: a CDEvents deploy or rollback, or a config change as a CloudEvent. */
export interface StoryChange {
  readonly kind: string; // 'deployed' | 'rolledback' | 'config', checked at load
  readonly id: string;
  readonly service: string;
  /** Minutes after the story's time. */
  readonly at: number;
  readonly version?: string;
  readonly previousVersion?: string;
  readonly team?: string;
  readonly rollout?: string;
  readonly configKeys?: readonly string[];
  /** The change this one undoes: a rollback, not counted as a deploy. */
  readonly rollbackOf?: string;
}

/** Multiplies a service's normal behaviour while a fault is active (minutes after the story's time). */
export interface StoryEffect {
  readonly service: string;
  readonly from: number;
  readonly to: number;
  readonly latency?: number;
  readonly errors?: number;
  /** Latency that oscillates around a threshold (the flapping story). */
  readonly oscillate?: { readonly periodMinutes: number; readonly amplitude: number };
}

/** An Alertmanager alert that fires at `from` and resolves at `to` (minutes after the story's time). */
export interface StoryAlert {
  readonly name: string;
  readonly service: string;
  readonly severity: string;
  readonly from: number;
  readonly to: number;
  readonly summary: string;
  /** Fired on the night this many days before the demo day. */
  readonly daysBefore?: number;
  /** A random delay of whole seconds below this, drawn from the scenario's seed. */
  readonly jitterSeconds?: number;
  /** Fired again every `everyMinutes`, `times` episodes in all. */
  readonly repeat?: { readonly times: number; readonly everyMinutes: number };
  readonly labels?: Readonly<Record<string, string>>;
}

export interface StoryFile {
  readonly name: string;
  readonly service: string;
  /** "HH:MM" UTC on the demo day. */
  readonly at: string;
  readonly changeId?: string;
  readonly expect: string;
  readonly changes: readonly StoryChange[];
  readonly effects: readonly StoryEffect[];
  readonly alerts: readonly StoryAlert[];
  /** No clean deploy of these services in the open interval (after, before) minutes around the story; all day without them. */
  readonly quiet: { readonly services: readonly string[]; readonly after?: number; readonly before?: number };
}

export interface ScenarioFile {
  readonly seed: number;
  readonly stepSeconds: number;
  readonly services: readonly DemoService[];
  readonly stories: readonly StoryFile[];
  /** Clean deploys of random services during working hours ("HH:MM" UTC), away from the stories. */
  readonly cleanDeploys: {
    readonly count: number;
    readonly attempts: number;
    readonly from: string;
    readonly to: string;
    /** Share rolled out as canaries (the rest progressive). */
    readonly canaryShare: number;
  };
}

const CHANGE_KINDS = ['deployed', 'rolledback', 'config'];

/** The file's content, checked: the type is checked by the compiler, the rest here. */
export function checkScenarioFile(file: ScenarioFile, name = 'shop-day.json'): ScenarioFile {
  const fail = (where: string, what: string): never => {
    throw new Error(`${name}: ${where}: ${what}`);
  };
  const known = new Set(file.services.map((s) => s.name));
  const service = (where: string, s: string) => known.has(s) || fail(where, `unknown service "${s}"`);
  file.services.forEach((s, i) => s.dependsOn.forEach((d) => service(`services[${i}].dependsOn`, d)));
  minuteOfDay(file.cleanDeploys.from, 'cleanDeploys.from', fail);
  minuteOfDay(file.cleanDeploys.to, 'cleanDeploys.to', fail);
  file.stories.forEach((story, i) => {
    const at = `stories[${i}]`;
    service(at, story.service);
    minuteOfDay(story.at, `${at}.at`, fail);
    story.changes.forEach((c, k) => {
      if (!CHANGE_KINDS.includes(c.kind))
        fail(`${at}.changes[${k}].kind`, `"${c.kind}" is not one of ${CHANGE_KINDS.join(', ')}`);
      service(`${at}.changes[${k}]`, c.service);
      const needs =
        c.kind === 'deployed'
          ? (['version', 'previousVersion', 'team', 'rollout'] as const)
          : c.kind === 'rolledback'
            ? (['version', 'rollbackOf'] as const)
            : (['configKeys'] as const);
      for (const field of needs) if (c[field] === undefined) fail(`${at}.changes[${k}]`, `${field} missing`);
    });
    story.effects.forEach((e, k) => service(`${at}.effects[${k}]`, e.service));
    story.alerts.forEach((a, k) => service(`${at}.alerts[${k}]`, a.service));
    story.quiet.services.forEach((s) => service(`${at}.quiet`, s));
  });
  return file;
}

/** Minutes after midnight of an "HH:MM" time. */
export function minuteOfDay(
  time: string,
  where = 'time',
  fail = (w: string, what: string): never => {
    throw new Error(`${w}: ${what}`);
  },
): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  return m ? Number(m[1]) * 60 + Number(m[2]) : fail(where, `"${time}" is not HH:MM`);
}

export const SCENARIO_FILE: ScenarioFile = checkScenarioFile(data);
