// Reads a standard-change policy (YAML, or JSON — a subset of YAML) into a Policy, checking
// every field. Problems are collected, not thrown one at a time, and each names the file, the
// line and the field at fault: `standard-changes.yaml:42: rules[3].match.rollout: "canry" is
// not one of …`. Pure: the caller reads the file (and watches it; see README.md).
import {
  CHANGE_KIND_VALUES,
  POLICY_DECISION_VALUES,
  RISK_CLASS_VALUES,
  ROLLOUT_STRATEGY_VALUES,
} from '#contracts/enums';
import { LineCounter, parseDocument, type Document } from 'yaml';
import {
  DEFAULT_BUSINESS_HOURS,
  DEFAULT_RISK_THRESHOLDS,
  type BusinessHours,
  type FreezeWindow,
  type Policy,
  type PolicyRule,
  type PolicyScope,
  type RiskThresholds,
  type RuleMatch,
} from './policy.js';
import { formatMinuteOfDay, formatMinuteOfWeek, isTimeZone, WEEKDAYS, zonedToInstant } from './zoned-time.js';

export interface PolicyProblem {
  readonly line?: number;
  /** Path of the field at fault, e.g. `rules[3].match.rollout`. */
  readonly field: string;
  readonly message: string;
}

export class PolicyError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly PolicyProblem[],
  ) {
    const shown = problems
      .slice(0, 8)
      .map((p) => `${file}${p.line ? `:${p.line}` : ''}: ${p.field}: ${p.message}`);
    if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more`);
    super(shown.join('\n'));
    this.name = 'PolicyError';
  }

  /** Line of the first problem. */
  get line(): number | undefined {
    return this.problems[0]?.line;
  }
}

const MINUTES_PER_WEEK = 7 * 1440;

type Path = readonly (string | number)[];
type Fields = Record<string, unknown>;

export function parsePolicy(text: string, fileName = 'policy'): Policy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new PolicyError(
      fileName,
      doc.errors.map((e) => ({
        line: e.linePos?.[0]?.line,
        field: '(syntax)',
        message: e.message.split('\n')[0]!,
      })),
    );
  }
  const reader = new Reader(doc, lines);
  const policy = reader.policy(doc.toJS() as unknown, fileName);
  if (reader.problems.length > 0 || !policy) throw new PolicyError(fileName, reader.problems);
  return policy;
}

class Reader {
  readonly problems: PolicyProblem[] = [];
  private readonly ruleIds = new Map<string, string>();

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  policy(value: unknown, source: string): Policy | undefined {
    if (value === null || value === undefined) {
      this.fail([], 'the policy is empty; expected a mapping with rules and a default');
      return undefined;
    }
    const top = this.object(
      value,
      [],
      [
        'version',
        'description',
        'timeZone',
        'businessHours',
        'riskClasses',
        'freezeWindows',
        'rules',
        'default',
        'teams',
        'services',
      ],
    );
    if (!top) return undefined;
    if (top.version !== undefined && top.version !== 1)
      this.fail(['version'], `unsupported version ${String(top.version)}; this is version 1`);
    const timeZone = this.zone(top.timeZone, ['timeZone']) ?? 'UTC';
    const freezeWindows = this.list(top.freezeWindows, ['freezeWindows'], (v, p) =>
      this.freezeWindow(v, p, timeZone),
    );
    const ids = new Set<string>();
    freezeWindows.forEach((w, i) => {
      if (ids.has(w.id)) this.fail(['freezeWindows', i, 'id'], `duplicate freeze window id "${w.id}"`);
      ids.add(w.id);
    });
    const decision = this.oneOf(top.default, ['default'], POLICY_DECISION_VALUES);
    if (top.default === undefined)
      this.fail(['default'], 'is required: the outcome when no rule matches (approved, review or blocked)');
    return {
      source,
      description: this.string(top.description, ['description']) ?? '',
      riskClasses: this.thresholds(top.riskClasses, ['riskClasses']) ?? DEFAULT_RISK_THRESHOLDS,
      timeZone,
      businessHours: this.businessHours(top.businessHours, ['businessHours']),
      freezeWindows,
      rules: this.rules(top.rules, ['rules']),
      default: decision ?? 'review',
      teams: this.scopes(top.teams, ['teams'], false),
      services: this.scopes(top.services, ['services'], true),
    };
  }

  private scopes(value: unknown, path: Path, services: boolean): Map<string, PolicyScope> {
    const out = new Map<string, PolicyScope>();
    if (value === undefined || value === null) return out;
    const map = this.object(value, path);
    if (!map) return out;
    for (const [name, entry] of Object.entries(map)) {
      const at = [...path, name];
      const allowed = ['timeZone', 'riskClasses', 'rules', 'default', ...(services ? ['team'] : [])];
      const fields = this.object(entry ?? {}, at, allowed);
      if (!fields) continue;
      out.set(name, {
        timeZone: this.zone(fields.timeZone, [...at, 'timeZone']),
        riskClasses: this.thresholds(fields.riskClasses, [...at, 'riskClasses']),
        rules: this.rules(fields.rules, [...at, 'rules']),
        default: this.oneOf(fields.default, [...at, 'default'], POLICY_DECISION_VALUES),
        team: services ? this.string(fields.team, [...at, 'team']) : undefined,
      });
    }
    return out;
  }

  private rules(value: unknown, path: Path): PolicyRule[] {
    return this.list(value, path, (v, p) => this.rule(v, p));
  }

  private rule(value: unknown, path: Path): PolicyRule | undefined {
    const fields = this.object(value, path, ['id', 'description', 'match', 'decision']);
    if (!fields) return undefined;
    const id = this.string(fields.id, [...path, 'id'], true);
    const decision = this.oneOf(fields.decision, [...path, 'decision'], POLICY_DECISION_VALUES);
    if (fields.decision === undefined)
      this.fail([...path, 'decision'], 'is required (approved, review or blocked)');
    const match = this.match(fields.match ?? {}, [...path, 'match']);
    const origin = pathText(path);
    if (id !== undefined) {
      const earlier = this.ruleIds.get(id);
      if (earlier) this.fail([...path, 'id'], `duplicate rule id "${id}" (also ${earlier})`);
      this.ruleIds.set(id, origin);
    }
    if (id === undefined || decision === undefined || match === undefined) return undefined;
    return {
      id,
      description: this.string(fields.description, [...path, 'description']) ?? '',
      match,
      decision,
      origin,
    };
  }

  private match(value: unknown, path: Path): RuleMatch | undefined {
    const f = this.object(value, path, [
      'kind',
      'environment',
      'service',
      'team',
      'automated',
      'testsPassed',
      'rollout',
      'maxRiskClass',
      'minRiskClass',
      'maxProbability',
      'minProbability',
      'maxSizeLines',
      'freeze',
      'errorBudget',
      'maxBudgetRemaining',
      'repair',
    ]);
    if (!f) return undefined;
    const at = (name: string) => [...path, name];
    return {
      kind: this.optionalList(f.kind, at('kind'), (v, p) => this.oneOf(v, p, CHANGE_KIND_VALUES)),
      environment: this.globs(f.environment, at('environment')),
      service: this.globs(f.service, at('service')),
      team: this.globs(f.team, at('team')),
      automated: this.boolean(f.automated, at('automated')),
      testsPassed: this.boolean(f.testsPassed, at('testsPassed')),
      rollout: this.optionalList(f.rollout, at('rollout'), (v, p) =>
        this.oneOf(v, p, ROLLOUT_STRATEGY_VALUES),
      ),
      maxRiskClass: this.oneOf(f.maxRiskClass, at('maxRiskClass'), RISK_CLASS_VALUES),
      minRiskClass: this.oneOf(f.minRiskClass, at('minRiskClass'), RISK_CLASS_VALUES),
      maxProbability: this.number(f.maxProbability, at('maxProbability'), 0, 1),
      minProbability: this.number(f.minProbability, at('minProbability'), 0, 1),
      maxSizeLines: this.number(f.maxSizeLines, at('maxSizeLines'), 0, Number.MAX_SAFE_INTEGER),
      freeze: this.oneOf(f.freeze, at('freeze'), ['inside', 'outside'] as const),
      errorBudget: this.oneOf(f.errorBudget, at('errorBudget'), ['exhausted', 'available'] as const),
      maxBudgetRemaining: this.number(f.maxBudgetRemaining, at('maxBudgetRemaining'), -1e9, 1),
      repair: this.boolean(f.repair, at('repair')),
    };
  }

  private freezeWindow(value: unknown, path: Path, defaultZone: string): FreezeWindow | undefined {
    const f = this.object(value, path, [
      'id',
      'description',
      'timeZone',
      'recurring',
      'from',
      'to',
      'environments',
      'services',
      'teams',
    ]);
    if (!f) return undefined;
    const id = this.string(f.id, [...path, 'id'], true);
    const timeZone = this.zone(f.timeZone, [...path, 'timeZone']) ?? defaultZone;
    const scope = {
      environments: this.globs(f.environments, [...path, 'environments']) ?? [],
      services: this.globs(f.services, [...path, 'services']) ?? [],
      teams: this.globs(f.teams, [...path, 'teams']) ?? [],
    };
    const base = {
      id: id ?? '',
      description: this.string(f.description, [...path, 'description']) ?? '',
      timeZone,
      ...scope,
    };
    if (f.recurring !== undefined) {
      if (f.from !== undefined || f.to !== undefined) {
        this.fail([...path, 'from'], 'give either recurring or from/to, not both');
        return undefined;
      }
      const r = this.object(f.recurring, [...path, 'recurring'], ['from', 'to']);
      if (!r) return undefined;
      const from = this.weekTime(r.from, [...path, 'recurring', 'from']);
      const to = this.weekTime(r.to, [...path, 'recurring', 'to']);
      if (!from || !to || id === undefined) return undefined;
      if (from.daily !== to.daily) {
        this.fail(
          [...path, 'recurring', 'to'],
          'from and to must both name a day ("Fri 18:00") or neither ("22:00")',
        );
        return undefined;
      }
      if (from.minute === to.minute) {
        this.fail([...path, 'recurring', 'to'], 'is the same time as from: the window would be empty');
        return undefined;
      }
      const period = from.daily ? 1440 : MINUTES_PER_WEEK;
      const starts = from.daily ? [0, 1, 2, 3, 4, 5, 6].map((d) => d * 1440 + from.minute) : [from.minute];
      const length = (to.minute - from.minute + period) % period;
      const weekly = starts.flatMap((s) =>
        s + length <= MINUTES_PER_WEEK
          ? [{ from: s, to: s + length }]
          : [
              { from: s, to: MINUTES_PER_WEEK },
              { from: 0, to: s + length - MINUTES_PER_WEEK },
            ],
      );
      const show = (m: number) => (from.daily ? formatMinuteOfDay(m) : formatMinuteOfWeek(m));
      const text = `${from.daily ? 'daily ' : ''}${show(from.minute)}–${show(to.minute)} ${timeZone}`;
      return { ...base, weekly, text };
    }
    if (f.from === undefined || f.to === undefined) {
      this.fail(
        [...path, f.from === undefined ? 'from' : 'to'],
        'is required: a freeze window is either recurring {from: "Fri 18:00", to: "Mon 06:00"} or from/to date-times',
      );
      return undefined;
    }
    const from = this.instant(f.from, [...path, 'from'], timeZone);
    const to = this.instant(f.to, [...path, 'to'], timeZone);
    if (from === undefined || to === undefined || id === undefined) return undefined;
    if (to <= from) {
      this.fail([...path, 'to'], 'must be later than from');
      return undefined;
    }
    return { ...base, absolute: { from, to }, text: `${String(f.from)} – ${String(f.to)} ${timeZone}` };
  }

  private businessHours(value: unknown, path: Path): BusinessHours {
    if (value === undefined || value === null) return DEFAULT_BUSINESS_HOURS;
    const f = this.object(value, path, ['start', 'end', 'days']);
    if (!f) return DEFAULT_BUSINESS_HOURS;
    const start = f.start === undefined ? undefined : this.weekTime(f.start, [...path, 'start']);
    const end = f.end === undefined ? undefined : this.weekTime(f.end, [...path, 'end']);
    for (const [t, name] of [
      [start, 'start'],
      [end, 'end'],
    ] as const) {
      if (t && !t.daily) this.fail([...path, name], 'is a time of day such as "08:00", without a day');
    }
    const days = this.optionalList(f.days, [...path, 'days'], (v, p) => this.oneOf(v, p, WEEKDAYS));
    const result = {
      startMinute: start?.minute ?? DEFAULT_BUSINESS_HOURS.startMinute,
      endMinute: end?.minute ?? DEFAULT_BUSINESS_HOURS.endMinute,
      days: days ? days.map((d) => WEEKDAYS.indexOf(d)) : DEFAULT_BUSINESS_HOURS.days,
    };
    if (result.endMinute <= result.startMinute) this.fail([...path, 'end'], 'must be later than start');
    return result;
  }

  private thresholds(value: unknown, path: Path): RiskThresholds | undefined {
    if (value === undefined || value === null) return undefined;
    const f = this.object(value, path, ['normalFrom', 'highFrom']);
    if (!f) return undefined;
    const normalFrom =
      this.number(f.normalFrom, [...path, 'normalFrom'], 0, 1) ?? DEFAULT_RISK_THRESHOLDS.normalFrom;
    const highFrom = this.number(f.highFrom, [...path, 'highFrom'], 0, 1) ?? DEFAULT_RISK_THRESHOLDS.highFrom;
    if (highFrom <= normalFrom) {
      this.fail([...path, 'highFrom'], `must be above normalFrom (${normalFrom})`);
      return undefined;
    }
    return { normalFrom, highFrom };
  }

  // ——— scalars ———

  /** "Fri 18:00" → minute of week; "18:00" → minute of day (daily). */
  private weekTime(value: unknown, path: Path): { minute: number; daily: boolean } | undefined {
    const m =
      typeof value === 'string' ? /^(?:([A-Za-z]{3})[a-z]*\s+)?(\d{1,2}):(\d{2})$/.exec(value.trim()) : null;
    const hour = m ? Number(m[2]) : NaN;
    const minute = m ? Number(m[3]) : NaN;
    if (!m || hour > 24 || minute > 59 || (hour === 24 && minute !== 0)) {
      this.fail(path, `${describe(value)} is not a time such as "18:00" or "Fri 18:00" (quote it in YAML)`);
      return undefined;
    }
    if (m[1] === undefined) return { minute: hour * 60 + minute, daily: true };
    const day = WEEKDAYS.indexOf(m[1].toLowerCase() as (typeof WEEKDAYS)[number]);
    if (day < 0) {
      this.fail(path, `"${m[1]}" is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun`);
      return undefined;
    }
    return { minute: (day * 1440 + hour * 60 + minute) % MINUTES_PER_WEEK, daily: false };
  }

  /** "2026-12-24T18:00" (wall time in the zone), "2026-12-24", or with an explicit Z / ±hh:mm. */
  private instant(value: unknown, path: Path, timeZone: string): number | undefined {
    const text = typeof value === 'string' ? value.trim() : '';
    const local = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text);
    if (local) {
      const [year, month, day, hour, minute] = local.slice(1).map((x) => Number(x ?? 0)) as [
        number,
        number,
        number,
        number,
        number,
      ];
      if (month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59) {
        return zonedToInstant({ year, month, day, hour, minute }, timeZone);
      }
    } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
      const ms = Date.parse(text);
      if (Number.isFinite(ms)) return ms;
    }
    this.fail(
      path,
      `${describe(value)} is not a date-time such as "2026-12-24T18:00" (local to timeZone) or "…Z"`,
    );
    return undefined;
  }

  private zone(value: unknown, path: Path): string | undefined {
    const name = this.string(value, path);
    if (name !== undefined && !isTimeZone(name)) {
      this.fail(path, `"${name}" is not a known IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`);
      return undefined;
    }
    return name;
  }

  private string(value: unknown, path: Path, required = false): string | undefined {
    if (value === undefined || value === null) {
      if (required) this.fail(path, 'is required');
      return undefined;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      this.fail(path, `expected text, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  private boolean(value: unknown, path: Path): boolean | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') this.fail(path, `expected true or false, got ${describe(value)}`);
    return typeof value === 'boolean' ? value : undefined;
  }

  private number(value: unknown, path: Path, min: number, max: number): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.fail(path, `expected a number from ${min} to ${max}, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  private oneOf<T extends string>(value: unknown, path: Path, allowed: readonly T[]): T | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      this.fail(path, `${describe(value)} is not one of ${allowed.join(', ')}`);
      return undefined;
    }
    return value as T;
  }

  private globs(value: unknown, path: Path): string[] | undefined {
    return this.optionalList(value, path, (v, p) => this.string(v, p, true));
  }

  /** A list, or a single value standing for a list of one. */
  private optionalList<T>(
    value: unknown,
    path: Path,
    item: (v: unknown, p: Path) => T | undefined,
  ): T[] | undefined {
    if (value === undefined || value === null) return undefined;
    const items = Array.isArray(value) ? value : [value];
    const out: T[] = [];
    items.forEach((v, i) => {
      const parsed = item(v, Array.isArray(value) ? [...path, i] : path);
      if (parsed !== undefined) out.push(parsed);
    });
    if (Array.isArray(value) && value.length === 0)
      this.fail(path, 'is an empty list: it would match nothing');
    return out;
  }

  private list<T>(value: unknown, path: Path, item: (v: unknown, p: Path) => T | undefined): T[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.fail(path, `expected a list, got ${describe(value)}`);
      return [];
    }
    return value.flatMap((v, i) => {
      const parsed = item(v, [...path, i]);
      return parsed === undefined ? [] : [parsed];
    });
  }

  private object(value: unknown, path: Path, allowed?: readonly string[]): Fields | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, `expected a mapping, got ${describe(value)}`);
      return undefined;
    }
    if (allowed) {
      for (const key of Object.keys(value)) {
        if (!allowed.includes(key)) {
          const near = allowed.find(
            (a) => a.toLowerCase() === key.toLowerCase() || a.startsWith(key) || key.startsWith(a),
          );
          this.fail(
            [...path, key],
            `unknown field${near ? ` (did you mean "${near}"?)` : ''}; expected one of ${allowed.join(', ')}`,
          );
        }
      }
    }
    return value as Fields;
  }

  fail(path: Path, message: string): void {
    this.problems.push({ line: this.lineOf(path), field: pathText(path) || '(top level)', message });
  }

  /** Line of the field, or of the nearest enclosing node when the field is missing. */
  private lineOf(path: Path): number | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return this.lines.linePos(node.range[0]).line;
    }
    return undefined;
  }
}

function pathText(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'a list' : 'a mapping';
}
