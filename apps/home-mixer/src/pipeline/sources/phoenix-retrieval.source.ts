import {
  ok,
  sourced,
  type ComponentContext,
  type Result,
  type Source,
  type SourceOutput,
} from '@foryou/candidate-pipeline';
import { callContext } from '../../clients/call-context';
import type { RetrievalClient } from '../../clients/retrieval.client';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';

/**
 * Out-of-network candidates by two-tower retrieval (x-algorithm PhoenixSource). Followed authors are
 * excluded (ThunderSource serves them); the similarity is kept in the ledger as the raw score. No
 * usable history means no personalised candidates: an empty, not a failed, source.
 */
export class PhoenixRetrievalSource implements Source<ForYouQuery, FeedCandidate> {
  readonly name = 'PhoenixRetrievalSource';

  constructor(private readonly _client: RetrievalClient) {}

  enabled(query: ForYouQuery): boolean {
    return query.params.values.retrieval.enabled && query.viewerKnown;
  }

  timeoutMs(query: ForYouQuery): number {
    return query.params.values.retrieval.timeoutMs;
  }

  async fetch(query: ForYouQuery, ctx: ComponentContext): Promise<Result<SourceOutput<FeedCandidate>>> {
    const p = query.params.values.retrieval;
    const result = await this._client.retrieve({
      viewerId: query.viewerId,
      actionSequence: query.actionSequence.state === 'known' ? query.actionSequence.value : [],
      k: p.k,
      notBeforeMs: query.contentTimeMs - p.maxAgeMs,
      excludeAuthorIds: query.followedIds.state === 'known' ? query.followedIds.value : new Set(),
      call: callContext(query.requestId, ctx),
    });
    if (!result.ok) {
      return result;
    }
    const { posts, status, modelVersion, corpusVersion } = result.value;
    const version = `${modelVersion}/${corpusVersion}`;
    return ok({
      candidates: posts.map((post) =>
        sourced<FeedCandidate>(
          { id: post.postId, type: 'post', servedType: 'oon_retrieval' },
          post.similarity,
          version,
        ),
      ),
      ...(status === 'partial' ? { partial: 'retrieval index not fully searched in time' } : {}),
    });
  }
}
