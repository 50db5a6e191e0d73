import type { PipelineDefinition } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../query/for-you-query';
import type { FeedCandidate } from './candidate/post-candidate';
import { AgeFilter } from './filters/age.filter';
import { ConversationDedupFilter } from './filters/conversation-dedup.filter';
import { PreviouslySeenFilter } from './filters/previously-seen.filter';
import { RecentEngagedAuthorsGateFilter } from './filters/recent-engaged-authors-gate.filter';
import { RepostDeduplicationFilter } from './filters/repost-deduplication.filter';
import { AuthorSocialgraphFilter } from './filters/author-socialgraph.filter';
import { CoreDataFilter } from './filters/core-data.filter';
import { DropDuplicatesFilter } from './filters/drop-duplicates.filter';
import { PreviouslyServedFilter } from './filters/previously-served.filter';
import { SafetyFilter } from './filters/safety.filter';
import { SelfPostFilter } from './filters/self-post.filter';
import { AuthorHydrator } from './hydrators/author.hydrator';
import { BrandSafetyHydrator } from './hydrators/brand-safety.hydrator';
import { CoreDataHydrator } from './hydrators/core-data.hydrator';
import { SafetyLabelHydrator } from './hydrators/safety-label.hydrator';
import type { PipelineDeps } from './pipeline-deps';
import { CachedPostsQueryHydrator } from './query-hydrators/cached-posts.query-hydrator';
import { PhoenixScorer } from './scorers/phoenix.scorer';
import { WeightedScorer } from './scorers/weighted.scorer';
import { TopKScoreSelector } from './selectors/top-k.selector';
import { CachedPostsSource } from './sources/cached-posts.source';
import { PhoenixRetrievalSource } from './sources/phoenix-retrieval.source';
import { RecentEngagedAuthorsSource } from './sources/recent-engaged-authors.source';
import { ThunderSource } from './sources/thunder.source';

/** The inner pipeline (x-algorithm PhoenixCandidatePipeline): posts only, scored and top-K selected. */
export function scoredPostsPipeline(deps: PipelineDeps): PipelineDefinition<ForYouQuery, FeedCandidate> {
  return {
    name: 'scored_posts',
    // Follow, block and mute lists and the action sequence come from the outer query (for_you hydrates
    // them because WhoToFollowSource needs them too).
    queryHydrators: [new CachedPostsQueryHydrator(deps.candidateCache)],
    // Order matters: DropDuplicatesFilter keeps the first copy, so in-network beats retrieval beats cache
    // beats the experimental recent-engaged-authors source.
    sources: [
      new ThunderSource(deps.inNetworkPosts),
      new PhoenixRetrievalSource(deps.retrieval),
      new CachedPostsSource(),
      new RecentEngagedAuthorsSource(deps.inNetworkPosts),
    ],
    hydrators: [
      new CoreDataHydrator(deps.postStore),
      new AuthorHydrator(deps.users),
      new SafetyLabelHydrator(deps.safetyLabels),
    ],
    // Cheap, id-only filters first; the fail-closed safety filters run on whatever survives.
    // The gate first: it must count retrieval's supply before anything is filtered.
    filters: [
      new RecentEngagedAuthorsGateFilter(),
      new DropDuplicatesFilter(),
      new CoreDataFilter(),
      new AgeFilter(),
      new SelfPostFilter(),
      new RepostDeduplicationFilter(),
      new PreviouslySeenFilter(),
      new PreviouslyServedFilter(),
      new AuthorSocialgraphFilter(),
      new SafetyFilter(),
    ],
    // WeightedScorer reads PhoenixScorer's predictions: keep this order.
    scorers: [new PhoenixScorer(deps.ranking), new WeightedScorer()],
    selector: new TopKScoreSelector(),
    postSelectionHydrators: [new BrandSafetyHydrator()],
    postSelectionFilters: [new ConversationDedupFilter()],
    sideEffects: [],
    resultSize: (q) => q.params.values.scoredPostsSize,
  };
}
