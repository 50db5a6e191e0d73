import { known, type QueryHydrator, type Result } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { ServedHistoryRepository } from '@foryou/feed-state';

/**
 * What the viewer was served within `excludeWindowMs` (x-algorithm ServedHistoryQueryHydrator).
 * Fail-open: without it a post may repeat, which is a relevance loss, not a safety one.
 */
export class ServedHistoryQueryHydrator implements QueryHydrator<ForYouQuery> {
  readonly name = 'ServedHistory';
  readonly fields = ['servedHistory'] as const;

  constructor(private readonly _repository: ServedHistoryRepository) {}

  async hydrate(query: ForYouQuery): Promise<Result<Partial<ForYouQuery>>> {
    const { excludeWindowMs, maxEntries } = query.params.values.servedHistory;
    const result = await this._repository.read(
      query.viewerId,
      query.requestTimeMs - excludeWindowMs,
      maxEntries,
    );
    return result.ok ? { ok: true, value: { servedHistory: known(result.value) } } : result;
  }
}
