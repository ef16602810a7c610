// Configuration read from a file or a directory of files at the edge: read and parsed at start
// (a problem stops the start, with the parser's own message), then watched and reloaded
// without a restart. A change that does not read or parse is reported and ignored — the last
// good version stays in force until the files are fixed. The directory is watched, not the
// file, so editors that save by writing a new file and renaming it over the old one are seen
// too; bursts of events are debounced into one reload.
import { readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface SourceText {
  /** The file's path as given (joined under the directory for a directory). */
  readonly file: string;
  readonly text: string;
}

export interface WatchedSourceOptions<T> {
  /** A directory's files that count (default: every file). */
  readonly include?: (name: string) => boolean;
  /** Quiet time after the last file event before reloading (default 100 ms). */
  readonly debounceMs?: number;
  /** A new version is in force. */
  readonly onReload?: (value: T) => void;
  /** The files changed but could not be read or parsed; the last good version stays. */
  readonly onError?: (error: Error) => void;
}

export type ReloadResult<T> =
  | { readonly status: 'reloaded'; readonly value: T }
  | { readonly status: 'unchanged'; readonly value: T }
  | { readonly status: 'rejected'; readonly value: T; readonly error: Error };

export class WatchedSource<T> {
  private watcher?: FSWatcher;
  private timer?: ReturnType<typeof setTimeout>;
  private reloading: Promise<ReloadResult<T>> | undefined;
  private pending = false;

  private constructor(
    readonly path: string,
    private readonly directory: boolean,
    private value: T,
    private texts: string,
    private readonly parse: (sources: readonly SourceText[]) => T,
    private readonly options: WatchedSourceOptions<T>,
  ) {}

  /** Reads and parses the file or directory; throws the read or parse error. */
  static async load<T>(
    path: string,
    parse: (sources: readonly SourceText[]) => T,
    options: WatchedSourceOptions<T> = {},
  ): Promise<WatchedSource<T>> {
    return Promise.resolve().then(() => WatchedSource.open(path, parse, options));
  }

  /** `load`, synchronously: for a component that must hold its configuration when constructed. */
  static open<T>(
    path: string,
    parse: (sources: readonly SourceText[]) => T,
    options: WatchedSourceOptions<T> = {},
  ): WatchedSource<T> {
    const full = resolve(path);
    const directory = statSync(full).isDirectory();
    const sources = readSources(full, directory, options.include);
    return new WatchedSource(full, directory, parse(sources), fingerprint(sources), parse, options);
  }

  /** The version in force. */
  current(): T {
    return this.value;
  }

  /** Starts watching; reloads follow file changes until close(). */
  watch(): this {
    if (this.watcher) return this;
    const name = basename(this.path);
    const target = this.directory ? this.path : dirname(this.path);
    this.watcher = watch(target, { recursive: this.directory }, (_event, file) => {
      if (!this.directory && file !== null && file !== name) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.reload(), this.options.debounceMs ?? 100);
    });
    this.watcher.on('error', (error) => this.options.onError?.(error));
    return this;
  }

  /** Reads the files now. Concurrent calls share one read; a call during a read queues one more. */
  async reload(): Promise<ReloadResult<T>> {
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

  private readOnce(): Promise<ReloadResult<T>> {
    return Promise.resolve().then(() => this.readNow());
  }

  private readNow(): ReloadResult<T> {
    let sources: SourceText[];
    try {
      sources = readSources(this.path, this.directory, this.options.include);
    } catch (error) {
      // Mid-rename a file may briefly be missing; the next event reloads it.
      return this.rejected(error as Error);
    }
    const texts = fingerprint(sources);
    if (texts === this.texts) return { status: 'unchanged', value: this.value };
    try {
      const value = this.parse(sources);
      this.value = value;
      this.texts = texts;
      this.options.onReload?.(value);
      return { status: 'reloaded', value };
    } catch (error) {
      return this.rejected(error as Error);
    }
  }

  private rejected(error: Error): ReloadResult<T> {
    this.options.onError?.(error);
    return { status: 'rejected', value: this.value, error };
  }
}

/** Configuration files are small: read synchronously, so a set is read as one. */
function readSources(
  path: string,
  directory: boolean,
  include: ((name: string) => boolean) | undefined,
): SourceText[] {
  if (!directory) return [{ file: path, text: readFileSync(path, 'utf8') }];
  return filesUnder(path)
    .filter((file) => include?.(basename(file)) ?? true)
    .map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}

/** Every file under a directory, in name order, hidden ones (editors' swap files) left out. */
function filesUnder(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

function fingerprint(sources: readonly SourceText[]): string {
  return JSON.stringify(sources.map((s) => [s.file, s.text]));
}
