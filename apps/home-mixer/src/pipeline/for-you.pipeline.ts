import type { PipelineDefinition } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../query/for-you-query';
import type { FeedCandidate } from './candidate/post-candidate';
import type { PipelineDeps } from './pipeline-deps';
import { ServedHistoryQueryHydrator } from './query-hydrators/served-history.query-hydrator';
import { scoredPostsPipeline } from './scored-posts.pipeline';
import { BlenderSelector } from './selectors/blender.selector';
import { CacheCandidatesSideEffect } from './side-effects/cache-candidates.side-effect';
import { UpdateServedHistorySideEffect } from './side-effects/update-served-history.side-effect';
import { AdsSource } from './sources/ads.source';
import { ScoredPostsSource } from './sources/scored-posts.source';

/**
 * The outer pipeline (x-algorithm ForYouCandidatePipeline): served history first (the inner pipeline's
 * sources and filters read it), then scored posts and ads in parallel, blended into the page.
 */
export function forYouPipeline(deps: PipelineDeps): PipelineDefinition<ForYouQuery, FeedCandidate> {
  return {
    name: 'for_you',
    queryHydrators: [new ServedHistoryQueryHydrator(deps.servedHistory)],
    sources: [new ScoredPostsSource(deps.runner, scoredPostsPipeline(deps)), new AdsSource(deps.ads)],
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
    ],
    resultSize: (q) => q.limit,
  };
}
