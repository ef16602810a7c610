import { runApp } from '#platform';
import { allInOneApp } from '../../../all-in-one/src/all-in-one.app.js';
import type { Command } from '../command.js';

export const startCommand: Command = {
  name: 'start',
  summary: 'run every app in one process on the embedded defaults (in-memory bus, chDB)',
  usage: 'aftershock start [--port N] [--data-dir DIR]',
  async run(args) {
    if (args.options.port) process.env.HTTP_PORT = args.options.port;
    if (args.options['data-dir']) process.env.AFTERSHOCK_DATA_DIR = args.options['data-dir'];
    const running = await runApp(allInOneApp);
    if (!running) return process.exitCode === undefined ? 1 : Number(process.exitCode);
    const ready = await fetch(`${running.url}/health/ready`).then((r) => r.json() as Promise<unknown>);
    process.stderr.write(
      `\nAftershock all-in-one is running.\n` +
        `  health:    ${running.url}/health/live\n` +
        `  readiness: ${running.url}/health/ready → ${JSON.stringify(ready)}\n` +
        `Stop with Ctrl-C (orderly shutdown: stop intake → drain → flush → commit → disconnect).\n\n`,
    );
    return undefined; // keep running until a signal
  },
};
