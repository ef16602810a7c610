// Writes a generated section into a report (eval/nab/REPORT.md unless another path from the
// project root is given); the marker handling is eval/common/report.ts's.
import { projectPath } from '#config';
import { writeSection as writeSectionOf } from '../common/report.js';

export function writeSection(marker: string, body: string, report = 'eval/nab/REPORT.md'): void {
  writeSectionOf(projectPath(...report.split('/')), marker, body);
}
