// A small typed settings reader. Each setting knows its environment variable, how to parse it
// and its default; loading collects *every* problem so a user fixes them in one go, and each
// message names the variable at fault.

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly { setting: string; problem: string }[]) {
    super('invalid configuration:\n' + problems.map((p) => `  - ${p.setting}: ${p.problem}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * Reads several groups of settings and reports every problem of all of them at once: `attempt`
 * runs one read (undefined when it found problems), `check` throws one ConfigError for all.
 */
export function collectProblems() {
  const problems: ConfigError['problems'][number][] = [];
  return {
    attempt<T>(read: () => T): T | undefined {
      try {
        return read();
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(...error.problems);
        return undefined;
      }
    },
    check(): void {
      if (problems.length > 0) throw new ConfigError(problems);
    },
  };
}

export interface Setting<T> {
  readonly env: string;
  readonly description: string;
  read(env: Env): T;
}

class Problem extends Error {}

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function make<T>(
  env: string,
  description: string,
  parse: (value: string) => T,
  fallback: (() => T) | undefined,
): Setting<T> {
  return {
    env,
    description,
    read(source) {
      const value = raw(source, env);
      if (value === undefined) {
        if (fallback) return fallback();
        throw new Problem(`is required (${description})`);
      }
      return parse(value);
    },
  };
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `250ms`, `30s`, `15m`, `2h`, `7d` (or a bare number of milliseconds). */
export function parseDuration(value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const match = DURATION.exec(value);
  if (!match) throw new Problem(`"${value}" is not a duration (use e.g. 500ms, 30s, 15m, 2h, 7d)`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
}

interface Options<T> {
  default?: T;
  description?: string;
}

function fallbackOf<T>(options: Options<T> | undefined): (() => T) | undefined {
  return options && 'default' in options ? () => options.default as T : undefined;
}

export const setting = {
  string(env: string, options?: Options<string>): Setting<string> {
    return make(env, options?.description ?? 'text', (v) => v, fallbackOf(options));
  },
  optionalString(env: string, description = 'text'): Setting<string | undefined> {
    return make<string | undefined>(
      env,
      description,
      (v) => v,
      () => undefined,
    );
  },
  int(env: string, options?: Options<number> & { min?: number; max?: number }): Setting<number> {
    const min = options?.min ?? Number.MIN_SAFE_INTEGER;
    const max = options?.max ?? Number.MAX_SAFE_INTEGER;
    return make(
      env,
      options?.description ?? `an integer from ${min} to ${max}`,
      (v) => {
        if (!/^-?\d+$/.test(v)) throw new Problem(`"${v}" is not an integer`);
        const n = Number(v);
        if (n < min || n > max) throw new Problem(`${n} is outside ${min}..${max}`);
        return n;
      },
      fallbackOf(options),
    );
  },
  bool(env: string, options?: Options<boolean>): Setting<boolean> {
    return make(
      env,
      options?.description ?? 'true or false',
      (v) => {
        const lower = v.toLowerCase();
        if (['true', '1', 'yes', 'on'].includes(lower)) return true;
        if (['false', '0', 'no', 'off'].includes(lower)) return false;
        throw new Problem(`"${v}" is not a boolean (use true or false)`);
      },
      fallbackOf(options),
    );
  },
  duration(env: string, options?: Options<number>): Setting<number> {
    return make(env, options?.description ?? 'a duration such as 30s', parseDuration, fallbackOf(options));
  },
  oneOf<const T extends string>(env: string, values: readonly T[], options?: Options<T>): Setting<T> {
    return make(
      env,
      options?.description ?? `one of ${values.join(', ')}`,
      (v) => {
        if (!(values as readonly string[]).includes(v)) {
          throw new Problem(`"${v}" is not one of ${values.join(', ')}`);
        }
        return v as T;
      },
      fallbackOf(options),
    );
  },
  /** Comma-separated list; `host:port` entries are checked when `hostPorts` is set. */
  list(env: string, options?: Options<string[]> & { hostPorts?: boolean }): Setting<string[]> {
    return make(
      env,
      options?.description ?? 'a comma-separated list',
      (v) => {
        const items = v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (items.length === 0) throw new Problem('is empty');
        if (options?.hostPorts) {
          const bad = items.find((item) => !/^[^\s:]+:\d{1,5}$/.test(item));
          if (bad) throw new Problem(`"${bad}" is not host:port`);
        }
        return items;
      },
      fallbackOf(options),
    );
  },
  url(env: string, options?: Options<string | undefined>): Setting<string | undefined> {
    return make<string | undefined>(
      env,
      options?.description ?? 'a URL',
      (v) => {
        try {
          return new URL(v).toString();
        } catch {
          throw new Problem(`"${v}" is not a URL`);
        }
      },
      () => options?.default,
    );
  },
};

export type SettingsShape = Record<string, Setting<unknown>>;
export type Loaded<S extends SettingsShape> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

/** Reads every setting; throws one ConfigError naming each variable at fault. */
export function loadSettings<S extends SettingsShape>(shape: S, env: Env = process.env): Loaded<S> {
  const out: Record<string, unknown> = {};
  const problems: { setting: string; problem: string }[] = [];
  for (const [key, s] of Object.entries(shape)) {
    try {
      out[key] = s.read(env);
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      problems.push({ setting: s.env, problem: error.message });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Loaded<S>;
}

/** Raises a problem from a cross-field check, named after the variable at fault. */
export function requireSetting(condition: boolean, env: string, problem: string): void {
  if (!condition) throw new ConfigError([{ setting: env, problem }]);
}
