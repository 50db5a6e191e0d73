import {
  ok,
  sourced,
  type ComponentContext,
  type Result,
  type Source,
  type SourceOutput,
} from '@foryou/candidate-pipeline';
import type { AdsClient } from '../../clients/ads.client';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';

/** Ads eligible for this viewer (x-algorithm AdsSource); the blender decides where, if anywhere, they go. */
export class AdsSource implements Source<ForYouQuery, FeedCandidate> {
  readonly name = 'AdsSource';

  constructor(private readonly _client: AdsClient) {}

  enabled(query: ForYouQuery): boolean {
    return query.params.values.ads.enabled;
  }

  timeoutMs(query: ForYouQuery): number {
    return query.params.values.ads.timeoutMs;
  }

  async fetch(query: ForYouQuery, ctx: ComponentContext): Promise<Result<SourceOutput<FeedCandidate>>> {
    const max = query.params.values.ads.maxAdsPerPage * 2;
    const result = await this._client.adsFor(query.viewerId, max, ctx.signal);
    if (!result.ok) {
      return result;
    }
    return ok({
      candidates: result.value.map((ad) =>
        sourced<FeedCandidate>(
          { id: ad.adId, type: 'ad', servedType: 'ad', authorId: ad.advertiserId, score: ad.relevance },
          ad.relevance,
        ),
      ),
    });
  }
}
