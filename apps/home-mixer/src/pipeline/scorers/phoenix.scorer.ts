import {
  ok,
  type ComponentContext,
  type HydratedRow,
  type Result,
  type Scorer,
} from '@foryou/candidate-pipeline';
import { ACTIONS } from '@foryou/world';
import type { RankingClient } from '../../clients/ranking.client';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';

/**
 * Per-action engagement predictions from the ranking model (x-algorithm PhoenixScorer). A candidate
 * whose predictions are missing or not finite gets no predictions (and so no score) rather than a
 * guessed one; the selector sinks unscored candidates.
 */
export class PhoenixScorer implements Scorer<ForYouQuery, FeedCandidate> {
  readonly name = 'PhoenixScorer';
  readonly fields = ['predictions', 'modelVersion'] as const;

  constructor(private readonly _client: RankingClient) {}

  timeoutMs(query: ForYouQuery): number {
    return query.params.values.ranking.timeoutMs;
  }

  async score(
    query: ForYouQuery,
    candidates: readonly FeedCandidate[],
    ctx: ComponentContext,
  ): Promise<Result<readonly HydratedRow<FeedCandidate>[]>> {
    const result = await this._client.predict(
      query.viewerId,
      candidates.map((c) => ({ postId: c.id, authorId: c.authorId, inNetwork: c.inNetwork ?? false })),
      ctx.signal,
    );
    if (!result.ok) {
      return result;
    }
    const { predictions, modelVersion } = result.value;
    return ok(
      candidates.map((c) => {
        const p = predictions.get(c.id);
        const usable = p !== undefined && ACTIONS.every((a) => Number.isFinite(p[a]));
        return {
          id: c.id,
          patch: usable ? { predictions: p, modelVersion } : { predictions: undefined, modelVersion },
        };
      }),
    );
  }
}
