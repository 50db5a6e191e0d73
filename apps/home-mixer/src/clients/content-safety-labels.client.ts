import { ok, present, type FieldResult, type Result } from '@foryou/candidate-pipeline';
import type { SafetyLabel } from '@foryou/world';
import type { Redis } from 'ioredis';
import type { SafetyLabelsClient } from './safety-labels.client';

const SAFETY_LABELS: ReadonlySet<string> = new Set<SafetyLabel>([
  'safe',
  'low_risk',
  'medium_risk',
  'unsafe',
]);

/**
 * Reads the safety labels Grox published (workers, `apps/workers/src/grox/content-store.ts`): field
 * `safety_label` of hash `content:<postId>`, under the connection's key prefix (REDIS_KEY_PREFIX,
 * which must equal the workers'). One value per id, in order; null when there is none.
 * Rejects on a Redis error.
 */
export interface ContentLabelReader {
  read(postIds: readonly string[]): Promise<readonly (string | null)[]>;
}

/** ContentLabelReader over ioredis (keyPrefix applies): one pipelined HGET per id, one round trip. */
export function redisContentLabelReader(redis: Redis): ContentLabelReader {
  return {
    async read(postIds) {
      const pipeline = redis.pipeline();
      for (const id of postIds) {
        pipeline.hget(`content:${id}`, 'safety_label');
      }
      const replies = (await pipeline.exec()) ?? [];
      return postIds.map((_, i) => {
        const [err, value] = replies[i] ?? [new Error('no reply'), null];
        if (err) {
          throw err;
        }
        return typeof value === 'string' ? value : null;
      });
    },
  };
}

/**
 * Safety labels from the label service, with Grox's published label filling in posts the service
 * has NOT labelled (`not_found`, or no row). Nothing else changes:
 * - `present` from the service always wins (Grox never overrides a label);
 * - `dependency_error` stays: the service failed for that post, and Grox cannot make a failing
 *   dependency succeed — it stays unknown, so the fail-closed SafetyFilter drops it (fixture post E);
 * - a Redis error, an abort, or a value that is not a SafetyLabel keeps the service's answer
 *   (still unknown → still dropped: fail-closed);
 * - a failed call of the label service itself is returned as is.
 */
export class ContentSafetyLabelsClient implements SafetyLabelsClient {
  constructor(
    private readonly _labels: SafetyLabelsClient,
    private readonly _reader: ContentLabelReader,
    private readonly _onReadError?: (err: unknown) => void,
  ) {}

  async labels(
    postIds: readonly string[],
    signal: AbortSignal,
  ): Promise<Result<ReadonlyMap<string, FieldResult<SafetyLabel>>>> {
    const base = await this._labels.labels(postIds, signal);
    if (!base.ok) {
      return base;
    }
    const unlabelled = [...new Set(postIds)].filter((id) => {
      const r = base.value.get(id);
      return r === undefined || r.state === 'not_found';
    });
    if (unlabelled.length === 0 || signal.aborted) {
      return base;
    }
    let published: readonly (string | null)[];
    try {
      published = await this._reader.read(unlabelled);
    } catch (err) {
      this._onReadError?.(err);
      return base;
    }
    let out: Map<string, FieldResult<SafetyLabel>> | undefined;
    unlabelled.forEach((id, i) => {
      const label = published[i];
      if (typeof label === 'string' && SAFETY_LABELS.has(label)) {
        out ??= new Map(base.value);
        out.set(id, present(label as SafetyLabel));
      }
    });
    return out === undefined ? base : ok(out);
  }
}
