import {
  servedCandidatesWork,
  type DurableWork,
  type ServedCandidatesRecord,
  type ServedCandidatesRepository,
} from '@foryou/feed-state';
import type { ForYouQuery } from '../../query/for-you-query';
import type { DurableSideEffect, FeedSideEffectInput } from './durable-side-effect';

/**
 * One record per served post — position, how it was sourced, its score and model version — for training,
 * attribution and reconciliation against served history.
 */
export class LogServedCandidatesSideEffect implements DurableSideEffect {
  readonly name = 'LogServedCandidates';

  constructor(private readonly _log: ServedCandidatesRepository) {}

  enabled(query: ForYouQuery): boolean {
    return !query.debug;
  }

  work(input: FeedSideEffectInput): DurableWork {
    return servedCandidatesWork(record(input));
  }

  async run(input: FeedSideEffectInput): Promise<void> {
    const payload = record(input);
    await this._log.apply(payload, servedCandidatesWork(payload).businessKey);
  }
}

function record({ query, selected }: FeedSideEffectInput): ServedCandidatesRecord {
  return {
    viewerId: query.viewerId,
    requestId: query.requestId,
    requestType: query.surface,
    servedAtMs: query.requestTimeMs,
    maxHistoryEntries: query.params.values.servedHistory.maxEntries,
    items: selected.flatMap((c, position) =>
      c.type === 'post'
        ? [
            {
              postId: c.id,
              position,
              sources: [c.servedType],
              score: c.weightedScore ?? null,
              modelVersion: c.modelVersion ?? null,
            },
          ]
        : [],
    ),
  };
}
