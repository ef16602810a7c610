// The `aftershock` command. Each subcommand lives in ./commands; later issues add more.
import { packageVersion } from '#config';
import { parseArgs, type Command } from './command.js';
import { assessCommand } from './commands/assess.js';
import { migrateCommand } from './commands/migrate.js';
import { replayCommand } from './commands/replay.js';
import { runCommand } from './commands/run.js';
import { startCommand } from './commands/start.js';
import { templatesCommand } from './commands/templates.js';

const commands: readonly Command[] = [
  startCommand,
  runCommand,
  migrateCommand,
  replayCommand,
  templatesCommand,
  assessCommand,
];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `aftershock ${packageVersion()} — incident and problem correlation engine`,
    '',
    'usage: aftershock <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'aftershock <command> --help shows a command’s usage.',
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number | undefined> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(help() + '\n');
    return 0;
  }
  if (name === '--version' || name === 'version') {
    process.stdout.write(packageVersion() + '\n');
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`aftershock: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  const args = parseArgs(rest);
  if (args.options.help) {
    process.stdout.write(`usage: ${command.usage}\n${command.summary}\n`);
    return 0;
  }
  return command.run(args);
}
