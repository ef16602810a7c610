// Splits a migration file into statements. The HTTP interface runs one statement per request,
// so `;` must be found the way the ClickHouse lexer would: not inside a string, a quoted
// identifier, a heredoc or a comment.

export interface SqlStatement {
  /** The statement as written, without the closing `;`. */
  readonly sql: string;
  /** 1-based line of its first character that is not blank or comment. */
  readonly line: number;
  /** Keywords only: comments dropped, string and identifier contents blanked (for linting). */
  readonly shape: string;
}

export class SqlSplitError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} (line ${line})`);
    this.name = 'SqlSplitError';
  }
}

const HEREDOC = /^\$([A-Za-z0-9_]*)\$/;

export function splitSqlStatements(text: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let start = 0;
  let shape = '';
  let firstCodeLine = 0;
  let line = 1;
  let i = 0;

  const code = (chunk: string) => {
    if (firstCodeLine === 0 && chunk.trim() !== '') firstCodeLine = line;
    shape += chunk;
  };
  const advance = (to: number) => {
    for (let k = i; k < to; k++) if (text[k] === '\n') line++;
    i = to;
  };
  const finish = (end: number) => {
    if (firstCodeLine !== 0) {
      statements.push({ sql: text.slice(start, end).trim(), line: firstCodeLine, shape: squash(shape) });
    }
    shape = '';
    firstCodeLine = 0;
  };

  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      advance(end === -1 ? text.length : end);
    } else if (ch === '/' && next === '*') {
      advance(blockCommentEnd(text, i, line));
      shape += ' ';
    } else if (ch === "'" || ch === '"' || ch === '`') {
      const opened = line;
      const end = quotedEnd(text, i, ch, opened);
      code(ch + ch);
      advance(end);
    } else if (
      ch === '$' &&
      !/[A-Za-z0-9_$]/.test(text[i - 1] ?? '') &&
      HEREDOC.test(text.slice(i, i + 64))
    ) {
      const tag = HEREDOC.exec(text.slice(i, i + 64))![0];
      const close = text.indexOf(tag, i + tag.length);
      if (close === -1) throw new SqlSplitError(`unterminated heredoc ${tag}`, line);
      code("''");
      advance(close + tag.length);
    } else if (ch === ';') {
      finish(i);
      advance(i + 1);
      start = i;
    } else {
      code(ch);
      advance(i + 1);
    }
  }
  finish(text.length);
  return statements;
}

/** ClickHouse comments nest: `/* a /* b *\/ c *\/` is one comment. */
function blockCommentEnd(text: string, from: number, line: number): number {
  let depth = 0;
  for (let k = from; k < text.length - 1; k++) {
    if (text[k] === '/' && text[k + 1] === '*') {
      depth++;
      k++;
    } else if (text[k] === '*' && text[k + 1] === '/') {
      depth--;
      k++;
      if (depth === 0) return k + 1;
    }
  }
  throw new SqlSplitError('unterminated /* comment', line);
}

/** The index after the closing quote; `\x` escapes and a doubled quote stay inside. */
function quotedEnd(text: string, from: number, quote: string, line: number): number {
  for (let k = from + 1; k < text.length; k++) {
    const ch = text[k];
    if (ch === '\\') k++;
    else if (ch === quote) {
      if (text[k + 1] === quote) k++;
      else return k + 1;
    }
  }
  const what = quote === "'" ? 'string' : 'quoted identifier';
  throw new SqlSplitError(`unterminated ${what} opened with ${quote}`, line);
}

function squash(shape: string): string {
  return shape.replace(/\s+/g, ' ').trim();
}
