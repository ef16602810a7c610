// One change as the fits learn from it: its features as of its start and its failure as known.
// Its own module because both the fit (risk-model) and the level trust it learns read it.
export interface TrainingExample {
  readonly changeId: string;
  readonly service: string;
  readonly values: readonly number[];
  readonly startedAt: number;
  /** When its failure came on record (possibly after the fit), null when none has. */
  readonly failedAt: number | null;
}
