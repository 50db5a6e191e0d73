import {
  servedHistoryWork,
  type DurableWork,
  type ServedHistoryRepository,
  type ServedHistoryUpdate,
} from '@foryou/feed-state';
import type { ForYouQuery } from '../../query/for-you-query';
import type { DurableSideEffect, FeedSideEffectInput } from './durable-side-effect';

/** Records what this response served (x-algorithm UpdateServedHistory + TruncateServedHistory). */
export class UpdateServedHistorySideEffect implements DurableSideEffect {
  readonly name = 'UpdateServedHistory';

  constructor(private readonly _repository: ServedHistoryRepository) {}

  enabled(query: ForYouQuery): boolean {
    return !query.debug;
  }

  work(input: FeedSideEffectInput): DurableWork {
    return servedHistoryWork(update(input));
  }

  async run(input: FeedSideEffectInput): Promise<void> {
    const payload = update(input);
    await this._repository.apply(payload, servedHistoryWork(payload).businessKey);
  }
}

function update({ query, selected }: FeedSideEffectInput): ServedHistoryUpdate {
  return {
    viewerId: query.viewerId,
    requestId: query.requestId,
    requestType: query.surface,
    servedAtMs: query.requestTimeMs,
    postIds: selected.filter((c) => c.type === 'post').map((c) => c.id),
    maxEntries: query.params.values.servedHistory.maxEntries,
  };
}
