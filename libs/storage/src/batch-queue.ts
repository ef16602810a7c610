// Rows waiting for a flush, in arrival order, each remembering which write() they came from.
// A flush takes at most N rows, splitting a write across flushes when it has to; the write's
// promise settles when the last of its rows is flushed (or on the first failure).

export interface Ticket {
  /** Rows of this write not yet durably written. */
  remaining: number;
  settled: boolean;
  resolve(): void;
  reject(error: Error): void;
}

export interface Batch<Row> {
  readonly rows: readonly Row[];
  /** How many of `rows` belong to each write. */
  readonly parts: readonly { readonly ticket: Ticket; readonly count: number }[];
}

interface Piece<Row> {
  rows: readonly Row[];
  readonly ticket: Ticket;
}

export class BatchQueue<Row> {
  private readonly pieces: Piece<Row>[] = [];
  private head = 0;
  private queued = 0;

  get size(): number {
    return this.queued;
  }

  push(rows: readonly Row[], ticket: Ticket): void {
    this.pieces.push({ rows, ticket });
    this.queued += rows.length;
  }

  /** Removes and returns up to `max` rows from the front. */
  take(max: number): Batch<Row> {
    const chunks: (readonly Row[])[] = [];
    const parts: { ticket: Ticket; count: number }[] = [];
    let taken = 0;
    while (taken < max && this.head < this.pieces.length) {
      const piece = this.pieces[this.head]!;
      const count = Math.min(max - taken, piece.rows.length);
      if (count === piece.rows.length) {
        chunks.push(piece.rows);
        this.head++;
      } else {
        chunks.push(piece.rows.slice(0, count));
        piece.rows = piece.rows.slice(count);
      }
      parts.push({ ticket: piece.ticket, count });
      taken += count;
    }
    this.queued -= taken;
    this.compact();
    // A single whole write needs no copy: the common case when callers write batch-sized arrays.
    return { rows: chunks.length === 1 ? chunks[0]! : concat(chunks, taken), parts };
  }

  private compact(): void {
    if (this.head === this.pieces.length) {
      this.pieces.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.pieces.length) {
      this.pieces.splice(0, this.head);
      this.head = 0;
    }
  }
}

function concat<Row>(chunks: readonly (readonly Row[])[], total: number): Row[] {
  const rows = new Array<Row>(total);
  let at = 0;
  for (const chunk of chunks) for (const row of chunk) rows[at++] = row;
  return rows;
}
