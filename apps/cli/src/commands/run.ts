// `aftershock run <app>`: one app in service mode, so a single image (or one npm install) runs
// every app, chosen by command. The app's module is loaded only when asked for.
import type { AppSpec } from '#platform';
import { runApp } from '#platform';
import { defineCommand } from '../command.js';

const APPS: Readonly<Record<string, () => Promise<AppSpec>>> = {
  ingest: async () => (await import('../../../ingest/src/ingest.app.js')).ingestApp,
  correlator: async () => (await import('../../../correlator/src/correlator.app.js')).correlatorApp,
  recorder: async () => (await import('../../../recorder/src/recorder.app.js')).recorderApp,
  problems: async () => (await import('../../../problems/src/problems.app.js')).problemsApp,
  api: async () => (await import('../../../api/src/api.app.js')).apiApp,
};

export const APP_NAMES = Object.keys(APPS);

export const runCommand = defineCommand({
  name: 'run',
  summary: `run one app in service mode against Kafka and ClickHouse (${APP_NAMES.join(', ')})`,
  usage: `aftershock run <${APP_NAMES.join('|')}>   (settings from the environment; see the README)`,
  options: {},
  maxPositionals: 1,
  async run(args) {
    const [name] = args.positional;
    const load = name === undefined ? undefined : APPS[name];
    if (!load) {
      process.stderr.write(
        `aftershock run: ${name === undefined ? 'name an app' : `unknown app "${name}"`}; ` +
          `one of: ${APP_NAMES.join(', ')}\n`,
      );
      return 2;
    }
    const running = await runApp(await load());
    if (!running) return process.exitCode === undefined ? 1 : Number(process.exitCode);
    return undefined; // keep serving until a signal
  },
});
