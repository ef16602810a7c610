import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineCommand, parseCommandLine, UsageError } from './command.js';
import { refusal } from '#testing';

const replay = defineCommand({
  name: 'replay',
  summary: '',
  usage: '',
  options: { catalog: { type: 'string' }, strict: { type: 'boolean' } },
  maxPositionals: 1,
  run: () => Promise.resolve(0),
});

const assess = defineCommand({
  name: 'assess',
  summary: '',
  usage: '',
  options: { policy: { type: 'string' }, json: { type: 'boolean' }, now: { type: 'string' } },
  maxPositionals: 1,
  run: () => Promise.resolve(0),
});

const refused = (run: () => unknown): string => refusal(UsageError, run).message;

describe('parseCommandLine', () => {
  it('a flag never swallows the argument after it: `--strict f` and `--json change.json`', () => {
    assert.deepEqual(parseCommandLine(replay, ['--strict', 'f']), {
      positional: ['f'],
      options: { strict: true },
      help: false,
    });
    assert.deepEqual(parseCommandLine(assess, ['--json', 'change.json', '--policy=p.yaml']), {
      positional: ['change.json'],
      options: { json: true, policy: 'p.yaml' },
      help: false,
    });
  });

  it('refuses an unknown option, naming it, instead of ignoring it', () => {
    assert.equal(
      refused(() => parseCommandLine(assess, ['--polcy', 'bad.yaml', 'change.json'])),
      'unknown option --polcy',
    );
    assert.equal(
      refused(() => parseCommandLine(replay, ['-x', 'f'])),
      'unknown option -x',
    );
  });

  it('refuses an option without its value, a value on a flag, and arguments beyond those taken', () => {
    assert.equal(
      refused(() => parseCommandLine(assess, ['c.json', '--now'])),
      'option --now needs a value',
    );
    assert.equal(
      refused(() => parseCommandLine(replay, ['--strict=yes', 'f'])),
      'option --strict takes no value',
    );
    assert.equal(
      refused(() => parseCommandLine(replay, ['a.ndjson', 'b.ndjson'])),
      'unexpected argument "b.ndjson" (takes at most 1)',
    );
  });

  it('--help and -h ask for the usage', () => {
    assert.equal(parseCommandLine(replay, ['--help']).help, true);
    assert.equal(parseCommandLine(replay, ['-h', 'a', 'b']).help, true);
  });
});
