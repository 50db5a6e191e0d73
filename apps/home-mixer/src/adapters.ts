import type { World } from '@foryou/world';
import type { Redis } from 'ioredis';
import { WorldAdsClient, type AdsClient } from './clients/ads.client';
import { WorldInNetworkPostsClient, type InNetworkPostsClient } from './clients/in-network-posts.client';
import { WorldPostStoreClient, type PostStoreClient } from './clients/post-store.client';
import { HeuristicRankingClient, type RankingClient } from './clients/ranking.client';
import { WorldRetrievalClient, type RetrievalClient } from './clients/retrieval.client';
import { WorldSafetyLabelsClient, type SafetyLabelsClient } from './clients/safety-labels.client';
import { WorldSocialGraphClient, type SocialGraphClient } from './clients/social-graph.client';
import { WorldUserStoreClient, type UserStoreClient } from './clients/user-store.client';
import {
  RedisCandidateCacheRepository,
  type CandidateCacheRepository,
} from './repositories/candidate-cache.repository';
import {
  RedisServedHistoryRepository,
  type ServedHistoryRepository,
} from './repositories/served-history.repository';

/** Every I/O boundary of home-mixer. The composition root picks implementations; nothing else does. */
export interface Adapters {
  readonly socialGraph: SocialGraphClient;
  readonly inNetworkPosts: InNetworkPostsClient;
  readonly retrieval: RetrievalClient;
  readonly postStore: PostStoreClient;
  readonly safetyLabels: SafetyLabelsClient;
  readonly ranking: RankingClient & { readonly modelVersion: string };
  readonly ads: AdsClient;
  readonly users: UserStoreClient;
  readonly servedHistory: ServedHistoryRepository;
  readonly candidateCache: CandidateCacheRepository;
}

/**
 * Production adapters for this milestone: world-backed stand-ins for Thunder, Phoenix and the other
 * services (each replaceable by a network client without touching the pipelines), Redis for state.
 */
export function defaultAdapters(world: World, redis: Redis): Adapters {
  return {
    socialGraph: new WorldSocialGraphClient(world),
    inNetworkPosts: new WorldInNetworkPostsClient(world),
    retrieval: new WorldRetrievalClient(world),
    postStore: new WorldPostStoreClient(world),
    safetyLabels: new WorldSafetyLabelsClient(world),
    ranking: new HeuristicRankingClient(world),
    ads: new WorldAdsClient(world),
    users: new WorldUserStoreClient(world),
    servedHistory: new RedisServedHistoryRepository(redis),
    candidateCache: new RedisCandidateCacheRepository(redis),
  };
}
