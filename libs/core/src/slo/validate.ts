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
