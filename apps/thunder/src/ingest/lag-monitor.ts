import type { Redis } from 'ioredis';
import type { PostStore } from '../store/post-store';
import { compareStreamIds } from '../store/stream-id';

/** The tip of one stream: entries ever added and the last id (XINFO STREAM, Redis >= 7). */
export interface StreamTip {
  readonly entriesAdded: number;
  readonly lastId: string;
}

const EMPTY_TIP: StreamTip = { entriesAdded: 0, lastId: '0-0' };

/** Reads XINFO STREAM for every key in one round trip; a missing stream has an empty tip. */
export async function readTips(redis: Redis, keys: readonly string[]): Promise<StreamTip[]> {
  const pipeline = redis.pipeline();
  for (const key of keys) {
    pipeline.call('XINFO', 'STREAM', key);
  }
  const replies = (await pipeline.exec()) ?? [];
  return keys.map((_, i) => {
    const [err, raw] = replies[i] ?? [new Error('no reply'), null];
    if (err) {
      if (err.message.includes('no such key')) {
        return EMPTY_TIP;
      }
      throw err;
    }
    if (!Array.isArray(raw)) {
      throw new Error('XINFO STREAM: unexpected reply');
    }
    const info = raw as unknown[];
    const field = (name: string): unknown => info[info.indexOf(name) + 1];
    const added = field('entries-added');
    const lastId = field('last-generated-id');
    if (typeof added !== 'number' || typeof lastId !== 'string') {
      throw new Error('XINFO STREAM: entries-added / last-generated-id missing (Redis >= 7 required)');
    }
    return { entriesAdded: added, lastId };
  });
}

/**
 * Entries behind the tip, per partition: 0 when the store's offset is the last id, else entries-added
 * minus entries consumed. Exact for append-only streams (the publisher never trims); a stream that was
 * deleted and recreated is caught by the epoch check instead.
 */
export function lagOf(store: PostStore, tips: readonly StreamTip[]): number[] {
  const offsets = store.offsets();
  const consumed = store.consumed();
  return tips.map((tip, p) =>
    compareStreamIds(offsets[p]!, tip.lastId) >= 0 ? 0 : Math.max(0, tip.entriesAdded - consumed[p]!),
  );
}
