// Command-line options for the evaluations: every option is declared, an unknown one is refused
// (a typo must not silently run the default), and values are checked where they are read.
export type OptionKind = 'flag' | 'string' | 'number' | 'list';

export interface OptionSpec {
  readonly kind: OptionKind;
  /** One line for the usage text. */
  readonly help: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface ParsedOptions {
  flag(name: string): boolean;
  string(name: string): string | undefined;
  number(name: string): number | undefined;
  list(name: string): string[];
}

export class UsageError extends Error {}

/** Parses `--name value`, `--name=value` and `--flag`; refuses unknown options and stray words. */
export function parseOptions(argv: readonly string[], specs: OptionSpecs): ParsedOptions {
  const values = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`unexpected argument "${arg}"`);
    const name = m[1]!;
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown option --${name}`);
    let value = m[2];
    if (spec.kind === 'flag') {
      if (value !== undefined) throw new UsageError(`--${name} takes no value`);
      value = 'true';
    } else if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    }
    if (spec.kind === 'number' && !Number.isFinite(Number(value)))
      throw new UsageError(`--${name} needs a number, got "${value}"`);
    const list = values.get(name) ?? [];
    if (list.length > 0 && spec.kind !== 'list') throw new UsageError(`--${name} given twice`);
    list.push(value);
    values.set(name, list);
  }
  return {
    flag: (name) => values.has(name),
    string: (name) => values.get(name)?.[0],
    number: (name) => (values.has(name) ? Number(values.get(name)![0]) : undefined),
    list: (name) => values.get(name) ?? [],
  };
}

export function usage(command: string, specs: OptionSpecs): string {
  const lines = Object.entries(specs).map(([name, spec]) => {
    const arg = spec.kind === 'flag' ? '' : spec.kind === 'number' ? ' N' : ' VALUE';
    return `  --${name}${arg}`.padEnd(28) + spec.help;
  });
  return `usage: ${command} [options]\n${lines.join('\n')}`;
}

/** Runs main with parsed options; a usage error prints the usage and exits with code 2. */
export function runCli(
  command: string,
  specs: OptionSpecs,
  main: (options: ParsedOptions) => void | Promise<void>,
): void {
  let options: ParsedOptions;
  try {
    options = parseOptions(process.argv.slice(2), specs);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${command}: ${e.message}\n${usage(command, specs)}\n`);
    process.exit(2);
  }
  if (options.flag('help')) {
    process.stdout.write(usage(command, specs) + '\n');
    return;
  }
  // Through a promise from the start, so a usage error thrown synchronously by main is caught too.
  Promise.resolve()
    .then(() => main(options))
    .catch((e: unknown) => {
      if (e instanceof UsageError) {
        process.stderr.write(`${command}: ${e.message}\n`);
        process.exit(2);
      }
      throw e;
    });
}
