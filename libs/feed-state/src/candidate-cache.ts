import { inboxGuardedScript, inboxKey, type EffectOutcome } from '@foryou/async-work';
import { fail, ok, type Result } from '@foryou/candidate-pipeline';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { INBOX_TTL_SECONDS } from './served-history';

/** Version of the cache key and value layout; part of every response's version vector. */
export const CANDIDATE_CACHE_VERSION = 'cand-cache-v2';

export const CANDIDATE_CACHE_JOB = 'candidate-cache.write';

export interface CachedPost {
  readonly postId: string;
  readonly score: number;
  readonly version: string;
}

/** One response's cache write (the candidate-cache job's payload shape). */
export interface CandidateCacheWrite {
  readonly viewerId: string;
  readonly requestId: string;
  /** When the request computed these scores: an older write never replaces a newer one. */
  readonly writtenAtMs: number;
  readonly posts: readonly CachedPost[];
  readonly ttlSeconds: number;
}

/** Scored candidates kept per viewer between requests (x-algorithm RedisPostCandidateCache). */
export interface CandidateCacheRepository {
  read(viewerId: string): Promise<Result<readonly CachedPost[]>>;
  /** Applies `write` once per `businessKey`; `superseded` when a newer write is already in place. */
  apply(write: CandidateCacheWrite, businessKey: string): Promise<EffectOutcome>;
  /** Replaces the viewer's cache with no TTL (seeding only). */
  seed(viewerId: string, posts: readonly CachedPost[]): Promise<void>;
}

const CacheValueSchema = z.object({
  writtenAtMs: z.number(),
  requestId: z.string(),
  posts: z.array(z.object({ postId: z.string(), score: z.number(), version: z.string() })),
});

/** KEYS: inbox, cache key. ARGV: inbox ttl, writtenAtMs, value json, ttl seconds. */
const APPLY_SCRIPT = inboxGuardedScript(`
  local current = redis.call('GET', KEYS[2])
  if current then
    local ok, decoded = pcall(cjson.decode, current)
    if ok and type(decoded) == 'table' and tonumber(decoded['writtenAtMs']) and tonumber(decoded['writtenAtMs']) > tonumber(ARGV[2]) then
      return 'superseded'
    end
  end
  redis.call('SET', KEYS[2], ARGV[3], 'EX', tonumber(ARGV[4]))
  return 'applied'
`);

export class RedisCandidateCacheRepository implements CandidateCacheRepository {
  constructor(private readonly _redis: Redis) {}

  async read(viewerId: string): Promise<Result<readonly CachedPost[]>> {
    let raw: string | null;
    try {
      raw = await this._redis.get(cacheKey(viewerId));
    } catch (err) {
      return fail('dependency_unavailable', `candidate cache read failed: ${(err as Error).message}`);
    }
    if (raw === null) {
      return ok([]);
    }
    const parsed = CacheValueSchema.safeParse(safeJson(raw));
    return parsed.success
      ? ok(parsed.data.posts)
      : fail('invalid_response', 'candidate cache entry is malformed');
  }

  async apply(write: CandidateCacheWrite, businessKey: string): Promise<EffectOutcome> {
    const value = { writtenAtMs: write.writtenAtMs, requestId: write.requestId, posts: write.posts };
    return (await this._redis.eval(
      APPLY_SCRIPT,
      2,
      inboxKey(CANDIDATE_CACHE_JOB, businessKey),
      cacheKey(write.viewerId),
      INBOX_TTL_SECONDS,
      write.writtenAtMs,
      JSON.stringify(value),
      write.ttlSeconds,
    )) as EffectOutcome;
  }

  async seed(viewerId: string, posts: readonly CachedPost[]): Promise<void> {
    await this._redis.set(cacheKey(viewerId), JSON.stringify({ writtenAtMs: 0, requestId: 'seed', posts }));
  }
}

function cacheKey(viewerId: string): string {
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
  private readonly _byViewer = new Map<string, { writtenAtMs: number; posts: readonly CachedPost[] }>();
  private readonly _inbox = new Set<string>();

  read(viewerId: string): Promise<Result<readonly CachedPost[]>> {
    return Promise.resolve(ok(this._byViewer.get(viewerId)?.posts ?? []));
  }

  apply(write: CandidateCacheWrite, businessKey: string): Promise<EffectOutcome> {
    if (this._inbox.has(businessKey)) {
      return Promise.resolve('duplicate');
    }
    this._inbox.add(businessKey);
    const current = this._byViewer.get(write.viewerId);
    if (current && current.writtenAtMs > write.writtenAtMs) {
      return Promise.resolve('superseded');
    }
    this._byViewer.set(write.viewerId, { writtenAtMs: write.writtenAtMs, posts: [...write.posts] });
    return Promise.resolve('applied');
  }

  seed(viewerId: string, posts: readonly CachedPost[]): Promise<void> {
    this._byViewer.set(viewerId, { writtenAtMs: 0, posts: [...posts] });
    return Promise.resolve();
  }
}
