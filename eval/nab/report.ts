// Writes a generated section into a report (eval/nab/REPORT.md unless another path from the
// project root is given), between `<!-- name:start -->` and `<!-- name:end -->`, so the report
// always carries the figures of the last run.
import { readFileSync, writeFileSync } from 'node:fs';
import { projectPath } from '#config';

export function writeSection(marker: string, body: string, report = 'eval/nab/REPORT.md'): void {
  const file = projectPath(...report.split('/'));
  const text = readFileSync(file, 'utf8');
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`markers ${start} … ${end} not found in ${file}`);
  writeFileSync(file, `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`);
}
