// The standard-change policy file at the edge: read at start (an invalid file stops the start
// with the line at fault), then watched and reloaded without a restart; a change that does not
// parse is reported and the previous policy stays in force (see WatchedSource).
// The policy names its source by the file's name only: decisions are shown to every API reader
// and in the UI, which have no business learning the server's directory layout (errors at start
// and in the log still name the full path).
import { basename } from 'node:path';
import { parsePolicy, type Policy } from '#core';
import { WatchedSource, type WatchedSourceOptions } from '#platform';

export type PolicyFile = WatchedSource<Policy>;

export const PolicyFile = {
  /** Reads and parses the file; throws PolicyError (with the line) or the read error. */
  load(path: string, options: WatchedSourceOptions<Policy> = {}): Promise<PolicyFile> {
    return WatchedSource.load(path, ([source]) => parseShown(source!.text, source!.file), options);
  },
};

/** Parsed with the path in its errors, shown by the file's name once it is in force. */
function parseShown(text: string, path: string): Policy {
  return { ...parsePolicy(text, path), source: basename(path) };
}
