// The `aftershock` command. Each subcommand lives in ./commands; later issues add more.
import { packageVersion } from '#config';
import { parseCommandLine, UsageError, type Command } from './command.js';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command has its own option types
type AnyCommand = Command<any>;

// Loaded on use: `start` and `migrate` pull in the embedded ClickHouse engine and NestJS, which
// `templates` or `assess` in a pipeline should not pay for at every start.
const commands: readonly { readonly name: string; load(): Promise<AnyCommand> }[] = [
  { name: 'start', load: async () => (await import('./commands/start.js')).startCommand },
  { name: 'run', load: async () => (await import('./commands/run.js')).runCommand },
  { name: 'migrate', load: async () => (await import('./commands/migrate.js')).migrateCommand },
  { name: 'replay', load: async () => (await import('./commands/replay.js')).replayCommand },
  { name: 'templates', load: async () => (await import('./commands/templates.js')).templatesCommand },
  { name: 'assess', load: async () => (await import('./commands/assess.js')).assessCommand },
  { name: 'slo', load: async () => (await import('./commands/slo.js')).sloCommand },
  { name: 'report', load: async () => (await import('./commands/report.js')).reportCommand },
];

async function help(): Promise<string> {
  const loaded = await Promise.all(commands.map((c) => c.load()));
  const width = Math.max(...loaded.map((c) => c.name.length));
  return [
    `aftershock ${packageVersion()} — incident and problem correlation engine`,
    '',
    'usage: aftershock <command> [options]',
    '',
    ...loaded.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'aftershock <command> --help shows a command’s usage.',
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number | undefined> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write((await help()) + '\n');
    return 0;
  }
  if (name === '--version' || name === 'version') {
    process.stdout.write(packageVersion() + '\n');
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`aftershock: unknown command "${name}"\n\n${await help()}\n`);
    return 2;
  }
  const command = await entry.load();
  let args;
  try {
    args = parseCommandLine(command, rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(
      `aftershock ${command.name}: ${error.message} (usage: aftershock ${command.name} --help)\n`,
    );
    return command.usageExit ?? 2;
  }
  if (args.help) {
    process.stdout.write(`usage: ${command.usage}\n${command.summary}\n`);
    return 0;
  }
  return command.run(args);
}
