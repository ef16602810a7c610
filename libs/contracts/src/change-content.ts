// The change-content features of the change schema v3 (`Change.content`) in one table, for every
// place that names them: the canonical field, the names of the same feature in just-in-time
// defect data sets (Kamei et al.'s abbreviations as JiTReliability, ApacheJIT and Commit Guru
// export them), and the CloudEvents extension attribute a producer may set instead (lower-case
// letters and digits, at most 20 characters, as the CloudEvents spec asks of extension names).
import type { ChangeContent } from './generated/events.js';

export type ContentFieldName = keyof ChangeContent;

export interface ContentField {
  readonly name: ContentFieldName;
  /** count: a whole number ≥ 0; measure: a number ≥ 0; flag: true or false. */
  readonly type: 'count' | 'measure' | 'flag';
  /** Column names of the same feature in just-in-time defect data sets. */
  readonly datasetNames: readonly string[];
  /** The CloudEvents extension attribute. */
  readonly extension: string;
}

export const CHANGE_CONTENT_FIELDS: readonly ContentField[] = [
  { name: 'linesAdded', type: 'count', datasetNames: ['la'], extension: 'changela' },
  { name: 'linesDeleted', type: 'count', datasetNames: ['ld'], extension: 'changeld' },
  { name: 'linesBefore', type: 'count', datasetNames: ['lt'], extension: 'changelt' },
  { name: 'files', type: 'count', datasetNames: ['nf'], extension: 'changenf' },
  { name: 'directories', type: 'count', datasetNames: ['nd', 'nm'], extension: 'changend' },
  { name: 'subsystems', type: 'count', datasetNames: ['ns'], extension: 'changens' },
  { name: 'entropy', type: 'measure', datasetNames: ['entropy', 'ent'], extension: 'changeentropy' },
  { name: 'developers', type: 'count', datasetNames: ['ndev'], extension: 'changendev' },
  { name: 'filesAgeDays', type: 'measure', datasetNames: ['age', 'pd'], extension: 'changeage' },
  { name: 'priorChanges', type: 'count', datasetNames: ['nuc', 'npt'], extension: 'changenuc' },
  { name: 'authorExperience', type: 'measure', datasetNames: ['exp', 'aexp'], extension: 'changeexp' },
  {
    name: 'authorRecentExperience',
    type: 'measure',
    datasetNames: ['rexp', 'arexp'],
    extension: 'changerexp',
  },
  {
    name: 'authorSubsystemExperience',
    type: 'measure',
    datasetNames: ['sexp', 'asexp'],
    extension: 'changesexp',
  },
  { name: 'fix', type: 'flag', datasetNames: ['fix'], extension: 'changefix' },
  { name: 'revert', type: 'flag', datasetNames: ['revert'], extension: 'changerevert' },
  { name: 'commits', type: 'count', datasetNames: ['commits'], extension: 'changecommits' },
];

/** A content record with every feature unknown. */
export function emptyContent(): { -readonly [K in ContentFieldName]: ChangeContent[K] } {
  return Object.fromEntries(CHANGE_CONTENT_FIELDS.map((f) => [f.name, null])) as {
    -readonly [K in ContentFieldName]: ChangeContent[K];
  };
}

/** Content as the schema carries it: null when no feature is known. */
export function contentOrNull(content: ChangeContent | null): ChangeContent | null {
  return content !== null && CHANGE_CONTENT_FIELDS.some((f) => content[f.name] !== null) ? content : null;
}
