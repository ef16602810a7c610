/** Parsed command line: positional arguments and `--name value` / `--flag` options. */
export interface Args {
  readonly positional: readonly string[];
  readonly options: Readonly<Record<string, string | undefined>>;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Resolves to an exit code, or undefined to keep the process running (servers). */
  run(args: Args): Promise<number | undefined>;
}

export function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const next = argv[i + 1];
    if (inline !== undefined) options[name] = inline;
    else if (next !== undefined && !next.startsWith('--')) options[name] = argv[++i]!;
    else options[name] = 'true';
  }
  return { positional, options };
}
