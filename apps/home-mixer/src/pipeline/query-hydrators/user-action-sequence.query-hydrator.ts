import { known, type ComponentContext, type QueryHydrator, type Result } from '@foryou/candidate-pipeline';
import type { ActionHistoryClient } from '../../clients/action-history.client';
import { callContext } from '../../clients/call-context';
import type { ForYouQuery } from '../../query/for-you-query';

/**
 * The viewer's recent engagements, the input of Phoenix's user tower (x-algorithm
 * ScoringSequence/RetrievalSequence hydrators). Fail-open: without it retrieval is unpersonalised.
 */
export class UserActionSequenceQueryHydrator implements QueryHydrator<ForYouQuery> {
  readonly name = 'UserActionSequence';
  readonly fields = ['actionSequence'] as const;

  constructor(private readonly _history: ActionHistoryClient) {}

  enabled(query: ForYouQuery): boolean {
    return query.viewerKnown;
  }

  timeoutMs(query: ForYouQuery): number {
    return query.params.values.hydrationTimeoutMs;
  }

  async hydrate(query: ForYouQuery, ctx: ComponentContext): Promise<Result<Partial<ForYouQuery>>> {
    const result = await this._history.recent(
      query.viewerId,
      query.params.values.retrieval.actionSequenceLength,
      query.contentTimeMs,
      callContext(query.requestId, ctx),
    );
    return result.ok ? { ok: true, value: { actionSequence: known(result.value) } } : result;
  }
}
