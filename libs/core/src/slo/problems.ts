// What is wrong with a file, at one of two levels reported apart: `openslo` — the text is not
// valid OpenSLO v1; `aftershock` — valid OpenSLO that Aftershock cannot compute.
export type ProblemLevel = 'openslo' | 'aftershock';

/** Path of a field inside one object, e.g. `['spec', 'objectives', 0, 'target']`. */
export type FieldPath = readonly (string | number)[];

export interface SloProblem {
  readonly level: ProblemLevel;
  readonly file: string;
  /** `SLO checkout-latency`, or `document 2` when the object has no usable name. */
  readonly object: string;
  /** The field at fault, e.g. `spec.objectives[0].target`. */
  readonly field: string;
  readonly line?: number;
  readonly message: string;
}

export function formatPath(path: FieldPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out || '(object)';
}

export function formatProblem(p: SloProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.object}: ${p.field}: ${p.message}`;
}
