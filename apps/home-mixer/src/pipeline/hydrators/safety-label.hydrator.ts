import {
  ok,
  type ComponentContext,
  type HydratedRow,
  type Hydrator,
  type Result,
} from '@foryou/candidate-pipeline';
import type { SafetyLabelsClient } from '../../clients/safety-labels.client';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';

/**
 * Safety label per candidate with its state (present / not_found / forbidden / dependency_error).
 * Fail-closed: if the label service fails or a row is missing, the runner drops the candidate.
 */
export class SafetyLabelHydrator implements Hydrator<ForYouQuery, FeedCandidate> {
  readonly name = 'SafetyLabelHydrator';
  readonly failurePolicy = 'fail_closed' as const;
  readonly fields = ['safety'] as const;

  constructor(private readonly _client: SafetyLabelsClient) {}

  timeoutMs(query: ForYouQuery): number {
    return query.params.values.hydrationTimeoutMs;
  }

  async hydrate(
    _query: ForYouQuery,
    candidates: readonly FeedCandidate[],
    ctx: ComponentContext,
  ): Promise<Result<readonly HydratedRow<FeedCandidate>[]>> {
    const result = await this._client.labels(
      candidates.map((c) => c.id),
      ctx.signal,
    );
    if (!result.ok) {
      return result;
    }
    return ok(
      candidates.map((c) => ({
        id: c.id,
        patch: { safety: result.value.get(c.id) ?? { state: 'not_found' } },
      })),
    );
  }
}
