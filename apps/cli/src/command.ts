// A subcommand declares its options once; the command line is parsed by Node's own
// util.parseArgs in strict mode, so an unknown or misspelt option is refused with one line
// naming it — a risk gate must never fall back to a default because `--polcy` was mistyped.
import { parseArgs } from 'node:util';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Parsed command line: positional arguments and the declared options (typed by their spec). */
export interface Args<O extends OptionSpecs = OptionSpecs> {
  readonly positional: readonly string[];
  readonly options: { readonly [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean };
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: O;
  /** How many positional arguments the command takes (at most). */
  readonly maxPositionals: number;
  /** Exit code for a command line it cannot take (default 2; `assess` answers 3, its bad-input code). */
  readonly usageExit?: number;
  /** Resolves to an exit code, or undefined to keep the process running (servers). */
  run(args: Args<O>): Promise<number | undefined>;
}

/** Keeps the option types of a command literal (so `run` sees `--port` as a string). */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> {
  return command;
}

/** A command line the command cannot take; the message is one line naming what is wrong. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const HELP: OptionSpec = { type: 'boolean', short: 'h' };

/** Parses `argv` against the command's options; throws UsageError on anything it does not declare. */
export function parseCommandLine<O extends OptionSpecs>(
  command: Command<O>,
  argv: readonly string[],
): Args<O> & { readonly help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...command.options, help: HELP },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(usageProblem(error as Error & { code?: string }));
  }
  const { help, ...options } = parsed.values as Record<string, string | boolean | undefined>;
  if (!help && parsed.positionals.length > command.maxPositionals) {
    const extra = parsed.positionals[command.maxPositionals]!;
    throw new UsageError(
      command.maxPositionals === 0
        ? `takes no arguments (got "${extra}")`
        : `unexpected argument "${extra}" (takes at most ${command.maxPositionals})`,
    );
  }
  return { positional: parsed.positionals, options: options as Args<O>['options'], help: help === true };
}

/** Node's messages are long and suggest `--`; ours name the option and stop. */
function usageProblem(error: Error & { code?: string }): string {
  const option = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? error.message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(error.message)
        ? `option ${option} needs a value`
        : `option ${option} takes no value`;
    default:
      return error.message.split('\n')[0]!;
  }
}
