// Which offset ranges of a batch to write, and with which dedup tokens, so that a batch seen a
// second time (after a crash, a retry or a rebalance) writes nothing twice, whatever boundaries
// Kafka gives it this time.
//
// Before writing a range the recorder records it as an intent (recorder_intents); its rows go in
// with tokens derived from that range. When a batch arrives, the intents that reach into it say
// how it was cut before: a range recorded before is written again exactly as it was (same
// messages, same tokens: ClickHouse drops what had already landed), and only messages outside
// every recorded range form new ranges. A batch that ends inside a recorded range (Kafka returned
// less than before from the same offset) stops there: the recorder writes what comes before it
// and leaves the range to a later fetch that holds all of it (`deferred`). A recorded range that
// cannot be reproduced — the batch starts inside it, or later fetches keep cutting it short — is
// written as a new range and reported, because its rows may be duplicated if the first attempt
// had landed.
import type { InboundMessage } from '#messaging';

export interface OffsetRange {
  readonly first: bigint;
  readonly last: bigint;
}

export interface Segment {
  /** The range the dedup tokens derive from. */
  readonly range: OffsetRange;
  readonly messages: readonly InboundMessage[];
  /** Recorded before: write again with the same tokens, record no new intent. */
  readonly replay: boolean;
}

export interface WritePlan {
  readonly segments: Segment[];
  /** Recorded ranges this batch holds only part of (written as new ranges). */
  readonly partial: OffsetRange[];
  /** The recorded range the batch ends inside of, left (with every message from it on) to a later fetch. */
  readonly deferred?: { readonly range: OffsetRange; readonly from: string };
}

export interface PlanOptions {
  /** Leave a range the batch ends inside of to a later fetch (default true); false writes it as new. */
  readonly defer?: boolean;
}

/** `intents`: recorded ranges of this partition ending at or after the batch's first offset, in order. */
export function planWrites(
  messages: readonly InboundMessage[],
  intents: readonly OffsetRange[],
  options: PlanOptions = {},
): WritePlan {
  const segments: Segment[] = [];
  const partial: OffsetRange[] = [];
  if (messages.length === 0) return { segments, partial };
  const offsets = messages.map((m) => BigInt(m.offset));
  const batchFirst = offsets[0]!;
  const batchLast = offsets.at(-1)!;
  const fresh = (from: number, to: number) => {
    if (to > from) {
      segments.push({
        range: { first: offsets[from]!, last: offsets[to - 1]! },
        messages: messages.slice(from, to),
        replay: false,
      });
    }
  };
  let i = 0;
  for (const intent of [...intents].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))) {
    if (i >= messages.length) break;
    if (intent.last < offsets[i]!) continue;
    const before = i;
    while (i < messages.length && offsets[i]! < intent.first) i++;
    fresh(before, i);
    const inside = i;
    while (i < messages.length && offsets[i]! <= intent.last) i++;
    if (i === inside) continue;
    if (intent.first >= batchFirst && intent.last <= batchLast) {
      segments.push({ range: intent, messages: messages.slice(inside, i), replay: true });
    } else if (intent.first >= batchFirst && (options.defer ?? true)) {
      return { segments, partial, deferred: { range: intent, from: messages[inside]!.offset } };
    } else {
      partial.push(intent);
      fresh(inside, i);
    }
  }
  fresh(i, messages.length);
  return { segments, partial };
}

/** The dedup token of the rows of `messages` (a whole segment or part of one) for one table. */
export function dedupToken(
  topic: string,
  partition: number,
  segment: OffsetRange,
  messages: readonly InboundMessage[],
): string {
  const first = messages[0]!.offset;
  const last = messages.at(-1)!.offset;
  return `${topic}/${partition}/${segment.first}-${segment.last}/${first}-${last}`;
}
