import {
  ok,
  sourced,
  type ComponentContext,
  type Result,
  type Source,
  type SourceOutput,
} from '@foryou/candidate-pipeline';
import type { RetrievalClient } from '../../clients/retrieval.client';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';

/**
 * Out-of-network candidates by embedding similarity (x-algorithm PhoenixSource). Authors the viewer
 * follows are left to ThunderSource; the similarity is kept in the ledger as the raw score.
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
    const result = await this._client.retrieve(
      query.viewerId,
      p.k,
      query.contentTimeMs - p.maxAgeMs,
      ctx.signal,
    );
    if (!result.ok) {
      return result;
    }
    const version = `${result.value.modelVersion}/${result.value.corpusVersion}`;
    return ok({
      candidates: result.value.posts.map((post) =>
        sourced<FeedCandidate>(
          { id: post.postId, type: 'post', servedType: 'oon_retrieval' },
          post.similarity,
          version,
        ),
      ),
    });
  }
}
