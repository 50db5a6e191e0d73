import type { Redis } from 'ioredis';
import type { StreamEntry } from './entry-applier';

/** The stream operations one partition consumer needs (Redis Streams here; Kafka in x-algorithm). */
export interface PostStreamPartition {
  readonly key: string;
  /** Creates the consumer group at `startId` (and the stream if missing); no-op if the group exists. */
  ensureGroup(startId: string): Promise<void>;
  /** Moves the group's last-delivered id (XGROUP SETID). */
  setGroupId(id: string): Promise<void>;
  /** Entries strictly after `afterId`, oldest first (XRANGE, exclusive start). */
  range(afterId: string, count: number): Promise<StreamEntry[]>;
  /** New entries for this consumer (XREADGROUP >), waiting up to `blockMs` for the first. */
  readNew(count: number, blockMs: number): Promise<StreamEntry[]>;
  /** This consumer's pending (delivered, unacknowledged) entries after `afterId`. */
  readPending(afterId: string, count: number): Promise<StreamEntry[]>;
  ack(ids: readonly string[]): Promise<void>;
}

/** A reply that does not have the shape the Redis protocol promises. */
export class StreamReplyError extends Error {
  override readonly name = 'StreamReplyError';
}

function parseEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) {
    throw new StreamReplyError('expected an array of entries');
  }
  return raw.map((item: unknown): StreamEntry => {
    if (!Array.isArray(item) || typeof item[0] !== 'string') {
      throw new StreamReplyError('expected [id, fields]');
    }
    const fields: unknown = item[1];
    if (fields === null) {
      return { id: item[0], fields: null };
    }
    if (!Array.isArray(fields) || !fields.every((f): f is string => typeof f === 'string')) {
      throw new StreamReplyError('expected string fields');
    }
    return { id: item[0], fields };
  });
}

/** XREADGROUP's reply for one stream: null (timeout) or [[key, entries]]. */
function parseGroupRead(raw: unknown): StreamEntry[] {
  if (raw === null) {
    return [];
  }
  if (!Array.isArray(raw) || raw.length !== 1 || !Array.isArray(raw[0])) {
    throw new StreamReplyError('expected one stream in the XREADGROUP reply');
  }
  return parseEntries((raw[0] as unknown[])[1]);
}

/** PostStreamPartition over ioredis (a connection of its own: XREADGROUP BLOCK holds it). */
export class RedisPostStream implements PostStreamPartition {
  constructor(
    private readonly _redis: Redis,
    readonly key: string,
    private readonly _group: string,
    private readonly _consumer: string,
  ) {}

  async ensureGroup(startId: string): Promise<void> {
    try {
      await this._redis.call('XGROUP', 'CREATE', this.key, this._group, startId, 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) {
        throw err;
      }
    }
  }

  async setGroupId(id: string): Promise<void> {
    await this._redis.call('XGROUP', 'SETID', this.key, this._group, id);
  }

  async range(afterId: string, count: number): Promise<StreamEntry[]> {
    return parseEntries(await this._redis.call('XRANGE', this.key, `(${afterId}`, '+', 'COUNT', count));
  }

  async readNew(count: number, blockMs: number): Promise<StreamEntry[]> {
    return parseGroupRead(
      await this._redis.call(
        'XREADGROUP',
        'GROUP',
        this._group,
        this._consumer,
        'COUNT',
        count,
        'BLOCK',
        blockMs,
        'STREAMS',
        this.key,
        '>',
      ),
    );
  }

  async readPending(afterId: string, count: number): Promise<StreamEntry[]> {
    return parseGroupRead(
      await this._redis.call(
        'XREADGROUP',
        'GROUP',
        this._group,
        this._consumer,
        'COUNT',
        count,
        'STREAMS',
        this.key,
        afterId,
      ),
    );
  }

  async ack(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) {
      await this._redis.call('XACK', this.key, this._group, ...ids);
    }
  }
}

/** True for the error Redis gives when the stream or its group vanished (e.g. the streams were reset). */
export function isNoGroupError(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOGROUP');
}
