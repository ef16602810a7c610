import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from '../command.js';
import { APP_NAMES, runCommand } from './run.js';

describe('aftershock run', () => {
  it('names every app of the service mode', () => {
    assert.deepEqual(APP_NAMES, ['ingest', 'correlator', 'recorder', 'problems', 'api']);
  });

  for (const argv of [[], ['ingester'], ['ingest', 'api']]) {
    it(`refuses ${JSON.stringify(argv)} with exit code 2, listing the apps`, async () => {
      const written: string[] = [];
      const write = process.stderr.write;
      process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write;
      try {
        assert.equal(await runCommand.run(parseArgs(argv)), 2);
      } finally {
        process.stderr.write = write;
      }
      assert.match(written.join(''), /one of: ingest, correlator, recorder, problems, api/);
    });
  }
});
