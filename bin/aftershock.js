#!/usr/bin/env node
// The `aftershock` command line. Runs the compiled CLI from dist/ (built by `npm install`).
// Under a node older than 24 it runs itself again with the project-local Node 24 that
// `bash scripts/setup.sh` (and so `bash scripts/start.sh`) installs into .toolchain/.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  const local = fileURLToPath(
    new URL(`../.toolchain/node_modules/node-${process.platform}-${process.arch}/bin/node`, import.meta.url),
  );
  if (!existsSync(local)) {
    process.stderr.write(
      `aftershock needs Node.js 24; this is ${process.version}. Install Node 24, or run ` +
        '`bash scripts/setup.sh` in the project once: it puts Node 24 into .toolchain/, which this command then uses.\n',
    );
    process.exit(1);
  }
  const child = spawn(local, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // A terminal's Ctrl-C reaches the child too; a supervisor's SIGTERM is passed on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    process.exit(code ?? 1);
  });
} else {
  const cli = new URL('../dist/apps/cli/src/main.js', import.meta.url);
  let main;
  try {
    ({ main } = await import(cli.href));
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/apps/cli')) {
      process.stderr.write('aftershock is not built yet: run `npm run build` in the project first.\n');
      process.exit(1);
    }
    throw error;
  }
  const code = await main(process.argv.slice(2));
  if (code !== undefined) process.exitCode = code;
}
