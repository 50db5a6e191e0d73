import {
  ok,
  type ComponentContext,
  type HydratedRow,
  type Result,
  type Scorer,
} from '@foryou/candidate-pipeline';
import { ACTIONS, type Action } from '@foryou/world';
import { callContext } from '../../clients/call-context';
import type { RankingClient } from '../../clients/ranking.client';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';

/**
 * Per-action engagement predictions from the ranking model (x-algorithm PhoenixScorer). A candidate
 * whose predictions are missing or not finite for any action gets no predictions (and so no score)
 * rather than a guessed one; the selector sinks unscored candidates and the ledger shows why.
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
    const result = await this._client.predict({
      viewerId: query.viewerId,
      actionSequence: query.actionSequence.state === 'known' ? query.actionSequence.value : [],
      candidates: candidates.map((c) => ({
        postId: c.id,
        authorId: c.authorId,
        inNetwork: c.inNetwork ?? false,
      })),
      call: callContext(query.requestId, ctx),
    });
    if (!result.ok) {
      return result;
    }
    const { predictions, modelVersion } = result.value;
    return ok(
      candidates.map((c) => {
        const usable = complete(predictions.get(c.id));
        return { id: c.id, patch: { predictions: usable, modelVersion } };
      }),
    );
  }
}

/** The predictions if every action has a finite probability, else undefined. */
function complete(
  p: Readonly<Partial<Record<Action, number>>> | undefined,
): Readonly<Record<Action, number>> | undefined {
  if (!p || !ACTIONS.every((a) => Number.isFinite(p[a]))) {
    return undefined;
  }
  return p as Readonly<Record<Action, number>>;
}
