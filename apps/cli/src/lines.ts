// Lines of a byte stream, as `wc -l` counts them: a line ends at "\n" (a "\r" just before it is
// dropped, so CRLF files read the same); a lone "\r" is part of the line, not a break. Each line
// is yielded as its bytes (a view into the chunk read, no copy), so callers can echo it byte for
// byte even when it is not valid UTF-8.

/** Yields each line's bytes; a last line without "\n" is yielded too. */
export async function* lines(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let rest: Buffer | undefined;
  for await (const piece of input) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      const head = chunk.subarray(start, nl);
      const line = rest === undefined ? head : Buffer.concat([rest, head]);
      rest = undefined;
      yield withoutCr(line);
      start = nl + 1;
    }
    if (start < chunk.length) {
      const tail = chunk.subarray(start);
      rest = rest === undefined ? Buffer.from(tail) : Buffer.concat([rest, tail]);
    }
  }
  if (rest !== undefined && rest.length > 0) yield withoutCr(rest);
}

function withoutCr(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === 13 ? line.subarray(0, line.length - 1) : line;
}
