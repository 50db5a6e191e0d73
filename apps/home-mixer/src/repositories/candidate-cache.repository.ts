import { fail, ok, type Result } from '@foryou/candidate-pipeline';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { CachedPost } from '../query/for-you-query';

/** Version of the cache key and value layout; part of every response's version vector. */
export const CANDIDATE_CACHE_VERSION = 'cand-cache-v1';

/** Scored candidates kept per viewer between requests (x-algorithm RedisPostCandidateCache). */
export interface CandidateCacheRepository {
  read(viewerId: string): Promise<Result<readonly CachedPost[]>>;
  /** Replaces the viewer's cache; `ttlSeconds` undefined keeps it until replaced (seeding only). */
  write(viewerId: string, posts: readonly CachedPost[], ttlSeconds?: number): Promise<void>;
}

const CachedPostsSchema = z.array(z.object({ postId: z.string(), score: z.number(), version: z.string() }));

export class RedisCandidateCacheRepository implements CandidateCacheRepository {
  constructor(private readonly _redis: Redis) {}

  async read(viewerId: string): Promise<Result<readonly CachedPost[]>> {
    let raw: string | null;
    try {
      raw = await this._redis.get(key(viewerId));
    } catch (err) {
      return fail('dependency_unavailable', `candidate cache read failed: ${(err as Error).message}`);
    }
    if (raw === null) {
      return ok([]);
    }
    const parsed = CachedPostsSchema.safeParse(safeJson(raw));
    return parsed.success ? ok(parsed.data) : fail('invalid_response', 'candidate cache entry is malformed');
  }

  async write(viewerId: string, posts: readonly CachedPost[], ttlSeconds?: number): Promise<void> {
    const value = JSON.stringify(posts);
    if (ttlSeconds === undefined) {
      await this._redis.set(key(viewerId), value);
    } else {
      await this._redis.set(key(viewerId), value, 'EX', ttlSeconds);
    }
  }
}

function key(viewerId: string): string {
  return `${CANDIDATE_CACHE_VERSION}:${viewerId}`;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

export class InMemoryCandidateCacheRepository implements CandidateCacheRepository {
  private readonly _byViewer = new Map<string, readonly CachedPost[]>();

  read(viewerId: string): Promise<Result<readonly CachedPost[]>> {
    return Promise.resolve(ok(this._byViewer.get(viewerId) ?? []));
  }

  write(viewerId: string, posts: readonly CachedPost[]): Promise<void> {
    this._byViewer.set(viewerId, [...posts]);
    return Promise.resolve();
  }
}
