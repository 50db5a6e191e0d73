import type { Selection, Selector } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';
import { blendSafeGap } from './safe-gap-blend';

/**
 * The For You page (x-algorithm BlenderSelector with the "safe_gap" ads blender): organic posts in the
 * scored-posts order, ads in safe gaps, truncated to the requested limit.
 */
export class BlenderSelector implements Selector<ForYouQuery, FeedCandidate> {
  readonly name = 'BlenderSelector';

  select(query: ForYouQuery, candidates: readonly FeedCandidate[]): Selection<FeedCandidate> {
    const a = query.params.values.ads;
    const result = blendSafeGap(
      candidates.filter((c) => c.type === 'post'),
      candidates.filter((c) => c.type === 'ad'),
      {
        limit: query.limit,
        minPosts: a.minPosts,
        maxAds: a.enabled ? a.maxAdsPerPage : 0,
        minSpacing: a.minSpacing,
        firstAdPosition: a.firstAdPosition,
      },
    );
    return {
      selected: result.page.map((e) => ({ candidate: e.item, reason: e.reason })),
      notSelected: [...result.unusedPosts, ...result.unusedAds].map((u) => ({
        candidate: u.item,
        reason: u.reason,
      })),
    };
  }
}
