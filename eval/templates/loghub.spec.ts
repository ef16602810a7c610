import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadLoghub } from './loghub.js';

const root = mkdtempSync(join(tmpdir(), 'loghub-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A system's structured file (two lines, one event) under `folder`. */
function writeSystem(folder: string, system: string, file: string): void {
  mkdirSync(join(folder, system), { recursive: true });
  writeFileSync(
    join(folder, system, file),
    'LineId,Content,EventId,EventTemplate\n' +
      '1,"Connection from 10.0.0.1 closed",E1,Connection from <*> closed\n' +
      '2,"Connection from 10.0.0.2 closed",E1,Connection from <*> closed\n',
  );
}

describe('loghub-2k data', () => {
  it('reads a system from the datasets folder or from the loghub-2k folder itself', () => {
    writeSystem(join(root, 'loghub-2k'), 'Sshd', 'Sshd_2k.log_structured.csv');
    for (const dir of [root, join(root, 'loghub-2k')]) {
      const data = loadLoghub('Sshd', dir);
      assert.deepEqual(data.eventIds, ['E1', 'E1']);
      assert.equal(data.content[1], 'Connection from 10.0.0.2 closed');
    }
  });

  it('prefers the corrected ground truth and names the file it looked for when there is none', () => {
    const folder = join(root, 'two');
    writeSystem(folder, 'Web', 'Web_2k.log_structured.csv');
    writeFileSync(
      join(folder, 'Web', 'Web_2k.log_structured_corrected.csv'),
      'LineId,Content,EventId,EventTemplate\n1,"GET / 200",E9,GET <*> <*>\n',
    );
    assert.deepEqual(loadLoghub('Web', folder).eventIds, ['E9']);
    assert.throws(() => loadLoghub('Mail', folder), /Mail_2k\.log_structured_corrected\.csv.*--data/);
  });
});
