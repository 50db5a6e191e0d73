import { encodePostEvent, postEventPartition, postEventStreamKey, type PostEvent } from '@foryou/contracts';
import type { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** XADDs events to their partition streams in MULTI batches; returns the entry ids in order. */
export async function publish(
  redis: Redis,
  prefix: string,
  partitions: number,
  events: readonly PostEvent[],
  batch = 500,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < events.length; i += batch) {
    const multi = redis.multi();
    for (const e of events.slice(i, i + batch)) {
      multi.xadd(
        postEventStreamKey(prefix, postEventPartition(e.authorId, partitions)),
        '*',
        ...encodePostEvent(e),
      );
    }
    const replies = await multi.exec();
    if (replies === null) {
      throw new Error('MULTI/EXEC aborted');
    }
    for (const [err, id] of replies) {
      if (err) {
        throw err;
      }
      ids.push(String(id));
    }
  }
  return ids;
}

/** Deletes every key under the prefix (tests own their prefix). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) {
      await redis.del(...keys);
    }
  } while (cursor !== '0');
}

/** The last entry id of every partition stream ('0-0' if empty). */
export async function streamTips(redis: Redis, prefix: string, partitions: number): Promise<string[]> {
  const tips: string[] = [];
  for (let p = 0; p < partitions; p++) {
    const last = (await redis.xrevrange(postEventStreamKey(prefix, p), '+', '-', 'COUNT', 1))[0];
    tips.push(last?.[0] ?? '0-0');
  }
  return tips;
}

/**
 * Re-reads external state (Redis) until `check` passes: bounded polling of another process, for facts
 * no in-process event announces (e.g. an XACK that follows the apply). Throws the last failure.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => void,
  attempts = 100,
): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      check(await read());
      return;
    } catch (err) {
      if (i >= attempts) {
        throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
