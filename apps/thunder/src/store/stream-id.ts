/** Where an event sits in the log: a partition and a Redis stream entry id (`<ms>-<seq>`). */
export interface StreamPosition {
  readonly partition: number;
  readonly entryId: string;
}

/** Before any entry: every real entry id is greater. */
export const STREAM_START_ID = '0-0';

const STREAM_ID = /^(0|[1-9][0-9]{0,19})-(0|[1-9][0-9]{0,19})$/;

export function isStreamId(id: string): boolean {
  return STREAM_ID.test(id);
}

function compareDecimal(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders two stream entry ids the way Redis does (by time part, then sequence), exactly, for any
 * 64-bit parts. Negative when a < b, 0 when equal, positive when a > b. Throws on a malformed id.
 */
export function compareStreamIds(a: string, b: string): number {
  const ma = STREAM_ID.exec(a);
  const mb = STREAM_ID.exec(b);
  if (!ma || !mb) {
    throw new RangeError(`not a stream id: ${ma ? b : a}`);
  }
  return compareDecimal(ma[1]!, mb[1]!) || compareDecimal(ma[2]!, mb[2]!);
}
