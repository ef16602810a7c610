// Change ⇄ `changes` row. The optional pipeline evidence is flattened into columns, with
// `has_pipeline` telling "no evidence" from "evidence with every field unknown"; the change
// content is a map of the features known (flags as 0/1), with `has_content` likewise.
import {
  CHANGE_CONTENT_FIELDS,
  emptyContent,
  type Change,
  type ChangeContent,
  type ChangeKind,
  type ChangeScope,
  type RolloutStrategy,
} from '#contracts';
import { dbBool, dbBoolOrNull, dbTime, dbTimeOrNull } from './db-values.js';
import type { RecordSource } from './record-source.js';

interface ChangeColumns<Time, Bool> {
  readonly id: string;
  readonly source: string;
  readonly kind: string;
  readonly service: string;
  readonly environment: string;
  readonly version: string | null;
  readonly previous_version: string | null;
  readonly started_at: Time;
  readonly finished_at: Time | null;
  readonly scope: string;
  readonly scope_name: string | null;
  readonly automated: Bool;
  readonly initiator: string | null;
  readonly has_pipeline: Bool;
  readonly pipeline_name: string | null;
  readonly pipeline_run_id: string | null;
  readonly pipeline_url: string | null;
  readonly tests_passed: Bool | null;
  readonly tests_run: number | null;
  readonly tests_failed: number | null;
  readonly rollout: string;
  readonly size_lines: number | null;
  readonly component: string | null;
  readonly config_keys: readonly string[];
  readonly rollback_of: string | null;
  readonly links: readonly { readonly name: string; readonly url: string }[];
  readonly labels: Readonly<Record<string, string>>;
  readonly commit_at: Time | null;
  readonly team: string | null;
  readonly has_content: Bool;
  readonly content: Readonly<Record<string, number>>;
  readonly recorded_at: Time;
}

export type ChangeRow = ChangeColumns<number, boolean>;
export type StoredChangeRow = ChangeColumns<string, boolean | number>;

export function toChangeRow(change: Change, source: RecordSource): ChangeRow {
  const pipeline = change.pipeline;
  return {
    id: change.id,
    source: change.source,
    kind: change.kind,
    service: change.service,
    environment: change.environment,
    version: change.version,
    previous_version: change.previousVersion,
    started_at: change.startedAt,
    finished_at: change.finishedAt,
    scope: change.scope,
    scope_name: change.scopeName,
    automated: change.automated,
    initiator: change.initiator,
    has_pipeline: pipeline !== null,
    pipeline_name: pipeline?.name ?? null,
    pipeline_run_id: pipeline?.runId ?? null,
    pipeline_url: pipeline?.url ?? null,
    tests_passed: pipeline?.testsPassed ?? null,
    tests_run: pipeline?.testsRun ?? null,
    tests_failed: pipeline?.testsFailed ?? null,
    rollout: change.rollout,
    size_lines: change.sizeLines,
    component: change.component,
    config_keys: change.configKeys,
    rollback_of: change.rollbackOf,
    links: change.links,
    labels: change.labels,
    commit_at: change.commitAt,
    team: change.team,
    has_content: change.content !== null,
    content: contentMap(change.content),
    recorded_at: source.timestamp,
  };
}

export function fromChangeRow(row: StoredChangeRow): Change {
  return {
    id: row.id,
    source: row.source,
    kind: row.kind as ChangeKind,
    service: row.service,
    environment: row.environment,
    version: row.version,
    previousVersion: row.previous_version,
    startedAt: dbTime(row.started_at),
    finishedAt: dbTimeOrNull(row.finished_at),
    scope: row.scope as ChangeScope,
    scopeName: row.scope_name,
    automated: dbBool(row.automated),
    initiator: row.initiator,
    pipeline: dbBool(row.has_pipeline)
      ? {
          name: row.pipeline_name,
          runId: row.pipeline_run_id,
          url: row.pipeline_url,
          testsPassed: dbBoolOrNull(row.tests_passed),
          testsRun: row.tests_run,
          testsFailed: row.tests_failed,
        }
      : null,
    rollout: row.rollout as RolloutStrategy,
    sizeLines: row.size_lines,
    component: row.component,
    configKeys: [...row.config_keys],
    rollbackOf: row.rollback_of,
    links: row.links.map((link) => ({ name: link.name, url: link.url })),
    labels: { ...row.labels },
    commitAt: dbTimeOrNull(row.commit_at),
    team: row.team,
    content: dbBool(row.has_content) ? contentOf(row.content) : null,
  };
}

function contentMap(content: ChangeContent | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { name } of CHANGE_CONTENT_FIELDS) {
    const value = content?.[name] ?? null;
    if (value !== null) out[name] = typeof value === 'boolean' ? Number(value) : value;
  }
  return out;
}

function contentOf(map: Readonly<Record<string, number>>): ChangeContent {
  const content = emptyContent();
  for (const { name, type } of CHANGE_CONTENT_FIELDS) {
    const value = map[name];
    if (value === undefined) continue;
    (content as Record<string, number | boolean | null>)[name] = type === 'flag' ? value !== 0 : value;
  }
  return content;
}
