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

/** One SLO written on its own (through the api): the SLO in force, or what is wrong, field named. */
export type SloDocumentVerdict =
  | { readonly slo: SloDefinition; readonly problem?: undefined }
  | { readonly slo?: undefined; readonly problem: SloProblem };

/**
 * Checks the documents written for the SLO `name` as the server would load them: valid OpenSLO
 * v1 and computable, self-contained (the SLI, AlertPolicy and Service it references are among
 * them), and defining exactly that one SLO — a name is one record, so one write never replaces
 * two SLOs.
 */
export function validateSloDocument(name: string, text: string, file: string): SloDocumentVerdict {
  const { files, slos } = validateOpenSlo([{ file, text }]);
  const verdict = files[0]!;
  const first = verdict.problems.find((p) => p.level === 'openslo') ?? verdict.problems[0];
  if (first) return { problem: first };
  const problem = (field: string, message: string): SloDocumentVerdict => ({
    problem: { level: 'openslo', file, object: `SLO ${name}`, field, message },
  });
  if (slos.length === 0) return problem('kind', 'the documents hold no SLO');
  const others = slos.filter((s) => s.name !== name).map((s) => s.name);
  if (others.length > 0)
    return problem(
      'metadata.name',
      `written as "${name}", but the documents define ${others.map((o) => `"${o}"`).join(', ')}: one SLO per name`,
    );
  return { slo: slos[0]! };
}
