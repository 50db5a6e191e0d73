import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Where Grox publishes what it understood about a post: one hash per post, `<prefix>content:<postId>`
 * (prefix = REDIS_KEY_PREFIX, the same namespace home-mixer reads; its ContentSafetyLabelsClient
 * reads the `safety_label` field). Fields:
 *
 * | field                                           | meaning                                                |
 * | ----------------------------------------------- | ------------------------------------------------------ |
 * | `post_id`, `author_id`                          | the post                                               |
 * | `post_version`, `model_revision`                | the version pair every write is ordered by             |
 * | `result_version`                                | `v<post_version>/<model_version>`                      |
 * | `model_version`                                 | e.g. `grox-standin-1` (stand-in models)                |
 * | `safety_label`, `safety_confidence`, `safety_rule` | classify: a world SafetyLabel, its confidence, rule |
 * | `embedding`, `embedding_dim`, `embedding_method`| base64 float32 little-endian, L2-normalised            |
 * | `summary`, `terms`                              | extractive summary; top terms joined by ' '            |
 * | `content_hash`                                  | fingerprint of the text + topic the models read        |
 * | `classified_at`, `published_at`                 | epoch ms (worker clock / Redis clock)                  |
 * | `graph_id`, `source`                            | the graph that produced it; where the content came from|
 * | `deleted`                                       | `1` on a tombstone (a delete event): no result fields  |
 *
 * Writes are versioned by (post_version, model_revision): the same pair again is a no-op
 * (`duplicate`), an older pair never overwrites a newer one (`stale`), and a newer one replaces the
 * whole hash — atomically, in one script.
 */
export function contentKey(keyPrefix: string, postId: string): string {
  return `${keyPrefix}content:${postId}`;
}

export type WriteOutcome = 'written' | 'duplicate' | 'stale';

/** A published result, as stored (all strings on the wire). */
export interface ContentRecord {
  readonly postId: string;
  readonly authorId: string;
  readonly postVersion: number;
  readonly modelRevision: number;
  readonly modelVersion: string;
  readonly safetyLabel: string;
  readonly safetyConfidence: number;
  readonly safetyRule: string;
  readonly embedding: string;
  readonly embeddingDim: number;
  readonly embeddingMethod: string;
  readonly summary: string;
  readonly terms: readonly string[];
  readonly contentHash: string;
  readonly classifiedAtMs: number;
  readonly graphId: string;
  readonly source: string;
}

/** What the consumer needs to decide whether an event still has work to do. */
export interface ContentState {
  readonly postVersion: number;
  readonly modelRevision: number;
  readonly contentHash: string | undefined;
  readonly deleted: boolean;
}

export function resultVersion(postVersion: number, modelVersion: string): string {
  return `v${postVersion}/${modelVersion}`;
}

/*
 * KEYS[1] = content hash. ARGV[1] = post version, ARGV[2] = model revision, then field/value pairs.
 * Redis clock for published_at. Reply: 'written' | 'duplicate' | 'stale'.
 */
const VERSIONED_WRITE = `
local cur = redis.call('HMGET', KEYS[1], 'post_version', 'model_revision')
local v, r = tonumber(ARGV[1]), tonumber(ARGV[2])
if cur[1] then
  local cv, cr = tonumber(cur[1]), tonumber(cur[2]) or 0
  if v < cv or (v == cv and r < cr) then return 'stale' end
  if v == cv and r == cr then return 'duplicate' end
end
local t = redis.call('TIME')
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'post_version', ARGV[1], 'model_revision', ARGV[2],
  'published_at', tostring(tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)), unpack(ARGV, 3))
return 'written'
`;
const VERSIONED_WRITE_SHA = createHash('sha1').update(VERSIONED_WRITE).digest('hex');

/** The content hashes over one ioredis connection WITHOUT `keyPrefix` (keys are built with `contentKey`). */
export class ContentStore {
  constructor(
    private readonly _redis: Redis,
    private readonly _keyPrefix: string,
  ) {}

  key(postId: string): string {
    return contentKey(this._keyPrefix, postId);
  }

  /** Publishes a result (idempotent, never goes back in version). */
  publish(r: ContentRecord): Promise<WriteOutcome> {
    return this.write(r.postId, r.postVersion, r.modelRevision, [
      'post_id',
      r.postId,
      'author_id',
      r.authorId,
      'result_version',
      resultVersion(r.postVersion, r.modelVersion),
      'model_version',
      r.modelVersion,
      'safety_label',
      r.safetyLabel,
      'safety_confidence',
      String(r.safetyConfidence),
      'safety_rule',
      r.safetyRule,
      'embedding',
      r.embedding,
      'embedding_dim',
      String(r.embeddingDim),
      'embedding_method',
      r.embeddingMethod,
      'summary',
      r.summary,
      'terms',
      r.terms.join(' '),
      'content_hash',
      r.contentHash,
      'classified_at',
      String(r.classifiedAtMs),
      'graph_id',
      r.graphId,
      'source',
      r.source,
    ]);
  }

  /**
   * Records a delete at `postVersion`: the result fields go, and every result of an older version
   * that is still in flight (a late graph) becomes `stale` instead of resurrecting the post.
   */
  tombstone(postId: string, postVersion: number, modelRevision: number): Promise<WriteOutcome> {
    return this.write(postId, postVersion, modelRevision, ['post_id', postId, 'deleted', '1']);
  }

  async state(postId: string): Promise<ContentState | undefined> {
    const [version, revision, hash, deleted] = await this._redis.hmget(
      this.key(postId),
      'post_version',
      'model_revision',
      'content_hash',
      'deleted',
    );
    if (version === null || version === undefined) {
      return undefined;
    }
    return {
      postVersion: Number(version),
      modelRevision: Number(revision ?? 0),
      contentHash: hash ?? undefined,
      deleted: deleted === '1',
    };
  }

  private async write(
    postId: string,
    postVersion: number,
    modelRevision: number,
    fields: readonly string[],
  ): Promise<WriteOutcome> {
    const args = [this.key(postId), String(postVersion), String(modelRevision), ...fields];
    let reply: unknown;
    try {
      reply = await this._redis.evalsha(VERSIONED_WRITE_SHA, 1, ...args);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) {
        throw err;
      }
      reply = await this._redis.eval(VERSIONED_WRITE, 1, ...args);
    }
    if (reply !== 'written' && reply !== 'duplicate' && reply !== 'stale') {
      throw new Error(`content write: unexpected reply ${JSON.stringify(reply)}`);
    }
    return reply;
  }
}
