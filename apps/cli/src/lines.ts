// Lines of a byte stream, as `wc -l` counts them: a line ends at "\n" (a "\r" just before it is
// dropped, so CRLF files read the same); a lone "\r" is part of the line, not a break. Each line
// is handed over as its bytes (a view into the chunk read, no copy), so callers can echo it byte
// for byte even when it is not valid UTF-8. Lines are handed to a callback chunk by chunk, without
// a promise per line; the callback returns a promise only when it must wait (output backpressure).

/**
 * Calls `each` with every line's bytes, a last line without "\n" too; stops early when `each`
 * returns (or resolves to) false.
 */
export async function forEachLine(
  input: AsyncIterable<Buffer | string>,
  each: (line: Buffer) => boolean | Promise<boolean>,
): Promise<void> {
  let rest: Buffer | undefined;
  for await (const piece of input) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      const head = chunk.subarray(start, nl);
      const line = rest === undefined ? head : Buffer.concat([rest, head]);
      rest = undefined;
      start = nl + 1;
      const go = each(withoutCr(line));
      if (go === false || (go !== true && !(await go))) return;
    }
    if (start < chunk.length) {
      const tail = chunk.subarray(start);
      rest = rest === undefined ? Buffer.from(tail) : Buffer.concat([rest, tail]);
    }
  }
  if (rest !== undefined && rest.length > 0) await each(withoutCr(rest));
}

function withoutCr(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === 13 ? line.subarray(0, line.length - 1) : line;
}
