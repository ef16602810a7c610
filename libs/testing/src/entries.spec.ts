// A unit spec of the pure core loads no infrastructure: #core, #testing (builders, fuzzing) and
// #core/testing (scenario replays, the correlator driver, simulated histories) reach no storage
// driver, embedded ClickHouse, broker client or container library. A fresh process records every
// module it resolves (require and import alike); the same probe on #testing/infra sees chDB's
// driver, so the check can fail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { projectRoot } from '#config';

const INFRASTRUCTURE = /chdb|@clickhouse|kafkajs|testcontainers|\/dist\/libs\/(storage|messaging|platform)\//;

/** Every module URL resolved while a fresh Node process imports `entries`. */
function modulesLoadedBy(entries: string[]): string[] {
  const probe = `
    import { registerHooks } from 'node:module';
    const seen = [];
    registerHooks({
      resolve(specifier, context, next) {
        const resolved = next(specifier, context);
        seen.push(resolved.url);
        return resolved;
      },
    });
    for (const entry of ${JSON.stringify(entries)}) await import(entry);
    process.stdout.write(JSON.stringify([...new Set(seen)]));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
    cwd: projectRoot(),
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as string[];
}

describe('the pure test entries', () => {
  it('#core, #testing and #core/testing load no storage, broker or container module', () => {
    const loaded = modulesLoadedBy(['#core', '#testing', '#core/testing']);
    for (const entry of [
      'libs/core/src/index.js',
      'libs/testing/src/index.js',
      'libs/core/src/testing/index.js',
    ])
      assert.ok(
        loaded.some((url) => url.endsWith(`/dist/${entry}`)),
        `the probe saw ${entry} load`,
      );
    assert.deepEqual(
      loaded.filter((url) => INFRASTRUCTURE.test(url)),
      [],
    );
  });

  it('#testing/infra, by contrast, loads the chDB driver (the probe sees it)', () => {
    const loaded = modulesLoadedBy(['#testing/infra']);
    assert.ok(
      loaded.some((url) => /\/dist\/libs\/storage\/src\/chdb\//.test(url)),
      'the chDB driver module is among those loaded',
    );
  });
});
