import type { PipelineRunner } from '@foryou/candidate-pipeline';
import type { AdsClient } from '../clients/ads.client';
import type { InNetworkPostsClient } from '../clients/in-network-posts.client';
import type { PostStoreClient } from '../clients/post-store.client';
import type { RankingClient } from '../clients/ranking.client';
import type { RetrievalClient } from '../clients/retrieval.client';
import type { SafetyLabelsClient } from '../clients/safety-labels.client';
import type { SocialGraphClient } from '../clients/social-graph.client';
import type { CandidateCacheRepository } from '../repositories/candidate-cache.repository';
import type { ServedHistoryRepository } from '../repositories/served-history.repository';

/** Everything the For You pipelines talk to. Production and tests build pipelines from the same deps shape. */
export interface PipelineDeps {
  readonly runner: PipelineRunner;
  readonly socialGraph: SocialGraphClient;
  readonly inNetworkPosts: InNetworkPostsClient;
  readonly retrieval: RetrievalClient;
  readonly postStore: PostStoreClient;
  readonly safetyLabels: SafetyLabelsClient;
  readonly ranking: RankingClient;
  readonly ads: AdsClient;
  readonly servedHistory: ServedHistoryRepository;
  readonly candidateCache: CandidateCacheRepository;
}
