// The standard-change policy file at the edge: read at start (an invalid file stops the start
// with the line at fault), then watched and reloaded without a restart. A change that does not
// parse is reported and ignored — the previous policy stays in force until the file is fixed.
// The directory is watched, not the file, so editors that save by writing a new file and
// renaming it over the old one are seen too; bursts of events are debounced into one reload.
// The policy names its source by the file's name only: decisions are shown to every API reader
// and in the UI, which have no business learning the server's directory layout (errors at start
// and in the log still name the full path).
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parsePolicy, type Policy } from '#core';

export interface PolicyFileOptions {
  /** Quiet time after the last file event before reloading (default 100 ms). */
  readonly debounceMs?: number;
  /** A new policy is in force. */
  readonly onReload?: (policy: Policy) => void;
  /** The file changed but could not be read or parsed; the previous policy stays. */
  readonly onError?: (error: Error) => void;
}

export type ReloadResult =
  | { readonly status: 'reloaded'; readonly policy: Policy }
  | { readonly status: 'unchanged'; readonly policy: Policy }
  | { readonly status: 'rejected'; readonly policy: Policy; readonly error: Error };

export class PolicyFile {
  private watcher?: FSWatcher;
  private timer?: ReturnType<typeof setTimeout>;
  private reloading: Promise<ReloadResult> | undefined;
  private pending = false;

  private constructor(
    readonly path: string,
    private policy: Policy,
    private text: string,
    private readonly options: PolicyFileOptions,
  ) {}

  /** Reads and parses the file; throws PolicyError (with the line) or the read error. */
  static async load(path: string, options: PolicyFileOptions = {}): Promise<PolicyFile> {
    const full = resolve(path);
    const text = await readFile(full, 'utf8');
    return new PolicyFile(full, parseShown(text, path), text, options);
  }

  /** The policy in force. */
  current(): Policy {
    return this.policy;
  }

  /** Starts watching; reloads follow file changes until close(). */
  watch(): this {
    if (this.watcher) return this;
    const name = basename(this.path);
    this.watcher = watch(dirname(this.path), (_event, file) => {
      if (file !== null && file !== name) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.reload(), this.options.debounceMs ?? 100);
    });
    this.watcher.on('error', (error) => this.options.onError?.(error));
    return this;
  }

  /** Reads the file now. Concurrent calls share one read; a call during a read queues one more. */
  async reload(): Promise<ReloadResult> {
    if (this.reloading) {
      this.pending = true;
      return this.reloading;
    }
    this.reloading = this.readOnce();
    try {
      return await this.reloading;
    } finally {
      this.reloading = undefined;
      if (this.pending) {
        this.pending = false;
        void this.reload();
      }
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private async readOnce(): Promise<ReloadResult> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      // Mid-rename the file may briefly be missing; the next event reloads it.
      this.options.onError?.(error as Error);
      return { status: 'rejected', policy: this.policy, error: error as Error };
    }
    if (text === this.text) return { status: 'unchanged', policy: this.policy };
    try {
      const policy = parseShown(text, this.path);
      this.policy = policy;
      this.text = text;
      this.options.onReload?.(policy);
      return { status: 'reloaded', policy };
    } catch (error) {
      this.options.onError?.(error as Error);
      return { status: 'rejected', policy: this.policy, error: error as Error };
    }
  }
}

/** Parsed with the path in its errors, shown by the file's name once it is in force. */
function parseShown(text: string, path: string): Policy {
  return { ...parsePolicy(text, path), source: basename(path) };
}
