#!/usr/bin/env node
// The `aftershock` command line. Runs the compiled CLI from dist/ (built by `npm install`).
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `aftershock needs Node.js 24 or newer; this is ${process.version}. ` +
      'Install Node 24 LTS, or use the project-local one that .ci/run provisions.\n',
  );
  process.exit(1);
}
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
