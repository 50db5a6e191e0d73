import type { PipelineDefinition } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../query/for-you-query';
import type { FeedCandidate } from './candidate/post-candidate';
import type { PipelineDeps } from './pipeline-deps';
import { BlockedIdsQueryHydrator } from './query-hydrators/blocked-ids.query-hydrator';
import { FollowedIdsQueryHydrator } from './query-hydrators/followed-ids.query-hydrator';
import { MutedIdsQueryHydrator } from './query-hydrators/muted-ids.query-hydrator';
import { ServedHistoryQueryHydrator } from './query-hydrators/served-history.query-hydrator';
import { UserActionSequenceQueryHydrator } from './query-hydrators/user-action-sequence.query-hydrator';
import { scoredPostsPipeline } from './scored-posts.pipeline';
import { BlenderSelector } from './selectors/blender.selector';
import { CacheCandidatesSideEffect } from './side-effects/cache-candidates.side-effect';
import { LogServedCandidatesSideEffect } from './side-effects/log-served-candidates.side-effect';
import { UpdateServedHistorySideEffect } from './side-effects/update-served-history.side-effect';
import { AdsSource } from './sources/ads.source';
import { ScoredPostsSource } from './sources/scored-posts.source';
import { WhoToFollowSource } from './sources/who-to-follow.source';

/**
 * The outer pipeline (x-algorithm ForYouCandidatePipeline): the viewer's served history, action
 * sequence and social graph first (the inner pipeline and the who-to-follow source read them), then
 * scored posts, ads and who-to-follow in parallel, blended into the page.
 */
export function forYouPipeline(deps: PipelineDeps): PipelineDefinition<ForYouQuery, FeedCandidate> {
  return {
    name: 'for_you',
    queryHydrators: [
      new ServedHistoryQueryHydrator(deps.servedHistory),
      new UserActionSequenceQueryHydrator(deps.actionHistory, deps.postStore),
      new FollowedIdsQueryHydrator(deps.socialGraph),
      new BlockedIdsQueryHydrator(deps.socialGraph),
      new MutedIdsQueryHydrator(deps.socialGraph),
    ],
    sources: [
      new ScoredPostsSource(deps.runner, scoredPostsPipeline(deps)),
      new AdsSource(deps.ads),
      new WhoToFollowSource(deps.suggestions),
    ],
    hydrators: [],
    filters: [],
    scorers: [],
    selector: new BlenderSelector(),
    postSelectionHydrators: [],
    postSelectionFilters: [],
    // Served history before the cache write: a crash between them must not lose what was served.
    sideEffects: [
      new UpdateServedHistorySideEffect(deps.servedHistory),
      new CacheCandidatesSideEffect(deps.candidateCache),
      new LogServedCandidatesSideEffect(deps.servedCandidates),
    ],
    resultSize: (q) => q.limit,
  };
}
