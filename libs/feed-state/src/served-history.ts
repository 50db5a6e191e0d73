import { inboxGuardedScript, inboxKey, type EffectOutcome } from '@foryou/async-work';
import { fail, ok, type Result } from '@foryou/candidate-pipeline';
import type { Redis } from 'ioredis';

export interface ServedHistoryEntry {
  readonly postId: string;
  readonly servedAtMs: number;
}

/** One response's contribution to its viewer's served history (the served-history job's payload shape). */
export interface ServedHistoryUpdate {
  readonly viewerId: string;
  readonly requestId: string;
  /** The surface/request kind that served them (`unknown` for events from producers before v2). */
  readonly requestType: string;
  readonly servedAtMs: number;
  readonly postIds: readonly string[];
  /** Bound on the viewer's history; oldest entries beyond it are trimmed. */
  readonly maxEntries: number;
}

export const SERVED_HISTORY_JOB = 'served-history.update';

/** Served history is kept this long after a viewer's last update. */
export const SERVED_HISTORY_TTL_SECONDS = 7 * 24 * 3600;
/** Inbox records outlive any redelivery: retained completed jobs (1 d) plus the retry span. */
export const INBOX_TTL_SECONDS = 7 * 24 * 3600;

/** What one viewer has been served, newest kept, bounded per viewer. */
export interface ServedHistoryRepository {
  /** Entries served at or after `sinceMs`, newest first, at most `limit`. */
  read(viewerId: string, sinceMs: number, limit: number): Promise<Result<readonly ServedHistoryEntry[]>>;
  /** Request type recorded per post (posts without one are absent). */
  requestTypes(viewerId: string): Promise<ReadonlyMap<string, string>>;
  /**
   * Applies `update` once per `businessKey`: adds the posts (a post's time only moves forward, so a late
   * delivery never rewinds it), records the request type and trims to `maxEntries`.
   */
  apply(update: ServedHistoryUpdate, businessKey: string): Promise<EffectOutcome>;
  /** Replaces the viewer's whole history with `entries` (atomically; seeding and restores only). */
  replace(viewerId: string, entries: readonly ServedHistoryEntry[], maxEntries: number): Promise<void>;
}

/** KEYS: inbox, history zset, request-type hash. ARGV: inbox ttl, max, ttl, type, then (time, id) pairs. */
const APPLY_SCRIPT = inboxGuardedScript(`
  local z, meta = KEYS[2], KEYS[3]
  local max, ttl, rtype = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
  for i = 5, #ARGV, 2 do
    local at, id = tonumber(ARGV[i]), ARGV[i + 1]
    local current = redis.call('ZSCORE', z, id)
    if (not current) or tonumber(current) < at then
      redis.call('ZADD', z, at, id)
      redis.call('HSET', meta, id, rtype)
    end
  end
  local excess = redis.call('ZCARD', z) - max
  if excess > 0 then
    local trimmed = redis.call('ZRANGE', z, 0, excess - 1)
    redis.call('ZREMRANGEBYRANK', z, 0, excess - 1)
    for _, id in ipairs(trimmed) do
      redis.call('HDEL', meta, id)
    end
  end
  if redis.call('EXISTS', z) == 1 then
    redis.call('EXPIRE', z, ttl)
  end
  if redis.call('EXISTS', meta) == 1 then
    redis.call('EXPIRE', meta, ttl)
  end
  return 'applied'
`);

/** A sorted set per viewer (`served:<viewer>`, member = post id, score = served time) plus request types. */
export class RedisServedHistoryRepository implements ServedHistoryRepository {
  constructor(private readonly _redis: Redis) {}

  async read(
    viewerId: string,
    sinceMs: number,
    limit: number,
  ): Promise<Result<readonly ServedHistoryEntry[]>> {
    try {
      const flat = await this._redis.zrevrangebyscore(
        historyKey(viewerId),
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

  async requestTypes(viewerId: string): Promise<ReadonlyMap<string, string>> {
    return new Map(Object.entries(await this._redis.hgetall(metaKey(viewerId))));
  }

  async apply(update: ServedHistoryUpdate, businessKey: string): Promise<EffectOutcome> {
    const result = await this._redis.eval(
      APPLY_SCRIPT,
      3,
      inboxKey(SERVED_HISTORY_JOB, businessKey),
      historyKey(update.viewerId),
      metaKey(update.viewerId),
      INBOX_TTL_SECONDS,
      update.maxEntries,
      SERVED_HISTORY_TTL_SECONDS,
      update.requestType,
      ...update.postIds.flatMap((id) => [update.servedAtMs, id]),
    );
    return result as EffectOutcome;
  }

  async replace(viewerId: string, entries: readonly ServedHistoryEntry[], maxEntries: number): Promise<void> {
    const z = historyKey(viewerId);
    const tx = this._redis.multi().del(z, metaKey(viewerId));
    if (entries.length > 0) {
      tx.zadd(z, ...entries.flatMap((e) => [e.servedAtMs, e.postId]))
        .zremrangebyrank(z, 0, -(maxEntries + 1))
        .expire(z, SERVED_HISTORY_TTL_SECONDS);
    }
    await tx.exec();
  }
}

export function historyKey(viewerId: string): string {
  return `served:${viewerId}`;
}

function metaKey(viewerId: string): string {
  return `served-type:${viewerId}`;
}

/** In-memory implementation with the same contract, for unit tests and single-process tools. */
export class InMemoryServedHistoryRepository implements ServedHistoryRepository {
  private readonly _byViewer = new Map<string, Map<string, number>>();
  private readonly _types = new Map<string, Map<string, string>>();
  private readonly _inbox = new Set<string>();

  read(viewerId: string, sinceMs: number, limit: number): Promise<Result<readonly ServedHistoryEntry[]>> {
    const entries = [...(this._byViewer.get(viewerId) ?? new Map<string, number>())]
      .map(([postId, servedAtMs]) => ({ postId, servedAtMs }))
      .filter((e) => e.servedAtMs >= sinceMs)
      .sort((a, b) => b.servedAtMs - a.servedAtMs || b.postId.localeCompare(a.postId))
      .slice(0, limit);
    return Promise.resolve(ok(entries));
  }

  requestTypes(viewerId: string): Promise<ReadonlyMap<string, string>> {
    return Promise.resolve(new Map(this._types.get(viewerId) ?? []));
  }

  apply(update: ServedHistoryUpdate, businessKey: string): Promise<EffectOutcome> {
    if (this._inbox.has(businessKey)) {
      return Promise.resolve('duplicate');
    }
    this._inbox.add(businessKey);
    const history = this._byViewer.get(update.viewerId) ?? new Map<string, number>();
    const types = this._types.get(update.viewerId) ?? new Map<string, string>();
    for (const id of update.postIds) {
      if ((history.get(id) ?? -Infinity) < update.servedAtMs) {
        history.set(id, update.servedAtMs);
        types.set(id, update.requestType);
      }
    }
    this.trim(update.viewerId, history, types, update.maxEntries);
    return Promise.resolve('applied');
  }

  replace(viewerId: string, entries: readonly ServedHistoryEntry[], maxEntries: number): Promise<void> {
    const history = new Map(entries.map((e) => [e.postId, e.servedAtMs] as const));
    this.trim(viewerId, history, new Map(), maxEntries);
    return Promise.resolve();
  }

  private trim(
    viewerId: string,
    history: Map<string, number>,
    types: Map<string, string>,
    maxEntries: number,
  ): void {
    const kept = [...history].sort((a, b) => b[1] - a[1] || b[0].localeCompare(a[0])).slice(0, maxEntries);
    const keptIds = new Set(kept.map(([id]) => id));
    this._byViewer.set(viewerId, new Map(kept));
    this._types.set(viewerId, new Map([...types].filter(([id]) => keptIds.has(id))));
  }
}
