import { randomUUID } from 'node:crypto';
import {
  encodePostEvent,
  postEventEpochKey,
  postEventPartition,
  postEventStreamKey,
  type PostEvent,
} from '@foryou/contracts';
import type { Redis } from 'ioredis';
import type { PlannedEvent } from './world-event-plan';

export interface StreamEntryWrite {
  readonly key: string;
  /** XADD field/value list. */
  readonly fields: readonly string[];
}

/** Where the publisher writes: Redis in production, a recording fake in tests. */
export interface PublishTarget {
  /** Appends the entries atomically and in order (one MULTI/EXEC of XADDs); resolves with their ids. */
  appendBatch(entries: readonly StreamEntryWrite[]): Promise<string[]>;
  /** Deletes every partition stream under the prefix (any partition count); returns how many. */
  deleteStreams(prefix: string): Promise<number>;
  /** A fresh epoch when `renew` (after a reset), else the existing one (created if missing). */
  setEpoch(prefix: string, renew: boolean): Promise<string>;
  close(): void;
}

export interface WriteOptions {
  readonly prefix: string;
  readonly partitions: number;
  readonly batchSize: number;
  /** Batches sent before waiting for the oldest reply (pipelining; Redis keeps them in order). */
  readonly maxInFlight: number;
  /** Wall clock for `published_at_ms`, read once per batch. */
  readonly nowMs: () => number;
  readonly onProgress?: (written: number) => void;
  readonly signal?: AbortSignal;
}

export interface WriteResult {
  readonly written: number;
  readonly perPartition: readonly number[];
  readonly interrupted: boolean;
}

/**
 * Publishes events in order: each batch is one MULTI/EXEC (all of it lands or none), up to
 * `maxInFlight` batches are pipelined on the connection, and a batch's `published_at_ms` is the wall
 * clock when it is sent. Stops between batches when `signal` aborts. Rejects on the first failed batch.
 */
export async function writeEvents(
  target: PublishTarget,
  events: readonly PlannedEvent[],
  o: WriteOptions,
): Promise<WriteResult> {
  const perPartition = Array.from({ length: o.partitions }, () => 0);
  const pending: Promise<void>[] = [];
  let written = 0;
  let failure: Error | undefined;
  let interrupted = false;
  for (let i = 0; i < events.length && failure === undefined; i += o.batchSize) {
    if (o.signal?.aborted === true) {
      interrupted = true;
      break;
    }
    const batch = events.slice(i, i + o.batchSize);
    const publishedAtMs = o.nowMs();
    const entries = batch.map((e): StreamEntryWrite => {
      const partition = postEventPartition(e.authorId, o.partitions);
      perPartition[partition]!++;
      const event: PostEvent = { ...e, publishedAtMs };
      return { key: postEventStreamKey(o.prefix, partition), fields: encodePostEvent(event) };
    });
    pending.push(
      target.appendBatch(entries).then(
        () => {
          written += batch.length;
          o.onProgress?.(written);
        },
        (err: unknown) => {
          failure ??= err instanceof Error ? err : new Error(`batch failed: ${JSON.stringify(err)}`);
        },
      ),
    );
    if (pending.length >= o.maxInFlight) {
      await pending.shift();
    }
  }
  await Promise.all(pending);
  if (failure !== undefined) {
    throw failure;
  }
  return { written, perPartition, interrupted };
}

/** SCAN pattern of every partition stream under a prefix (the spec checks it against postEventStreamKey). */
export function streamKeyPattern(prefix: string): string {
  return `${prefix}thunder:posts:*`;
}

/** PublishTarget over one ioredis connection. */
export function redisPublishTarget(redis: Redis): PublishTarget {
  return {
    appendBatch: async (entries) => {
      const multi = redis.multi();
      for (const e of entries) {
        multi.call('XADD', e.key, '*', ...e.fields);
      }
      const replies = await multi.exec();
      if (replies === null) {
        throw new Error('MULTI/EXEC was aborted');
      }
      return replies.map(([err, id]) => {
        if (err) {
          throw err;
        }
        return String(id);
      });
    },
    deleteStreams: async (prefix) => {
      let deleted = 0;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', streamKeyPattern(prefix), 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) {
          deleted += await redis.del(...keys);
        }
      } while (cursor !== '0');
      return deleted;
    },
    setEpoch: async (prefix, renew) => {
      const key = postEventEpochKey(prefix);
      await (renew ? redis.set(key, randomUUID()) : redis.set(key, randomUUID(), 'NX'));
      return (await redis.get(key)) ?? '';
    },
    close: () => redis.disconnect(),
  };
}
