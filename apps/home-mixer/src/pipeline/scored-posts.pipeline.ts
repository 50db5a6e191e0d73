import type { PipelineDefinition } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../query/for-you-query';
import type { FeedCandidate } from './candidate/post-candidate';
import { AgeFilter } from './filters/age.filter';
import { AuthorSocialgraphFilter } from './filters/author-socialgraph.filter';
import { CoreDataFilter } from './filters/core-data.filter';
import { DropDuplicatesFilter } from './filters/drop-duplicates.filter';
import { PreviouslyServedFilter } from './filters/previously-served.filter';
import { SafetyFilter } from './filters/safety.filter';
import { SelfPostFilter } from './filters/self-post.filter';
import { BrandSafetyHydrator } from './hydrators/brand-safety.hydrator';
import { CoreDataHydrator } from './hydrators/core-data.hydrator';
import { SafetyLabelHydrator } from './hydrators/safety-label.hydrator';
import type { PipelineDeps } from './pipeline-deps';
import { BlockedIdsQueryHydrator } from './query-hydrators/blocked-ids.query-hydrator';
import { CachedPostsQueryHydrator } from './query-hydrators/cached-posts.query-hydrator';
import { FollowedIdsQueryHydrator } from './query-hydrators/followed-ids.query-hydrator';
import { MutedIdsQueryHydrator } from './query-hydrators/muted-ids.query-hydrator';
import { PhoenixScorer } from './scorers/phoenix.scorer';
import { WeightedScorer } from './scorers/weighted.scorer';
import { TopKScoreSelector } from './selectors/top-k.selector';
import { CachedPostsSource } from './sources/cached-posts.source';
import { PhoenixRetrievalSource } from './sources/phoenix-retrieval.source';
import { ThunderSource } from './sources/thunder.source';

/** The inner pipeline (x-algorithm PhoenixCandidatePipeline): posts only, scored and top-K selected. */
export function scoredPostsPipeline(deps: PipelineDeps): PipelineDefinition<ForYouQuery, FeedCandidate> {
  return {
    name: 'scored_posts',
    queryHydrators: [
      new FollowedIdsQueryHydrator(deps.socialGraph),
      new BlockedIdsQueryHydrator(deps.socialGraph),
      new MutedIdsQueryHydrator(deps.socialGraph),
      new CachedPostsQueryHydrator(deps.candidateCache),
    ],
    // Order matters: DropDuplicatesFilter keeps the first copy, so in-network beats retrieval beats cache.
    sources: [
      new ThunderSource(deps.inNetworkPosts),
      new PhoenixRetrievalSource(deps.retrieval),
      new CachedPostsSource(),
    ],
    hydrators: [new CoreDataHydrator(deps.postStore), new SafetyLabelHydrator(deps.safetyLabels)],
    // Cheap, id-only filters first; the fail-closed safety filters run on whatever survives.
    filters: [
      new DropDuplicatesFilter(),
      new CoreDataFilter(),
      new AgeFilter(),
      new SelfPostFilter(),
      new PreviouslyServedFilter(),
      new AuthorSocialgraphFilter(),
      new SafetyFilter(),
    ],
    // WeightedScorer reads PhoenixScorer's predictions: keep this order.
    scorers: [new PhoenixScorer(deps.ranking), new WeightedScorer()],
    selector: new TopKScoreSelector(),
    postSelectionHydrators: [new BrandSafetyHydrator()],
    postSelectionFilters: [],
    sideEffects: [],
    resultSize: (q) => q.params.values.scoredPostsSize,
  };
}
