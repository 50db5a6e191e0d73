import type { SideEffect, SideEffectInput } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { ServedHistoryRepository } from '../../repositories/served-history.repository';
import type { FeedCandidate } from '../candidate/post-candidate';

/** Records what this response served (x-algorithm UpdateServedHistory + TruncateServedHistory). */
export class UpdateServedHistorySideEffect implements SideEffect<ForYouQuery, FeedCandidate> {
  readonly name = 'UpdateServedHistory';

  constructor(private readonly _repository: ServedHistoryRepository) {}

  enabled(query: ForYouQuery): boolean {
    return !query.debug;
  }

  run(input: SideEffectInput<ForYouQuery, FeedCandidate>): Promise<void> {
    const { query, selected } = input;
    return this._repository.append(
      query.viewerId,
      selected.map((c) => ({ postId: c.id, servedAtMs: query.requestTimeMs })),
      query.params.values.servedHistory.maxEntries,
    );
  }
}
