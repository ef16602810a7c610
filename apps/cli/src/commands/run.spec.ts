import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine, UsageError } from '../command.js';
import { APP_NAMES, runCommand } from './run.js';

describe('aftershock run', () => {
  it('names every app of the service mode', () => {
    assert.deepEqual(APP_NAMES, ['ingest', 'correlator', 'recorder', 'problems', 'api']);
  });

  for (const argv of [[], ['ingester']]) {
    it(`refuses ${JSON.stringify(argv)} with exit code 2, listing the apps`, async () => {
      const written: string[] = [];
      const write = process.stderr.write;
      process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write;
      try {
        assert.equal(await runCommand.run(parseCommandLine(runCommand, argv)), 2);
      } finally {
        process.stderr.write = write;
      }
      assert.match(written.join(''), /one of: ingest, correlator, recorder, problems, api/);
    });
  }

  it('refuses a second app as a usage error naming it', () => {
    assert.throws(() => parseCommandLine(runCommand, ['ingest', 'api']), {
      name: 'UsageError',
      message: 'unexpected argument "api" (takes at most 1)',
    });
    assert.throws(() => parseCommandLine(runCommand, ['ingest', '--cluster', 'x']), UsageError);
  });
});
