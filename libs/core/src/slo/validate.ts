// Checks a set of OpenSLO files the way the server loads them: each file parsed on its own,
// references resolved across the whole set. Per file, the two levels apart: valid OpenSLO v1,
// and computable by Aftershock (only asked of a valid file).
import type { SloDefinition } from './model.js';
import { parseOpenSlo } from './parse-openslo.js';
import type { SloProblem } from './problems.js';
import { resolveSlos } from './resolve.js';

export interface SourceFile {
  readonly file: string;
  readonly text: string;
}

export interface FileVerdict {
  readonly file: string;
  readonly objects: number;
  readonly valid: boolean;
  /** False when not valid: an invalid file is not asked whether it can be computed. */
  readonly computable: boolean;
  readonly problems: readonly SloProblem[];
}

export interface SetVerdict {
  readonly files: readonly FileVerdict[];
  readonly slos: readonly SloDefinition[];
}

export function validateOpenSlo(sources: readonly SourceFile[]): SetVerdict {
  const parsed = sources.map((s) => parseOpenSlo(s.text, s.file));
  const resolved = resolveSlos(parsed.flatMap((p) => p.objects));
  const files = parsed.map((p): FileVerdict => {
    const own = resolved.problems.filter((q) => q.file === p.file);
    const problems = [...p.problems, ...own];
    const valid = !problems.some((q) => q.level === 'openslo');
    return {
      file: p.file,
      objects: p.objects.length,
      valid,
      computable: valid && problems.length === 0 && p.objects.length > 0,
      problems,
    };
  });
  return { files, slos: resolved.slos.filter((s) => files.find((f) => f.file === s.file)?.valid) };
}

/** `FILE: valid OpenSLO v1; computable by Aftershock`, or the first fault of each level. */
export function fileVerdictLine(f: FileVerdict): string {
  const of = (level: SloProblem['level']) => f.problems.filter((p) => p.level === level);
  if (!f.valid) return `${f.file}: not valid OpenSLO v1: ${fault(of('openslo'))}; computability not checked`;
  if (f.objects === 0) return `${f.file}: valid OpenSLO v1 (no objects); nothing for Aftershock to compute`;
  if (!f.computable)
    return `${f.file}: valid OpenSLO v1; not computable by Aftershock: ${fault(of('aftershock'))}`;
  return `${f.file}: valid OpenSLO v1; computable by Aftershock (${f.objects} object${f.objects === 1 ? '' : 's'})`;
}

function fault(problems: readonly SloProblem[]): string {
  const p = problems[0]!;
  const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : '';
  return `${p.object}: ${p.field}${p.line ? ` (line ${p.line})` : ''}: ${p.message}${more}`;
}
