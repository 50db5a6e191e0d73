import type { Placement, Selection, Selector } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';
import { placeModule } from './module-placement';
import { blendSafeGap } from './safe-gap-blend';

/**
 * The For You page (x-algorithm BlenderSelector with the "safe_gap" ads blender): organic posts in the
 * scored-posts order, ads in safe gaps, one who-to-follow module near its configured position (never
 * touching an ad), truncated to the requested limit with any trailing ad dropped.
 */
export class BlenderSelector implements Selector<ForYouQuery, FeedCandidate> {
  readonly name = 'BlenderSelector';

  select(query: ForYouQuery, candidates: readonly FeedCandidate[]): Selection<FeedCandidate> {
    const a = query.params.values.ads;
    const wtf = query.params.values.whoToFollow;
    const modules = candidates.filter((c) => c.type === 'who_to_follow');
    const module = modules[0];
    const room = module ? query.limit - 1 : query.limit;
    const result = blendSafeGap(
      candidates.filter((c) => c.type === 'post'),
      candidates.filter((c) => c.type === 'ad'),
      {
        limit: room,
        minPosts: a.minPosts,
        maxAds: a.enabled ? a.maxAdsPerPage : 0,
        minSpacing: a.minSpacing,
        firstAdPosition: a.firstAdPosition,
      },
    );
    let page: Placement<FeedCandidate>[] = result.page.map((e) => ({ candidate: e.item, reason: e.reason }));
    const notSelected: Placement<FeedCandidate>[] = [...result.unusedPosts, ...result.unusedAds].map((u) => ({
      candidate: u.item,
      reason: u.reason,
    }));
    if (module) {
      const placed = placeModule(
        page,
        { candidate: module, reason: `who-to-follow slot (preferred index ${wtf.position})` },
        wtf.position,
        (p) => p.candidate.type === 'ad',
      );
      page = placed.page;
      if (placed.placedAt === null) {
        notSelected.push({ candidate: module, reason: 'page too short for the who-to-follow slot' });
      }
    }
    for (const extra of modules.slice(1)) {
      notSelected.push({ candidate: extra, reason: 'one who-to-follow module per page' });
    }
    // Never end on an ad (x-algorithm drops a trailing ad after truncation).
    while (page.length > 0 && page[page.length - 1]!.candidate.type === 'ad') {
      notSelected.push({ candidate: page.pop()!.candidate, reason: 'trailing ad dropped' });
    }
    return { selected: page, notSelected };
  }
}
