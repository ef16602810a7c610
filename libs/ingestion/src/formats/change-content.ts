// Change content (change schema v3: lines added and deleted, files, directories, subsystems,
// entropy, the touched files' history, the author's experience, fix, revert, commits) from what
// producers send, field names in libs/contracts/src/change-content.ts:
//   - an object of canonical names (`linesAdded`, `files`, …), the data sets' abbreviations (`la`,
//     `nf`, `ent`, `ndev`, `aexp`, …) accepted too: GitHub `deployment.payload.content`, CDEvents
//     `customData.content`, the `content` of a canonical change;
//   - CloudEvents extension attributes (`changela`, `changenf`, …), text as extensions are;
//   - GitHub compare data a pipeline attaches to the deployment (`deployment.payload.compare`,
//     the compare API's response or its `files`/`commits`): lines and files summed, directories
//     and subsystems (top-level directories) counted, the entropy of the changed lines over the
//     files, the commits counted, and fix / revert told from the commit messages.
// Counts must be whole numbers ≥ 0, measures numbers ≥ 0, flags true or false; anything else is
// refused naming the field. What no source says stays unknown; a change with nothing known has
// no content (null).
import {
  CHANGE_CONTENT_FIELDS,
  contentOrNull,
  emptyContent,
  type ChangeContent,
  type ContentField,
} from '#contracts';
import { at, describe, invalid, isObject, optionalArray, type JsonObject } from './fields.js';

const MAX_COUNT = 2 ** 31 - 1;

type Value = number | boolean;

function checked(field: ContentField, raw: unknown, path: string): Value | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (field.type === 'flag') {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === 1 || raw === '1') return true;
    if (raw === 'false' || raw === 0 || raw === '0') return false;
    invalid(path, `expected true or false, got ${describe(raw)}`);
  }
  const x = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof x !== 'number' || !Number.isFinite(x)) invalid(path, `${describe(raw)} is not a number`);
  if (x < 0) invalid(path, `${x} is below zero`);
  if (field.type === 'count' && (!Number.isInteger(x) || x > MAX_COUNT))
    invalid(path, `${x} is not a whole number of at most ${MAX_COUNT}`);
  return x;
}

/** Content from an object of canonical names (or the data sets' abbreviations). */
export function contentFromObject(value: unknown, path: string): ChangeContent | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value))
    invalid(path, `expected an object of change-content features, got ${describe(value)}`);
  const content = emptyContent();
  for (const field of CHANGE_CONTENT_FIELDS) {
    const key = [field.name, ...field.datasetNames].find((k) => value[k] !== undefined && value[k] !== null);
    if (key === undefined) continue;
    const v = checked(field, value[key], at(path, key));
    if (v !== undefined) (content as Record<string, Value | null>)[field.name] = v;
  }
  return contentOrNull(content);
}

/** Content from CloudEvents extension attributes; `where` names an attribute for refusals. */
export function contentFromExtensions(
  extensions: Readonly<Record<string, string>>,
  where: (name: string) => string,
): ChangeContent | null {
  const content = emptyContent();
  for (const field of CHANGE_CONTENT_FIELDS) {
    const v = checked(field, extensions[field.extension], where(field.extension));
    if (v !== undefined) (content as Record<string, Value | null>)[field.name] = v;
  }
  return contentOrNull(content);
}

const FIX = /\b(fix(e[sd])?|bug(fix)?|defect|hotfix|patch(e[sd])?)\b/i;
const REVERT = /^\s*revert\b/i;

/** Content from GitHub compare data: `files` [{filename, additions, deletions}] and `commits`. */
export function contentFromCompare(value: unknown, path: string): ChangeContent | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) invalid(path, `expected the compare API's response, got ${describe(value)}`);
  const files = optionalArray(value, 'files', path);
  const commits = optionalArray(value, 'commits', path);
  const content = emptyContent();
  if (files.length) {
    const lines: number[] = [];
    const directories = new Set<string>();
    const subsystems = new Set<string>();
    let added = 0;
    let deleted = 0;
    files.forEach((file, i) => {
      const where = at(at(path, 'files'), i);
      if (!isObject(file)) invalid(where, `expected a file of the compare data, got ${describe(file)}`);
      const name = typeof file['filename'] === 'string' ? file['filename'] : '';
      const a = countOf(file, 'additions', where);
      const d = countOf(file, 'deletions', where);
      added += a;
      deleted += d;
      lines.push(a + d);
      const parts = name.split('/');
      directories.add(parts.slice(0, -1).join('/') || '.');
      subsystems.add(parts.length > 1 ? parts[0]! : '.');
    });
    Object.assign(content, {
      linesAdded: added,
      linesDeleted: deleted,
      files: files.length,
      directories: directories.size,
      subsystems: subsystems.size,
      entropy: entropy(lines),
    });
  }
  const total = value['total_commits'];
  if (typeof total === 'number' && Number.isInteger(total) && total >= 0) content.commits = total;
  else if (commits.length) content.commits = commits.length;
  const messages = commits.map((c) =>
    isObject(c) && isObject(c['commit']) ? c['commit']['message'] : undefined,
  );
  if (messages.some((m) => typeof m === 'string')) {
    const texts = messages.filter((m): m is string => typeof m === 'string');
    content.revert = texts.some((m) => REVERT.test(m));
    content.fix = texts.some((m) => FIX.test(m));
  }
  return contentOrNull(content);
}

function countOf(file: JsonObject, key: string, path: string): number {
  const v = file[key];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    invalid(at(path, key), `${describe(v)} is not a whole number ≥ 0`);
  return v;
}

/** Shannon entropy (bits) of the changed lines over the files. */
export function entropy(lines: readonly number[]): number {
  const total = lines.reduce((s, x) => s + x, 0);
  if (total === 0) return 0;
  let h = 0;
  for (const x of lines) if (x > 0) h -= (x / total) * Math.log2(x / total);
  return Math.round(h * 1e6) / 1e6;
}

/** Field by field, the first source that knows it; null when none knows anything. */
export function mergeContent(...sources: (ChangeContent | null | undefined)[]): ChangeContent | null {
  const content = emptyContent();
  for (const field of CHANGE_CONTENT_FIELDS) {
    for (const source of sources) {
      const v = source?.[field.name];
      if (v !== undefined && v !== null) {
        (content as Record<string, Value | null>)[field.name] = v;
        break;
      }
    }
  }
  return contentOrNull(content);
}
