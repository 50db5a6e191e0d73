import { fail, ok, type Result } from '@foryou/candidate-pipeline';
import type { Redis } from 'ioredis';
import type { ServedHistoryEntry } from '../query/for-you-query';

/** What one viewer has been served, newest kept, bounded per viewer. */
export interface ServedHistoryRepository {
  /** Entries served at or after `sinceMs`, newest first, at most `limit`. */
  read(viewerId: string, sinceMs: number, limit: number): Promise<Result<readonly ServedHistoryEntry[]>>;
  /** Records served posts (idempotent per post: re-serving moves its time forward) and trims to `maxEntries`. */
  append(viewerId: string, entries: readonly ServedHistoryEntry[], maxEntries: number): Promise<void>;
  /** Replaces the viewer's whole history with `entries` (atomically). */
  replace(viewerId: string, entries: readonly ServedHistoryEntry[], maxEntries: number): Promise<void>;
}

const KEY_TTL_SECONDS = 7 * 24 * 3600;

/** A sorted set per viewer (`served:<viewer>`, member = post id, score = served time). */
export class RedisServedHistoryRepository implements ServedHistoryRepository {
  constructor(private readonly _redis: Redis) {}

  async read(
    viewerId: string,
    sinceMs: number,
    limit: number,
  ): Promise<Result<readonly ServedHistoryEntry[]>> {
    try {
      const flat = await this._redis.zrevrangebyscore(
        key(viewerId),
        '+inf',
        sinceMs,
        'WITHSCORES',
        'LIMIT',
        0,
        limit,
      );
      const entries: ServedHistoryEntry[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        entries.push({ postId: flat[i]!, servedAtMs: Number(flat[i + 1]) });
      }
      return ok(entries);
    } catch (err) {
      return fail('dependency_unavailable', `served history read failed: ${(err as Error).message}`);
    }
  }

  async append(viewerId: string, entries: readonly ServedHistoryEntry[], maxEntries: number): Promise<void> {
    if (entries.length > 0) {
      await this.write(viewerId, entries, maxEntries, false);
    }
  }

  async replace(viewerId: string, entries: readonly ServedHistoryEntry[], maxEntries: number): Promise<void> {
    await this.write(viewerId, entries, maxEntries, true);
  }

  private async write(
    viewerId: string,
    entries: readonly ServedHistoryEntry[],
    maxEntries: number,
    replace: boolean,
  ): Promise<void> {
    const k = key(viewerId);
    const tx = this._redis.multi();
    if (replace) {
      tx.del(k);
    }
    if (entries.length > 0) {
      tx.zadd(k, ...entries.flatMap((e) => [e.servedAtMs, e.postId]))
        .zremrangebyrank(k, 0, -(maxEntries + 1))
        .expire(k, KEY_TTL_SECONDS);
    }
    await tx.exec();
  }
}

function key(viewerId: string): string {
  return `served:${viewerId}`;
}

/** In-memory implementation with the same contract, for unit tests and single-process tools. */
export class InMemoryServedHistoryRepository implements ServedHistoryRepository {
  private readonly _byViewer = new Map<string, Map<string, number>>();

  read(viewerId: string, sinceMs: number, limit: number): Promise<Result<readonly ServedHistoryEntry[]>> {
    const entries = [...(this._byViewer.get(viewerId) ?? new Map<string, number>())]
      .map(([postId, servedAtMs]) => ({ postId, servedAtMs }))
      .filter((e) => e.servedAtMs >= sinceMs)
      .sort((a, b) => b.servedAtMs - a.servedAtMs || b.postId.localeCompare(a.postId))
      .slice(0, limit);
    return Promise.resolve(ok(entries));
  }

  replace(viewerId: string, entries: readonly ServedHistoryEntry[], maxEntries: number): Promise<void> {
    this._byViewer.delete(viewerId);
    return this.append(viewerId, entries, maxEntries);
  }

  append(viewerId: string, entries: readonly ServedHistoryEntry[], maxEntries: number): Promise<void> {
    const history = this._byViewer.get(viewerId) ?? new Map<string, number>();
    for (const e of entries) {
      history.set(e.postId, e.servedAtMs);
    }
    const kept = [...history].sort((a, b) => b[1] - a[1] || b[0].localeCompare(a[0])).slice(0, maxEntries);
    this._byViewer.set(viewerId, new Map(kept));
    return Promise.resolve();
  }
}
